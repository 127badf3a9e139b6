import os

from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousFileOperation
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils._os import safe_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from habitat import uploads
from habitat.forms import DeleteAccountForm, ProfileForm
from habitat.models import Page


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
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


# Paths that crawlers have no business in, under each language prefix: the accounts, the
# group's own space and the forms that only people use. "*" is understood by the major crawlers.
PRIVATE_PATHS = ["accounts/", "my/", "projects/new/", "projects/invitations/", "projects/*/edit/"]


@require_GET
def robots_txt(request):
    """Crawlers may read every public page; the sitemap lists them."""
    disallowed = [reverse("admin:index")]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            prefix = reverse("home")
        disallowed += [f"{prefix}{path}" for path in PRIVATE_PATHS]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed), ""]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def media(request, path):
    """An uploaded file, to whoever may see the row that names it (habitat.uploads): the
    photo of a draft reaches its editors and staff, never someone who guessed its address."""
    model = uploads.find_served_file(path, request.user)
    if model is None:
        raise Http404
    try:
        full_path = safe_join(settings.MEDIA_ROOT, path)
    except SuspiciousFileOperation:
        raise Http404 from None
    if not os.path.isfile(full_path):
        raise Http404
    # FileResponse closes the file when the response is done.
    response = FileResponse(open(full_path, "rb"), as_attachment=model.download)  # noqa: SIM115
    # Uploads never run code, even when opened directly.
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    if request.user.is_authenticated:
        # Served because of who asked: no shared cache may keep it for others.
        response.headers["Cache-Control"] = "private, no-store"
    return response


def page_detail(request, slug):
    """One of the platform's own pages; its body was cleaned of unsafe HTML when saved."""
    page = get_object_or_404(Page, slug=slug)
    return render(request, "habitat/page.html", {"page": page})
