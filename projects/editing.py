"""The group's own space: listing a project and keeping it up, section by section.

Who may edit is decided by ``Project.can_edit`` alone; every view here starts from
``_project_for_editor``. A published project is never changed in place: its editors work
on a working copy that moderators review (``Project.start_revision``).
"""

import reversion
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from habitat.mail import queue_email
from projects import sections
from projects.models import EditorInvitation, InvalidTransition, ModerationEvent, Project, Status


def _project_for_editor(request, slug):
    """The project named by ``slug`` if the user may edit it: 404 for a project the user may
    not even know of, 403 for a public one that is someone else's."""
    project = get_object_or_404(Project.objects.filter(revision_of__isnull=True), slug=slug)
    if not project.can_edit(request.user):
        if project.status == Status.PUBLISHED:
            raise PermissionDenied
        raise Http404
    return project


def _working_version(project):
    """What the section forms show and change: the pending change of a published project,
    the project itself otherwise. None for a published project with no change started."""
    if project.status != Status.PUBLISHED:
        return project
    try:
        return project.pending_revision
    except Project.DoesNotExist:
        return None


def _render(request, template, context):
    return render(request, template, {"edit_sections": sections.SECTIONS, **context})


def _save_with_history(request, comment, save):
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(request.user)
        reversion.set_comment(comment)
        return save()


@login_required
def my_projects(request):
    """The user's projects with their state, the moderators' last word and what to do next."""
    projects = (
        request.user.edited_projects.filter(revision_of__isnull=True)
        .select_related("pending_revision")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ModerationEvent.objects.exclude(message="").order_by("-created_at"),
                to_attr="messages_from_moderators",
            )
        )
        .order_by("-updated_at")
    )
    invitations = EditorInvitation.objects.filter(
        email__iexact=request.user.email, accepted_at__isnull=True
    ).select_related("project")
    return _render(request, "projects/edit/my_projects.html", {"projects": projects, "invitations": invitations})


@login_required
def create_project(request):
    form = sections.NewProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def save():
            project = form.save()
            project.editors.add(request.user)
            return project

        project = _save_with_history(request, "Project created", save)
        messages.success(request, _("Your draft is saved. Fill in the sections below, then submit it for review."))
        return redirect("projects:edit", slug=project.slug)
    return _render(request, "projects/edit/new.html", {"form": form})


@login_required
def edit_project(request, slug):
    project = _project_for_editor(request, slug)
    working = _working_version(project)
    similar = []
    if working is not None and working.status == Status.DRAFT and not working.revision_of_id:
        similar = Project.objects.similar_to(working)[:5]
    return _render(
        request,
        "projects/edit/overview.html",
        {
            "project": project,
            "working": working,
            "sections": sections.SECTIONS,
            "similar": similar,
            "missing": working.missing_for_review() if working else [],
            "events": project.events.select_related("actor")[:20],
        },
    )


@login_required
@require_POST
def start_change(request, slug):
    project = _project_for_editor(request, slug)
    project.editable_version(by=request.user)
    messages.info(
        request,
        _(
            "You are now changing a copy. The public keeps seeing the published page "
            "until a moderator approves your changes."
        ),
    )
    return redirect("projects:edit", slug=project.slug)


def _working_or_redirect(request, project):
    working = _working_version(project)
    if working is None:
        messages.info(request, _("To change a published project, start a change first."))
    return working


def _conflict_rows(form, theirs):
    """Field by field, what the other editor saved and what this one typed."""
    rows = []
    for name, field in form.fields.items():
        if name == "version" or name not in form.cleaned_data:
            continue
        if name in ("latitude", "longitude"):
            stored = theirs.location and round(theirs.location.y if name == "latitude" else theirs.location.x, 6)
        else:
            stored = getattr(theirs, name, None)
        mine = form.cleaned_data[name]
        if stored != mine and not (stored in (None, "") and mine in (None, "")):
            rows.append((field.label, stored, mine))
    return rows


