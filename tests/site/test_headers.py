"""The headers of the site as it runs in production (DEBUG off), read from a process started
with the production environment, and Django's deployment checks."""

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.shared import TEST_REDIS_URL

# The servers started here read the test database: the mark makes the session create it even
# when these are the only tests run (otherwise they would read the real database).
pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-of-more-than-fifty-characters-0123456789",
    "DJANGO_ALLOWED_HOSTS": "sph.example.org",
    "DEFAULT_FROM_EMAIL": "SPH platform <platform@sph.example.org>",
    "SITE_URL": "https://sph.example.org",
}

READ_HEADERS = """
import json, django
django.setup()
from django.test import Client
response = Client(HTTP_HOST="sph.example.org").get("/en/accounts/login/", secure=True)
print(json.dumps({"status": response.status_code, "headers": dict(response.headers),
                  "cookies": {name: dict(morsel) for name, morsel in response.cookies.items()}}))
"""


def run_in_production(*args, database=None):
    env = {**os.environ, **PRODUCTION, "REDIS_URL": TEST_REDIS_URL, "DJANGO_SETTINGS_MODULE": "habitat.settings"}
    # The test run allows async-unsafe calls for its live browser server; production never does.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if database:
        env["DATABASE_URL"] = database
        # The page is read, not served with collected files: plain static names will do.
        env["DJANGO_STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def production_response(django_db_setup, django_db_blocker):
    # The test database (its tables exist; the page reads none of its rows).
    with django_db_blocker.unblock():
        db = connection.settings_dict
        database = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    result = run_in_production(sys.executable, "-c", READ_HEADERS, database=database)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_response_carries_the_security_headers(production_response):
    headers = production_response["headers"]
    assert production_response["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "geolocation=()" in headers["Permissions-Policy"] and "camera=()" in headers["Permissions-Policy"]
    csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";") if part.strip())
    assert csp["frame-ancestors"] == "'none'"
    # Scripts from our origin, and inline ones only with the page's nonce (when it has any).
    assert csp["script-src"].split()[0] == "'self'"
    assert all(source == "'self'" or source.startswith("'nonce-") for source in csp["script-src"].split())
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert csp["report-uri"] == "/csp-report/"


def test_production_cookies_are_secure_http_only_and_same_site(production_response):
    csrf = production_response["cookies"]["__Host-csrftoken"]
    assert csrf["secure"] is True and csrf["httponly"] is True and csrf["samesite"] == "Lax"
    # The __Host- prefix holds only for a cookie of the whole site with no Domain.
    assert csrf["path"] == "/" and not csrf["domain"]
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_deployment_checks_pass_in_production():
    result = run_in_production(sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_csp_reports_go_to_our_endpoint():
    assert reverse("csp-report") == settings.CSP_REPORT_PATH


def script_text(page, element_id):
    """The text of the <script> element ``element_id`` of ``page``."""
    found = []

    class Scripts(HTMLParser):
        def handle_starttag(self, tag, attrs):
            self.inside = tag == "script" and dict(attrs).get("id") == element_id

        def handle_data(self, data):
            if getattr(self, "inside", False):
                found.append(data)

        def handle_endtag(self, tag):
            self.inside = False

    Scripts().feed(page)
    return "".join(found)


def test_no_page_sends_a_visitor_to_a_tile_server_unless_the_operator_chose_one(client, settings):
    # The map draws the country outlines that we serve; street tiles are the operator's.
    assert settings.MAP_TILES_URL == "" and settings.LEAFLET_CONFIG["TILES"] == []
    response = client.get("/en/projects/")
    policy = response.headers["Content-Security-Policy"]
    img_src = next(part for part in policy.split(";") if part.strip().startswith("img-src")).split()[1:]
    assert set(img_src) <= {"'self'", "data:"}, policy
    sources = json.loads(script_text(response.content.decode(), "basemap-sources"))
    assert sources["coarse"].startswith("/static/vendor/countries-110m")
    assert sources["fine"].startswith("/static/vendor/countries-50m")
