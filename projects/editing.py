"""The group's own space: listing a project and keeping it up, section by section.

Who may edit is decided by ``Project.can_edit`` alone; every view here starts from
``_project_for_editor``. A published project is never changed in place: its editors work
on a working copy that moderators review (``Project.start_revision``). Every save goes
through ``sections.VersionedForm``, which refuses to overwrite unknowingly what another
editor saved meanwhile.
"""

import reversion
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from habitat.accounts import request_language
from projects import confirmation, exchanges, history, notifications, sections
from projects.models import EditorInvitation, InvalidTransition, ModerationEvent, Project, Status


def _project_for_editor(request, slug):
    """The project named by ``slug`` if the user may edit it: 404 for a project the user may
    not even know of, 403 for a public one that is someone else's."""
    project = get_object_or_404(Project.objects.filter(revision_of__isnull=True), slug=slug)
    if not project.can_edit(request.user):
        if Project.objects.public().filter(pk=project.pk).exists():
            raise PermissionDenied
        raise Http404
    return project


def _working_version(project):
    """What the section forms show and change: the pending change of a published project,
    the project itself otherwise. None for a published project with no change started."""
    if project.status != Status.PUBLISHED:
        return project
    return project.working_copy()


def _render(request, template, context, status=200):
    project = context.get("project")
    public_url = ""
    if project is not None and Project.objects.public().filter(pk=project.pk).exists():
        public_url = project.get_absolute_url()
    return render(
        request, template, {"edit_sections": sections.SECTIONS, "public_url": public_url, **context}, status=status
    )


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
        .annotate_public()
        .order_by("-updated_at")
    )
    invitations = EditorInvitation.objects.filter(
        email__iexact=request.user.email, accepted_at__isnull=True
    ).select_related("project")
    return _render(
        request,
        "projects/edit/my_projects.html",
        {"projects": projects, "invitations": invitations, "exchanges": exchanges.for_my_page(request.user)},
    )


@login_required
def create_project(request):
    form = sections.NewProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic(), reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment("Project created")
            project = form.save()
            project.editors.add(request.user)
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
            "timeline": history.timeline(project),
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


def _section_page(request, slug):
    """The project and the version its sections change, or a redirect to the overview when
    a published project has no change started."""
    project = _project_for_editor(request, slug)
    working = _working_version(project)
    if working is None:
        messages.info(request, _("To change a published project, start a change first."))
        return project, None, redirect("projects:edit", slug=project.slug)
    return project, working, None


@login_required
def edit_section(request, slug, section):
    if section not in sections.SECTIONS:
        raise Http404
    project, working, elsewhere = _section_page(request, slug)
    if elsewhere:
        return elsewhere
    title, form_class = sections.SECTIONS[section]
    data = request.POST if request.method == "POST" else None
    form = form_class(data, instance=working)
    versioned = sections.VersionedForm(data, project=working)
    conflict = []
    if form.asks_to_save() and form.is_valid():
        conflict = versioned.save(request, section=form, comment=f"{section} saved")
        if not conflict:
            messages.success(request, _("“%(section)s” is saved.") % {"section": title})
            return redirect("projects:edit", slug=project.slug)
    return _render(
        request,
        "projects/edit/section.html",
        {
            "project": project,
            "working": working,
            "form": form,
            "versioned": versioned,
            "title": title,
            "section": section,
            "conflict": conflict,
        },
    )


def _edit_parts(request, slug, *, formset, add_form, template, names):
    """A section of a project's parts (photos, organisations): a formset of those it has,
    made by ``formset(data, working)``, and a form to add one, made by
    ``add_form(data, files, working)``. ``names`` holds the history comments and the
    messages of each step."""
    project, working, elsewhere = _section_page(request, slug)
    if elsewhere:
        return elsewhere
    # The formset's own button says "save"; any other post but an addition saves it too.
    action = request.POST.get("action", "save") if request.method == "POST" else None
    adding = action == "add"
    forms = {
        "saved": formset(request.POST if action and not adding else None, working),
        "added": add_form(request.POST if adding else None, request.FILES if adding else None, working),
    }
    versioned = sections.VersionedForm(request.POST if action else None, project=working)
    conflict = []
    for step, form in forms.items():
        if form.is_bound and form.is_valid():
            conflict = versioned.save(request, section=form, comment=names[step])
            if not conflict:
                messages.success(request, names[f"{step}_message"])
                return redirect(request.path)
    return _render(
        request,
        template,
        {
            "project": project,
            "working": working,
            "formset": forms["saved"],
            "new_form": forms["added"],
            "versioned": versioned,
            "conflict": conflict,
        },
    )