@login_required
def edit_section(request, slug, section):
    project = _project_for_editor(request, slug)
    if section not in sections.SECTIONS:
        raise Http404
    title, form_class = sections.SECTIONS[section]
    working = _working_or_redirect(request, project)
    if working is None:
        return redirect("projects:edit", slug=project.slug)
    conflict = []
    if request.method == "POST":
        form = form_class(request.POST, instance=working)
        if form.is_valid():
            with transaction.atomic():
                stored = Project.objects.select_for_update().get(pk=working.pk)
                if form.cleaned_data.get("version") not in (None, stored.version):
                    conflict = _conflict_rows(form, stored)
                    if not conflict:
                        form.instance.version = stored.version
            if conflict:
                # Keep everything the user typed; the next save is made knowingly over theirs.
                data = request.POST.copy()
                data["version"] = stored.version
                form = form_class(data, instance=Project.objects.get(pk=working.pk))
                form.is_valid()
            else:

                def save():
                    form.instance.version = stored.version + 1
                    return form.save()

                _save_with_history(request, f"{section} saved", save)
                messages.success(request, _("“%(section)s” is saved.") % {"section": title})
                return redirect("projects:edit", slug=project.slug)
    else:
        form = form_class(instance=working)
    return _render(
        request,
        "projects/edit/section.html",
        {
            "project": project,
            "working": working,
            "form": form,
            "title": title,
            "section": section,
            "conflict": conflict,
        },
    )


def _bump_version(working):
    Project.objects.filter(pk=working.pk).update(version=F("version") + 1)


def _change_section(request, working, comment, change):
    """Apply ``change`` to a section kept outside the project's own row (photos, documents,
    organisations): recorded in the history, and the project's version moves on."""

    def save():
        change()
        _bump_version(working)

    _save_with_history(request, comment, save)


def _formset_conflict(request, working, formset):
    """What another editor saved in this section since this one opened it, against what
    this one sent: (label, saved, sent) rows, and the version now stored."""
    stored = Project.objects.filter(pk=working.pk).values_list("version", flat=True).get()
    sent = request.POST.get("version", "")
    if not sent.isdigit() or int(sent) == stored:
        return [], stored
    rows = []
    for form in formset.forms:
        for name in form.changed_data:
            if name in form.fields and name != "id":
                label = f"{form.instance or _('new')} · {form.fields[name].label}"
                rows.append((label, form.initial.get(name), form.cleaned_data.get(name)))
    return rows, stored


def _save_formset(request, working, formset, comment):
    """Save ``formset`` unless another editor changed the same rows meanwhile; returns the
    conflicting rows (nothing is saved then) and the version the next save is based on."""
    conflict, stored = _formset_conflict(request, working, formset)
    if conflict:
        return conflict, stored

    _change_section(request, working, comment, formset.save)
    return [], stored + 1


@login_required
def edit_organisations(request, slug):
    project = _project_for_editor(request, slug)
    working = _working_or_redirect(request, project)
    if working is None:
        return redirect("projects:edit", slug=project.slug)
    formset = sections.ActorFormSet(instance=working, prefix="actors")
    new_form = sections.NewOrganisationForm(prefix="new")
    conflict, version = [], working.version
    if request.method == "POST" and request.POST.get("action") == "add":
        new_form = sections.NewOrganisationForm(request.POST, prefix="new")
        if new_form.is_valid():
            _change_section(request, working, "organisation named", lambda: new_form.save(working))
            messages.success(request, _("The organisation is added. Staff will check it before it gets its own page."))
            return redirect("projects:edit-organisations", slug=project.slug)
    elif request.method == "POST":
        formset = sections.ActorFormSet(request.POST, instance=working, prefix="actors")
        if formset.is_valid():
            conflict, version = _save_formset(request, working, formset, "organisations saved")
            if not conflict:
                messages.success(request, _("The organisations are saved."))
                return redirect("projects:edit-organisations", slug=project.slug)
    return _render(
        request,
        "projects/edit/organisations.html",
        {
            "project": project,
            "working": working,
            "formset": formset,
            "new_form": new_form,
            "conflict": conflict,
            "version": version,
        },
    )


