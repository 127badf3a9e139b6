import os

from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousFileOperation
from django.db.models import Count, Exists, OuterRef, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils._os import safe_join
from django.utils.translation import gettext as _
from django.views.generic import ListView

from habitat.forms import DeleteAccountForm, ProfileForm
from habitat.models import Organisation, Page


class OrganisationListView(ListView):
    template_name = "habitat/organisation_list.html"
    context_object_name = "organisations"

    def get_queryset(self):
        # "projects" is the reverse side of Project.organisations; only published ones count.
        return Organisation.objects.annotate(
            public_project_count=Count("projects", filter=Q(projects__status="published"), distinct=True)
        ).order_by("-is_founding_member", "-is_member", "slug")


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    projects = organisation.projects.public().distinct().order_by("-published_at", "-pk")
    return render(
        request,
        "habitat/organisation_detail.html",
        {"organisation": organisation, "projects": projects},
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your name is saved."))
        return redirect("profile")
    has_totp = is_mfa_enabled(request.user, types=[Authenticator.Type.TOTP])
    return render(request, "account/profile.html", {"form": form, "has_totp": has_totp})


@login_required
def delete_account(request):
    """Delete one's own account after typing the password again.

    The projects stay: the user simply leaves their editors (the rows of the many-to-many
    go with the user, and moderation history keeps the events with no actor). A project
    left without editors is in the hands of staff, who reach every project from the admin.
    """
    user = request.user
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST":
        # The password check is a guessing oracle for whoever finds an open session.
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            return ratelimit.respond_429(request)
        if form.is_valid():
            logout(request)
            user.delete()
            messages.success(request, _("Your account is deleted. The projects you edited stay in the directory."))
            return redirect("home")
    # Pending changes are projects of their own (revision_of): count each project once.
    projects = user.edited_projects.filter(revision_of__isnull=True)
    editorships = user.edited_projects.through.objects
    other_editors = editorships.filter(project=OuterRef("pk")).exclude(user=user)
    sole_editor_count = projects.exclude(Exists(other_editors)).count()
    return render(
        request,
        "account/delete.html",
        {"form": form, "project_count": projects.count(), "sole_editor_count": sole_editor_count},
    )


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


# Uploaded files that may be served, by folder; documents are always downloaded, never shown
# in the browser, so a crafted file cannot act as a page of the site.
MEDIA_FOLDERS = {"photos": False, "organisations": False, "documents": True}


def media(request, path):
    folder, _slash, rest = path.partition("/")
    if folder not in MEDIA_FOLDERS or not rest:
        raise Http404
    try:
        # Joined below the folder, so "documents/../x" cannot reach out of it.
        full_path = safe_join(os.path.join(settings.MEDIA_ROOT, folder), rest)
    except SuspiciousFileOperation:
        raise Http404 from None
    if not os.path.isfile(full_path):
        raise Http404
    # FileResponse closes the file when the response is done.
    response = FileResponse(open(full_path, "rb"), as_attachment=MEDIA_FOLDERS[folder])  # noqa: SIM115
    # Uploads never run code, even when opened directly.
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


def page_detail(request, slug):
    """One of the platform's own pages; its body was cleaned of unsafe HTML when saved."""
    page = get_object_or_404(Page, slug=slug)
    return render(request, "habitat/page.html", {"page": page})
