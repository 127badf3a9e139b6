"""Who hears about what in a project's life. Called by the moderation methods on Project."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from habitat.mail import queue_email


def moderator_addresses():
    # Named, because with_perm() refuses to guess among several AUTHENTICATION_BACKENDS;
    # permissions are granted through Django's ModelBackend.
    users = get_user_model().objects.with_perm(
        "projects.moderate_project", include_superusers=True, backend="django.contrib.auth.backends.ModelBackend"
    )
    return [user.email for user in users.filter(is_active=True).exclude(email="")]


def editor_addresses(project):
    return [user.email for user in project.editors.filter(is_active=True).exclude(email="")]


def submitted(project, event):
    """Moderators hear of every submission, first listings and changes alike."""
    original = project.revision_of or project
    with translation.override("en"):
        subject = (
            _("Change to review: %(name)s") if project.revision_of_id else _("New project to review: %(name)s")
        ) % {"name": original.name}
        body = render_to_string(
            "projects/email/submitted.txt", {"project": project, "original": original, "site_url": settings.SITE_URL}
        )
    queue_email(subject=subject, body=body, to=moderator_addresses())


def decided(project, event):
    """Editors hear of every decision on their project, with the moderator's message."""
    project = project.revision_of or project  # a working copy's editors are its project's
    with translation.override(project.original_language):
        subject = _("%(name)s: %(decision)s") % {"name": project.name, "decision": event.get_action_display()}
        body = render_to_string(
            "projects/email/decided.txt", {"project": project, "event": event, "site_url": settings.SITE_URL}
        )
    queue_email(subject=subject, body=body, to=editor_addresses(project))


def contact_addresses(project):
    """Where a visitor's message to the group goes: its contact e-mail and its editors."""
    addresses = [project.contact_email, *editor_addresses(project)]
    return sorted({address for address in addresses if address})


def relay_message(project, *, name, email, message):
    """A visitor writes to the group. The group answers by replying: the visitor's address
    is the Reply-To, while the group's own address is never shown to the visitor."""
    with translation.override(project.original_language):
        subject = _("A message about %(name)s, sent through the SPH platform") % {"name": project.name}
        body = render_to_string(
            "projects/email/contact.txt",
            {"project": project, "name": name, "email": email, "message": message, "site_url": settings.SITE_URL},
        )
    queue_email(subject=subject, body=body, to=contact_addresses(project), reply_to=[email])


def reported(report):
    """Moderators hear of every problem a visitor reports."""
    with translation.override("en"):
        subject = _("Problem reported on %(name)s: %(kind)s") % {
            "name": report.project.name,
            "kind": report.get_kind_display(),
        }
        body = render_to_string("projects/email/reported.txt", {"report": report, "site_url": settings.SITE_URL})
    queue_email(subject=subject, body=body, to=moderator_addresses(), reply_to=[report.email] if report.email else None)
