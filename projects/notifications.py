"""Who hears about what in a project's life. Called by the moderation methods on Project,
by the contact and report forms and by the invitation of co-editors.

Every message goes to each person alone, in their language (``habitat.mail.send_to_each``).
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from habitat.mail import Recipient, recipients, send_to_each


def moderators():
    # Named, because with_perm() refuses to guess among several AUTHENTICATION_BACKENDS;
    # permissions are granted through Django's ModelBackend.
    users = get_user_model().objects.with_perm(
        "projects.moderate_project", include_superusers=True, backend="django.contrib.auth.backends.ModelBackend"
    )
    return users.filter(is_active=True).exclude(email="")


def reachable(users):
    """The people among ``users`` that the platform can write to."""
    return users.filter(is_active=True).exclude(email="")


def editors(project):
    return reachable(project.editors.all())


def submitted(project, event):
    """Moderators hear of every submission, first listings and changes alike."""
    original = project.revision_of or project

    def subject():
        if project.revision_of_id:
            return _("Change to review: %(name)s") % {"name": original.name}
        return _("New project to review: %(name)s") % {"name": original.name}

    send_to_each(
        moderators(),
        subject=subject,
        template="projects/email/submitted.txt",
        context={"project": project, "original": original},
    )


def decided(project, event):
    """Editors hear of every decision on their project, with the moderator's message."""
    project = project.revision_of or project  # a working copy's editors are its project's
    send_to_each(
        editors(project),
        subject=lambda: _("%(name)s: %(decision)s") % {"name": project.name, "decision": event.get_action_display()},
        template="projects/email/decided.txt",
        context={"project": project, "event": event},
    )


def contact_recipients(project):
    """Where a visitor's message to the group goes: its contact address (written to in the
    project's language) and its editors (each in their own)."""
    contact = [Recipient(address=project.contact_email, language=project.original_language)]
    return recipients(editors(project), contact if project.contact_email else [])


def relay_message(project, *, name, email, message):
    """A visitor writes to the group. The group answers by replying: the visitor's address
    is the Reply-To, while the group's own addresses are never shown to the visitor, nor to
    each other."""
    send_to_each(
        contact_recipients(project),
        subject=lambda: _("A message about %(name)s, sent through the SPH platform") % {"name": project.name},
        template="projects/email/contact.txt",
        context={"project": project, "name": name, "email": email, "message": message},
        reply_to=[email],
    )


def reported(report):
    """Moderators hear of every problem a visitor reports."""
    send_to_each(
        moderators(),
        subject=lambda: (
            _("Problem reported on %(name)s: %(kind)s")
            % {"name": report.project.name, "kind": report.get_kind_display()}
        ),
        template="projects/email/reported.txt",
        context={"report": report},
        reply_to=[report.email] if report.email else None,
    )


def invited(invitation):
    """The person invited to edit a project, in the language the inviter chose for them."""
    send_to_each(
        [Recipient(address=invitation.email, language=invitation.language)],
        subject=lambda: _("An invitation to edit “%(name)s”") % {"name": invitation.project.name},
        template="projects/email/invited.txt",
        context={"invitation": invitation},
    )


# --- Exchanges between groups (projects.models.exchanges) -------------------------------------
# A request and a refusal carry nobody's address; an accepted exchange gives each side the other
# side's editors' addresses, and nothing else changes hands.


def exchange_asked(exchange):
    """The asked project's editors hear of the request: who asks, for what, and where to answer."""
    send_to_each(
        editors(exchange.asked),
        subject=lambda: (
            _("%(asking)s asks %(asked)s for an exchange")
            % {"asking": exchange.asking.name, "asked": exchange.asked.name}
        ),
        template="projects/email/exchange_asked.txt",
        context={"exchange": exchange},
    )


def exchange_accepted(exchange):
    """Each side's editors get the other side's editors' names and addresses."""
    for own, other in [(exchange.asking, exchange.asked), (exchange.asked, exchange.asking)]:
        send_to_each(
            editors(own),
            subject=lambda other=other: _("Exchange with %(other)s accepted") % {"other": other.name},
            template="projects/email/exchange_accepted.txt",
            context={"exchange": exchange, "own": own, "other": other, "contacts": list(editors(other))},
        )


def exchange_declined(exchange):
    """The asking project's editors hear, politely, that the other group cannot take it up."""
    send_to_each(
        editors(exchange.asking),
        subject=lambda: _("%(asked)s cannot take up your request") % {"asked": exchange.asked.name},
        template="projects/email/exchange_declined.txt",
        context={"exchange": exchange},
    )
