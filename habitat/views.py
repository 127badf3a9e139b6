import json
import logging
import os
import re
import sys
import time
from urllib.parse import urlsplit

from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Exists, OuterRef
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django_countries import countries
from django_tasks_db.models import DBTaskResult

from habitat import places, street_map, uploads
from habitat.forms import DeleteAccountForm, ProfileForm
from habitat.models import Page
from habitat.personal_data import personal_data

logger = logging.getLogger(__name__)


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
@require_safe
def personal_data_download(request):
    """All the platform holds about the signed-in person, as a JSON file to keep."""
    response = JsonResponse(personal_data(request.user), json_dumps_params={"indent": 2, "ensure_ascii": False})
    filename = f"sph-platform-personal-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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


# --- For monitors, browsers and crawlers ---------------------------------------------------


def _timed(check):
    """Run ``check()``: ({"ok": bool, "ms": float, **what it said}), never raising."""
    started = time.perf_counter()
    try:
        details = check() or {}
        ok = True
    except Exception as error:  # noqa: BLE001 -- any failure is what a monitor must hear about
        details, ok = {"error": type(error).__name__}, False
    return {"ok": ok, "ms": round((time.perf_counter() - started) * 1000, 1), **details}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    """The Redis cache, asked directly: django-redis hides its errors from the pages."""
    cache = caches["pages"]
    client = getattr(cache, "client", None)
    if client is not None and hasattr(client, "get_client"):
        client.get_client(write=True).ping()
        return {"backend": "redis"}
    return {"backend": "memory"}


def _queue():
    """E-mails waiting for the worker, and how long the oldest has waited."""
    # ready(): due now (a retry waits for its time; a task without one is due at once).
    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return {
        "waiting": waiting.count(),
        "oldest_seconds": round((timezone.now() - oldest).total_seconds()) if oldest else 0,
    }


@never_cache
@require_safe
def health(request):
    """For monitors: the database, the cache and the queue of e-mails, as JSON; 503 when the
    database cannot be reached (the site cannot work without it), 200 otherwise, with the
    cache's or the queue's trouble said in the body (the site works without Redis)."""
    checks = {"database": _timed(_database)}
    checks["cache"] = _timed(_cache)
    checks["queue"] = _timed(_queue) if checks["database"]["ok"] else {"ok": False, "error": "database"}
    healthy = checks["database"]["ok"]
    status = "ok" if all(check["ok"] for check in checks.values()) else "degraded" if healthy else "down"
    return JsonResponse({"status": status, **checks}, status=200 if healthy else 503)


@csrf_exempt
@require_POST
def csp_report(request):
    """What a browser's Content-Security-Policy blocked, logged for us to look at.

    Only the directive and where things came from are kept (origin and path, never a query
    string): a report must not carry what a visitor typed into the logs.
    """
    try:
        report = json.loads(request.body[:CSP_REPORT_MAX_BYTES] or b"{}").get("csp-report", {})
    except (ValueError, AttributeError):
        return _not_a_csp_report()
    if not isinstance(report, dict):
        return _not_a_csp_report()
    logger.warning(
        "CSP blocked %s from %s on %s",
        str(report.get("effective-directive") or report.get("violated-directive") or "?")[:80],
        _without_query(report.get("blocked-uri")),
        _without_query(report.get("document-uri")),
    )
    return HttpResponse(status=204)


CSP_REPORT_MAX_BYTES = 16 * 1024


def _not_a_csp_report():
    message = _("This address only takes the reports that browsers send about the Content-Security-Policy, as JSON.")
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _without_query(uri):
    parts = urlsplit(str(uri or ""))
    return f"{parts.scheme}://{parts.netloc}{parts.path}"[:200] if parts.netloc else str(uri or "")[:40]


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page says: the site's icon."""
    return redirect(static("favicon.ico"), permanent=True)


# Paths that crawlers have no business in, under each language prefix: the accounts, the
# group's own space and the forms that only people use. "*" is understood by the major crawlers.
PRIVATE_PATHS = ["accounts/", "my/", "projects/new/", "projects/invitations/", "projects/*/edit/"]


@require_safe
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


def bad_request(request, exception):
    if request.path.startswith("/api/"):
        # The API answers in JSON, as its description says of a 400.
        message = _("This address holds characters that no address of this site uses.")
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", status=400)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


# How long a visitor is asked to wait while the database is out of reach (Retry-After).
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """The page of an error on our side. While PostgreSQL is out of reach (restarting, failing
    over) it is a 503 that asks to come back in a moment; the connection broken by the outage
    is closed when the request ends, so the site recovers by itself once PostgreSQL is back."""
    if isinstance(sys.exception(), (OperationalError, InterfaceError)):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return render(request, "500.html", status=500)


