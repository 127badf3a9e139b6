"""Fixtures for the browser tests: Debian's Chromium through pytest-playwright, driving
pytest-django's live server.

Playwright's sync API runs an event loop in the test's thread, so Django refuses ORM
calls there unless DJANGO_ALLOW_ASYNC_UNSAFE is set (the Makefile sets it too).
"""

import io
import os

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from projects.models import Project
from tests.browser.support import CAPTURE_MAPS_SCRIPT, TIMEOUT_MS, collect_page_errors

# Django reads it at each ORM call, so setting it here is in time.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative URLs in page.goto() go to the live server."""
    return live_server.url


@pytest.fixture
def new_context(new_context, live_server):
    """Every browser context may talk to the live server only: map tiles and anything else
    outside are aborted at once, so no test depends on the network."""

    def allow_only_live_server(route):
        if route.request.url.startswith(live_server.url + "/"):
            route.continue_()
        else:
            route.abort()

    def create(**kwargs):
        context = new_context(**kwargs)
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", allow_only_live_server)
        context.add_init_script(CAPTURE_MAPS_SCRIPT)
        return context

    return create


@pytest.fixture
def demo(transactional_db):
    """The 48 real demo projects, committed so that the live server's thread sees them."""
    call_command("load_demo", stdout=io.StringIO())
    return Project.objects.public()


@pytest.fixture
def whole_demo(transactional_db):
    """The demo directory as `make run` loads it: projects, meetings, awards, a programme and
    the platform's pages, so that every kind of page has one to show."""
    commands = ["load_demo", "load_demo_meetings", "load_demo_awards", "load_demo_programme", "load_demo_policies"]
    for command in [*commands, "load_demo_pages"]:
        call_command(command, stdout=io.StringIO())


@pytest.fixture
def page_errors(page: Page, live_server):
    """Console errors (Content-Security-Policy violations among them) and uncaught
    exceptions of the page. Only the failures of the requests that we block are left out:
    a resource of the site itself that fails to load is still an error."""
    return collect_page_errors(page, live_server.url)
