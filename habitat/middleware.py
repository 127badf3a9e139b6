from urllib.parse import unquote

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.middleware.csp import get_nonce
from django.shortcuts import redirect
from django.urls import get_resolver, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


class CrossOriginResourcePolicyMiddleware:
    """Tell browsers that other sites may not load our responses (pages, data, uploads) into
    theirs, unless a view says otherwise by setting the header itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY)
        return response


class CSPNonceForLeafletMiddleware:
    """Expose the CSP nonce where django-leaflet's admin templates look for it.

    Django keeps the nonce as ``request._csp_nonce``; django-leaflet reads
    ``request.csp_nonce``. Without this the admin map's inline script is blocked by our
    Content-Security-Policy and the map widget never appears.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = get_nonce(request)
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """Keep staff out of the admin until they have an authenticator app (TOTP).

    The admin can publish, reject and undo anyone's work, so in production a stolen staff
    password alone must not open it. Staff without a second factor are sent to set one up;
    STAFF_REQUIRE_MFA (on unless DEBUG) switches the rule.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.STAFF_REQUIRE_MFA and self._staff_without_totp_in_admin(request):
            messages.warning(
                request,
                _(
                    "Staff accounts need two-factor authentication before they can use the "
                    "administration. Set up an authenticator app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _staff_without_totp_in_admin(request):
        user = request.user
        return (
            request.path.startswith(reverse("admin:index"))
            and user.is_authenticated
            and user.is_staff
            and not is_mfa_enabled(user, types=[Authenticator.Type.TOTP])
        )


class RejectBrokenAddressesMiddleware:
    """Answer 400, as to any bad request, to an address no page of ours ever makes.

    - A NUL byte in the path or the query string: no text we keep can contain one (PostgreSQL
      refuses it), so such a request is never a person's. Refusing it here, once, spares every
      view and Django's admin from checking (the admin passes ``?stage=%00`` straight to the
      database, which fails). Form fields are checked by Django's forms, with a message.
    - An empty ``_to_field``: the admin never writes one, and reads it as a field named "",
      which fails on every change page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._broken(request):
            # Answered like Django answers a BadRequest, without logging a traceback for it.
            return get_resolver().resolve_error_handler(400)(request, BadRequest())
        return self.get_response(request)

    @staticmethod
    def _broken(request):
        query = unquote(request.META.get("QUERY_STRING", ""))
        return "\x00" in request.path or "\x00" in query or request.GET.get("_to_field", None) == ""


class SignedInPagesMiddleware:
    """Pages shown to a signed-in person stay out of every cache, and signing out clears what
    the browser kept of them (ASVS 14.3.1, 14.3.2).

    A signed-in page carries the person's name, drafts, invitations or the admin; a shared
    computer's back button or disk cache must not show them to the next person.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in:
            patch_cache_control(response, private=True, no_store=True)
            if not request.user.is_authenticated:
                # Signed out by this request. Cookies stay: they carry the "signed out"
                # message and the language, and the session cookie is already void.
                response.headers["Clear-Site-Data"] = '"cache", "storage"'
        return response