def media(request, path):
    """An uploaded file, to whoever may see the row that names it (habitat.uploads): the
    photo of a draft reaches its editors and staff, never someone who guessed its address."""
    model = uploads.find_served_file(path, request.user)
    if model is None:
        raise Http404
    # Read through the storage alone (local disk or a private S3 bucket), so the check above
    # holds wherever files are kept: the site never gives out an address of the store itself.
    try:
        file = default_storage.open(path, "rb")
    except (FileNotFoundError, IsADirectoryError, SuspiciousOperation):
        raise Http404 from None
    # FileResponse closes the file when the response is done.
    response = FileResponse(file, as_attachment=model.download)
    # Uploads never run code, even when opened directly.
    response.headers["Content-Security-Policy"] = settings.UPLOADS_CSP
    # Served to a signed-in person because of who asked: SignedInPagesMiddleware keeps it out
    # of every cache.
    return response


# One range of bytes, as PMTiles readers ask: "bytes=0-16383" (a start and an end, included).
BYTE_RANGE = re.compile(r"bytes=(\d+)-(\d*)")
STREET_TILES_CACHE_SECONDS = 24 * 60 * 60


@require_safe
def street_tiles(request):
    """The street map's PMTiles archive that the operator provides (habitat.street_map), by
    byte ranges: a browser reads the archive's header and directories, then one tile at a
    time, from this one address. A 404 when none is configured."""
    archive = street_map.archive_or_none()
    if archive is None:
        raise Http404
    try:
        file = open(archive.path, "rb")  # noqa: SIM115 (closed by the response, or below)
    except OSError:
        raise Http404 from None
    size = os.fstat(file.fileno()).st_size
    etag = f'"{os.fstat(file.fileno()).st_mtime_ns:x}-{size:x}"'
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        # The same archive for everyone: browsers keep its pieces for a day, then ask again.
        "Cache-Control": f"public, max-age={STREET_TILES_CACHE_SECONDS}",
        "Content-Type": "application/vnd.pmtiles",
    }
    if request.headers.get("If-None-Match") == etag:
        file.close()
        return HttpResponseNotModified(headers=headers)
    match = BYTE_RANGE.fullmatch(request.headers.get("Range", "").strip())
    if not match:
        # No range (or several, or a suffix, which no PMTiles reader asks for): the whole file.
        return FileResponse(file, headers=headers)
    start = int(match[1])
    end = min(int(match[2]) if match[2] else size - 1, size - 1)
    if start > end:
        file.close()
        return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    file.seek(start)
    length = end - start + 1
    return StreamingHttpResponse(
        _read_range(file, length),
        status=206,
        headers={**headers, "Content-Range": f"bytes {start}-{end}/{size}", "Content-Length": str(length)},
    )


def _read_range(file, length, chunk=64 * 1024):
    with file:
        while length > 0:
            data = file.read(min(chunk, length))
            if not data:
                return
            length -= len(data)
            yield data


def page_detail(request, slug):
    """One of the platform's own pages; its body was cleaned of unsafe HTML when saved."""
    page = get_object_or_404(Page, slug=slug)
    return render(request, "habitat/page.html", {"page": page})


@login_required
@require_safe
def find_places(request):
    """Towns and neighbourhoods whose name starts with ``q``, in the country ``country`` (a
    code) if given, as JSON: what the location step of a project suggests as a group types.

    For signed-in people only: the location step is theirs, and when the operator configured a
    geocoding service, each search may be passed on to it, which nobody else may make the
    site do (its usage policy limits the site's requests: habitat.places.geocoder_limit).
    ``message`` says what was found, for screen readers.
    """
    repeated = sorted(name for name, values in request.GET.lists() if len(values) > 1)
    if repeated:
        return _json_error(_("Give each parameter once: %(names)s.") % {"names": ", ".join(repeated)})
    text = request.GET.get("q", "").strip()
    if len(text) > places.MAX_TEXT_LENGTH:
        count = places.MAX_TEXT_LENGTH
        return _json_error(
            ngettext("Type at most %(count)d character.", "Type at most %(count)d characters.", count)
            % {"count": count}
        )
    country = request.GET.get("country", "").strip().upper()
    if country and not countries.name(country):
        return _json_error(_("“%(code)s” is not the code of a country.") % {"code": country[:10]})
    if len(places.normalise(text)) < places.MIN_TEXT_LENGTH:
        return JsonResponse({"places": [], "message": _("Type the first two letters of the name or more.")})
    found = places.find(text, country=country or None, language=translation.get_language())
    if found:
        message = ngettext(
            "%(count)d suggestion. Use the up and down arrow keys to choose one, then Enter.",
            "%(count)d suggestions. Use the up and down arrow keys to choose one, then Enter.",
            len(found),
        ) % {"count": len(found)}
    else:
        message = _("No town or neighbourhood found by that name.")
    return JsonResponse({"places": [place.as_json() for place in found], "message": message})


def _json_error(message):
    return JsonResponse({"error": message}, status=400)
