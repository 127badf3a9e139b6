"""The site's addresses plus a few that fail on purpose, so that a browser test sees the
error pages that no working address of the site shows (500, 503, 429) as a visitor would:
through the site's own handlers, middleware and Content-Security-Policy. Set as
ROOT_URLCONF by the test that needs it."""

from allauth.core import ratelimit
from django.conf.urls.i18n import i18n_patterns
from django.db import OperationalError
from django.urls import path

from habitat.urls import handler400, handler404, handler500
from habitat.urls import urlpatterns as site_urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]


def server_error(request):
    raise RuntimeError("A failure on purpose, to show the page of an error on our side.")


def database_unreachable(request):
    raise OperationalError("A failure on purpose, to show the page shown while PostgreSQL is away.")


urlpatterns = site_urlpatterns + i18n_patterns(
    path("failing/server-error/", server_error),
    path("failing/database/", database_unreachable),
    path("failing/too-many-attempts/", ratelimit.respond_429),
)
