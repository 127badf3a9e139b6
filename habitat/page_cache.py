"""Public pages and map responses, kept in the "pages" cache (Redis) for visitors.

Only what every visitor sees alike is kept: a GET or HEAD without a session or a pending
message (so never a signed-in person's page, an editor's link or a "message sent" notice),
answered 200, setting no cookie and carrying no CSRF token. Each page's nonce for the
Content-Security-Policy is stored as a placeholder and replaced by a fresh one on each
answer, so no two answers share a nonce.

Invalidation is by generation: every key holds the directory's current version, and any
change to a model of the platform's apps that can show on a public page (a project
published, edited, unpublished or merged; an organisation reviewed; a meeting or an award
added; not a draft's save) moves the version on once its transaction commits, so every
page is computed afresh on its next visit. The old entries are never read again and expire
on their own.

With REDIS_URL="" each process has its own memory cache, which one process's change cannot
reach: PAGE_CACHE_SECONDS is then 0 by default, which keeps nothing (settings.py).
"""

import secrets
import time
from functools import wraps
from hashlib import sha256

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.csp import CSP

VERSION_KEY = "directory-version"
NONCE_PLACEHOLDER = "__csp_nonce_placeholder__"
# The apps whose rows make the public pages; accounts are left out (signing in writes the
# user's row, and no public page shows a person).
APPS = ("habitat", "projects", "hubs", "awards")
NOT_SHOWN = {"habitat.user"}
# Response headers that are the answer's own and not the page's.
PER_ANSWER = {CSP.HEADER_ENFORCE.lower(), CSP.HEADER_REPORT_ONLY.lower(), "set-cookie", "date"}


def _cache():
    return caches["pages"]


def _new_version():
    # When it was made, too: see _settled().
    return f"{secrets.token_hex(8)}:{time.time():.3f}"


def current_version():
    version = _cache().get(VERSION_KEY)
    if version is None:
        # Lost (Redis restarted, key evicted): a new one, so nothing older is trusted.
        _cache().add(VERSION_KEY, _new_version(), timeout=None)
        version = _cache().get(VERSION_KEY)
    return version


def _settled(version):
    """Whether a page computed now may be kept. With a streaming replica, a page read in the
    first seconds after a change may come from a replica that has not caught up yet: it is
    answered but not kept, for as long as the primary pins a writer's own reads."""
    if not settings.DATABASE_REPLICA_URL or not version:
        return True
    changed_at = float(str(version).rpartition(":")[2] or 0)
    return time.time() - changed_at >= settings.DATABASE_REPLICA_PIN_SECONDS


def directory_changed():
    """Forget every cached page, once the current transaction commits."""
    transaction.on_commit(lambda: _cache().set(VERSION_KEY, _new_version(), timeout=None))


def _may_be_shown(instance):
    """Whether a changed row can be on a public page. A project never published (a draft, a
    submission) and a working copy of a published one are on none, and neither are their
    parts: the editors' saves leave the visitors' cache alone."""
    try:
        project = instance if hasattr(instance, "published_at") else getattr(instance, "project", None)
    except ObjectDoesNotExist:
        return True
    if project is None or not hasattr(project, "published_at") or not hasattr(project, "revision_of_id"):
        return True
    return project.published_at is not None and project.revision_of_id is None


def _on_change(sender, instance, **kwargs):
    if sender._meta.app_label in APPS and sender._meta.label_lower not in NOT_SHOWN and _may_be_shown(instance):
        directory_changed()


def connect_signals():
    """Called once, from habitat's AppConfig.ready()."""
    post_save.connect(_on_change, dispatch_uid="page_cache_save")
    post_delete.connect(_on_change, dispatch_uid="page_cache_delete")
    m2m_changed.connect(_on_change, dispatch_uid="page_cache_m2m")


def _is_for_everyone(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def _can_keep(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
        and "no-cache" not in response.get("Cache-Control", "")
    )


def _key(request, version):
    path = sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{version}:{translation.get_language()}:{request.get_host()}:{path}"


def _nonce(request):
    nonce = getattr(request, "_csp_nonce", None)
    return str(nonce) if nonce else None


def cached_for_visitors(view):
    """Serve ``view``'s answers to visitors from the pages cache (see the module's docstring)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not _is_for_everyone(request):
            return view(request, *args, **kwargs)
        version = current_version()
        key = _key(request, version)
        stored = _cache().get(key)
        if stored is not None:
            return _answer(request, stored)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if _can_keep(request, response) and _settled(version):
            _cache().set(key, _stored(request, response), timeout=seconds)
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper


def _stored(request, response):
    content = response.content
    nonce = _nonce(request)
    if nonce:
        content = content.replace(nonce.encode(), NONCE_PLACEHOLDER.encode())
    headers = [(name, value) for name, value in response.items() if name.lower() not in PER_ANSWER]
    return {"content": content, "headers": headers, "nonce": bool(nonce)}


def _answer(request, stored):
    content = stored["content"]
    if stored["nonce"]:
        # Reading the request's nonce makes the CSP middleware put the same one in the header.
        content = content.replace(NONCE_PLACEHOLDER.encode(), str(request._csp_nonce).encode())
    response = HttpResponse(content)
    for name, value in stored["headers"]:
        response[name] = value
    patch_vary_headers(response, ["Cookie"])
    return response


def remembered(name, compute):
    """``compute()``, kept in the pages cache until the directory changes: for what many pages
    ask and any change may alter (the countries that have projects, for the filters).
    Computed each time when DIRECTORY_CACHE_SECONDS is 0 (no shared cache)."""
    if settings.DIRECTORY_CACHE_SECONDS <= 0:
        return compute()
    return _cache().get_or_set(f"{name}:{current_version()}", compute, settings.DIRECTORY_CACHE_SECONDS)
