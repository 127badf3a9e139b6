"""The site's URLs plus its uploads, for browser tests that show photos.

In production the web server serves /media/; habitat.urls serves it only when DEBUG was on
as it was imported, and then from the MEDIA_ROOT of that moment, not a test's own folder.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from habitat.urls import handler404, handler500
from habitat.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def serve_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", serve_media), *site_urlpatterns]
