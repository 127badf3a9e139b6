"""The pages of exchanges between groups pass axe-core, on a phone's width too: the request
form (with its errors), the page for someone who cannot ask, and the exchanges on /my/ with
their buttons and, once accepted, the other side's addresses."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page

from projects.models import Exchange, Status
from tests.browser.support import assert_no_violations
from tests.factories import make_project, make_user

pytestmark = pytest.mark.browser


def sign_in(page: Page, user, live_server):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.mark.parametrize("width", [1280, 360])
def test_exchange_pages_have_no_accessibility_violation(page: Page, transactional_db, live_server, width):
    page.set_viewport_size({"width": width, "height": 800})
    editor = make_user(display_name="Lucía")
    mine, second = make_project(name_en="Cooperativa Zarzamora"), make_project(name_en="Second group")
    mine.editors.add(editor)
    second.editors.add(editor)
    others = [make_project(name_en=f"Other group {n}") for n in range(3)]
    for other in others:
        other.editors.add(make_user(display_name="Someone", email=f"someone-{other.pk}@example.org"))
    accepted = Exchange.objects.create(asking=mine, asked=others[0], kind="visit", message="May we visit?")
    accepted.accept(by=others[0].editors.get())
    Exchange.objects.create(asking=others[1], asked=mine, kind="technical_help", message="Help with\nplans?")
    sign_in(page, editor, live_server)

    page.goto(f"/en/projects/{others[2].slug}/exchange/")
    assert_no_violations(page)
    page.locator("main form").evaluate("form => { form.noValidate = true; }")
    page.locator("main [type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary, [role=alert]").count() >= 1
    assert_no_violations(page)

    page.goto("/en/my/")
    page.locator("#exchanges-heading").wait_for()
    assert_no_violations(page)

    nobody = make_user()
    make_project(status=Status.DRAFT).editors.add(nobody)
    page.context.clear_cookies()
    sign_in(page, nobody, live_server)
    page.goto(f"/en/projects/{mine.slug}/exchange/")
    assert_no_violations(page)