@login_required
def edit_photos(request, slug):
    project = _project_for_editor(request, slug)
    working = _working_or_redirect(request, project)
    if working is None:
        return redirect("projects:edit", slug=project.slug)
    formset = sections.PhotoFormSet(queryset=working.photos.all(), prefix="photos")
    new_form = sections.PhotoForm(prefix="new")
    conflict, version = [], working.version
    if request.method == "POST" and request.POST.get("action") == "add":
        new_form = sections.PhotoForm(request.POST, request.FILES, prefix="new")
        if new_form.is_valid():
            photo = new_form.save(commit=False)
            photo.project = working
            photo.order = working.photos.count()
            _change_section(request, working, "photo added", photo.save)
            messages.success(request, _("The photo is added."))
            return redirect("projects:edit-photos", slug=project.slug)
    elif request.method == "POST":
        formset = sections.PhotoFormSet(request.POST, queryset=working.photos.all(), prefix="photos")
        if formset.is_valid():
            conflict, version = _save_formset(request, working, formset, "photos saved")
            if not conflict:
                messages.success(request, _("The photos are saved."))
                return redirect("projects:edit-photos", slug=project.slug)
    return _render(
        request,
        "projects/edit/photos.html",
        {
            "project": project,
            "working": working,
            "formset": formset,
            "new_form": new_form,
            "conflict": conflict,
            "version": version,
        },
    )


@login_required
def edit_documents(request, slug):
    project = _project_for_editor(request, slug)
    working = _working_or_redirect(request, project)
    if working is None:
        return redirect("projects:edit", slug=project.slug)
    form = sections.DocumentForm(prefix="new")
    if request.method == "POST" and request.POST.get("delete"):
        document = get_object_or_404(working.documents, pk=request.POST["delete"])
        _change_section(request, working, "document removed", document.delete)
        messages.success(request, _("The document is removed."))
        return redirect("projects:edit-documents", slug=project.slug)
    if request.method == "POST":
        form = sections.DocumentForm(request.POST, request.FILES, prefix="new")
        if form.is_valid():
            document = form.save(commit=False)
            document.project = working
            document.order = working.documents.count()
            _change_section(request, working, "document added", document.save)
            messages.success(request, _("The document is added."))
            return redirect("projects:edit-documents", slug=project.slug)
    return _render(
        request,
        "projects/edit/documents.html",
        {"project": project, "working": working, "form": form, "documents": working.documents.all()},
    )


@login_required
def edit_editors(request, slug):
    project = _project_for_editor(request, slug)
    form = sections.InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation = EditorInvitation.objects.create(
            project=project, email=form.cleaned_data["email"], invited_by=request.user
        )
        link = request.build_absolute_uri(reverse("projects:accept-invitation", args=[invitation.token]))
        queue_email(
            subject=_("An invitation to edit “%(name)s”") % {"name": project.name},
            body=_(
                "%(who)s invites you to edit the page of “%(name)s” on the Social Production of Habitat "
                "platform.\n\nTo accept, sign in (or create an account with this e-mail address) and open:\n%(link)s\n"
            )
            % {"who": request.user.get_full_name() or request.user.get_username(), "name": project.name, "link": link},
            to=[invitation.email],
        )
        messages.success(request, _("The invitation is on its way to %(email)s.") % {"email": invitation.email})
        return redirect("projects:edit-editors", slug=project.slug)
    return _render(
        request,
        "projects/edit/editors.html",
        {
            "project": project,
            "form": form,
            "editors": project.editors.order_by("username"),
            "invitations": project.invitations.filter(accepted_at__isnull=True),
        },
    )


@login_required
def accept_invitation(request, token):
    invitation = get_object_or_404(EditorInvitation.objects.select_related("project"), token=token)
    project = invitation.project
    if invitation.accepted_at:
        messages.info(request, _("This invitation has already been used."))
        return redirect("my-projects")
    if request.method == "POST":
        with transaction.atomic():
            project.editors.add(request.user)
            invitation.accepted_at = timezone.now()
            invitation.accepted_by = request.user
            invitation.save(update_fields=["accepted_at", "accepted_by"])
        messages.success(request, _("You can now edit “%(name)s”.") % {"name": project.name})
        return redirect("projects:edit", slug=project.slug)
    return _render(request, "projects/edit/invitation.html", {"invitation": invitation, "project": project})


@login_required
@require_POST
def submit_project(request, slug):
    project = _project_for_editor(request, slug)
    working = _working_version(project)
    if working is None:
        raise Http404
    try:
        working.submit(by=request.user)
    except InvalidTransition as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Submitted. A moderator will review it; you will get an e-mail."))
    return redirect("projects:edit", slug=project.slug)
