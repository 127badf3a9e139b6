"""The production server, started as `make serve` starts it: gunicorn with its configuration,
DEBUG off, static files collected under hashed names and compressed, behind a proxy that says
the request came in HTTPS."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.shared import TEST_REDIS_URL

# The servers started here read the test database: the mark makes the session create it even
# when these are the only tests run (otherwise they would read the real database).
pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
PROXY = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, headers=None):
    """(status, headers, body) of a GET, redirects not followed."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def access_log(tmp_path_factory):
    return tmp_path_factory.mktemp("logs") / "access.log"


@pytest.fixture(scope="module")
def production_server(django_db_setup, django_db_blocker, tmp_path_factory, access_log):
    with django_db_blocker.unblock():
        db = connection.settings_dict
        database = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    port = free_port()
    env = {
        **os.environ,
        "REDIS_URL": TEST_REDIS_URL,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-test-secret-key-for-the-production-server-0123456789abcdefghij",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DEFAULT_FROM_EMAIL": "SPH platform <platform@sph.example.org>",
        "DATABASE_URL": database,
        "DJANGO_STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "ACCESS_LOG": str(access_log),
    }
    python = Path(sys.executable)
    subprocess.run(
        [python, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    server = subprocess.Popen(
        [python.parent / "gunicorn", "-c", "deploy/gunicorn.conf.py", "habitat.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if fetch(f"{base}/health/", PROXY)[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    yield base
    server.terminate()
    output = server.communicate(timeout=30)[0].decode()
    # Shown with the failures of a test, if any: the server's own account of what went wrong.
    print(output)


def test_production_server_answers_health_and_pages(production_server):
    status, headers, body = fetch(f"{production_server}/health/", PROXY)
    assert status == 200
    assert b'"status": "ok"' in body or b'"status": "degraded"' in body
    status, headers, body = fetch(f"{production_server}/en/", PROXY)
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["Server"] == "gunicorn"


def test_production_server_redirects_plain_http_to_https(production_server):
    status, headers, _body = fetch(f"{production_server}/en/", {"Host": "127.0.0.1"})
    assert status == 301
    assert headers["Location"] == "https://127.0.0.1/en/"


def test_static_files_have_hashed_names_are_compressed_and_cached_for_a_year(production_server):
    _status, _headers, body = fetch(f"{production_server}/en/", PROXY)
    css = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body).group(1).decode()
    status, headers, _body = fetch(f"{production_server}{css}", {**PROXY, "Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    max_age = int(re.search(r"max-age=(\d+)", headers["Cache-Control"]).group(1))
    assert max_age >= 365 * 24 * 3600 and "immutable" in headers["Cache-Control"]
    # A static file opened on its own runs nothing and cannot be framed (ASVS 3.4.3, 3.4.6).
    assert headers["Content-Security-Policy"] == settings.STATIC_FILES_CSP


def test_favicon_is_served(production_server):
    status, headers, _body = fetch(f"{production_server}/favicon.ico", PROXY)
    assert status == 301
    assert re.fullmatch(r"/static/favicon\.[0-9a-f]{12}\.ico", headers["Location"])
    status, headers, body = fetch(f"{production_server}{headers['Location']}", PROXY)
    assert (status, headers["Content-Type"]) == (200, "image/x-icon")
    assert body[:4] == b"\x00\x00\x01\x00"


def test_access_log_keeps_no_query_string_address_or_token(production_server, access_log):
    fetch(f"{production_server}/en/projects/invitations/a-secret-token-123/?email=ana%40example.org", PROXY)
    fetch(f"{production_server}/en/organisations/ana@example.org/", PROXY)
    deadline = time.monotonic() + 10
    while "organisations" not in access_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = access_log.read_text()
    assert '"GET /en/projects/invitations/[secret]/ HTTP/1.1"' in log
    assert '"GET /en/organisations/[e-mail]/ HTTP/1.1"' in log
    assert "a-secret-token-123" not in log and "ana" not in log
