from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.middleware.csp import get_nonce
from django.shortcuts import redirect
from django.urls import reverse
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
