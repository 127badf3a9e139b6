from django.middleware.csp import get_nonce


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