@login_required
def edit_organisations(request, slug):
    return _edit_parts(
        request,
        slug,
        formset=lambda data, working: sections.ActorFormSet(data, instance=working, prefix="actors"),
        add_form=lambda data, files, working: sections.NewOrganisationForm(data, prefix="new", project=working),
        template="projects/edit/organisations.html",
        names={
            "saved": "organisations saved",
            "saved_message": _("The organisations are saved."),
            "added": "organisation named",
            "added_message": _("The organisation is added. Staff will check it before it gets its own page."),
        },
    )


@login_required
def edit_photos(request, slug):
    return _edit_parts(
        request,
        slug,
        formset=lambda data, working: sections.PhotoFormSet(data, queryset=working.photos.all(), prefix="photos"),
        add_form=lambda data, files, working: sections.PhotoForm(data, files, prefix="new", project=working),
        template="projects/edit/photos.html",
        names={
            "saved": "photos saved",
            "saved_message": _("The photos are saved."),
            "added": "photo added",
            "added_message": _("The photo is added."),
        },
    )


@login_required
def edit_documents(request, slug):
    project, working, elsewhere = _section_page(request, slug)
    if elsewhere:
        return elsewhere
    versioned = sections.VersionedForm(request.POST or None, project=working)
    form = sections.DocumentForm(prefix="new", project=working)
    status = 200
    if request.method == "POST" and request.POST.get("delete"):
        removal = sections.DocumentRemoval(request.POST, project=working)
        if removal.is_valid():
            versioned.save(request, section=removal, comment="document removed")
            messages.success(request, _("The document is removed."))
            return redirect("projects:edit-documents", slug=project.slug)
        messages.error(request, " ".join(removal.errors["delete"]))
        status = 400
    elif request.method == "POST":
        form = sections.DocumentForm(request.POST, request.FILES, prefix="new", project=working)
        if form.is_valid():
            versioned.save(request, section=form, comment="document added")
            messages.success(request, _("The document is added."))
            return redirect("projects:edit-documents", slug=project.slug)
    return _render(
        request,
        "projects/edit/documents.html",
        {
            "project": project,
            "working": working,
            "form": form,
            "versioned": versioned,
            "documents": working.documents.all(),
        },
        status=status,
    )


@login_required
def edit_editors(request, slug):
    project = _project_for_editor(request, slug)
    form = sections.InvitationForm(request.POST or None, language=request_language(request))
    if request.method == "POST" and form.is_valid():
        invitation = form.save(commit=False)
        invitation.project = project
        invitation.invited_by = request.user
        invitation.save()
        notifications.invited(invitation)
        messages.success(request, _("The invitation is on its way to %(email)s.") % {"email": invitation.email})
        return redirect("projects:edit-editors", slug=project.slug)
    return _render(
        request,
        "projects/edit/editors.html",
        {
            "project": project,
            "form": form,
            "editors": project.editors.order_by("display_name", "pk"),
            "invitations": project.invitations.filter(accepted_at__isnull=True).select_related("invited_by"),
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


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def answer_reminder(request, slug, token):
    """An editor answers the yearly question of projects.confirmation from its e-mail, signed
    in or not: the link's token says who they are. Answering takes a button, not the link
    alone, because mail scanners follow links."""
    found = confirmation.read_token(token)
    if found is None or found[0].slug != slug:
        return render(request, "projects/confirm.html", {"invalid": True}, status=404)
    project, editor = found
    listed = Project.objects.public().filter(pk=project.pk).exists()
    if request.method == "POST" and listed:
        answer = request.POST.get("answer")
        if answer == "current":
            project.confirm()
            messages.success(request, _("Thank you: “%(name)s” is confirmed as current.") % {"name": project.name})
            return redirect(project)
        if answer == "archive":
            project.withdraw(by=editor)
            messages.success(
                request,
                _("“%(name)s” is archived: it no longer shows in the directory. A moderator can restore it.")
                % {"name": project.name},
            )
            return redirect("home")
    return render(request, "projects/confirm.html", {"project": project, "listed": listed})
