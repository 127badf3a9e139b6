"""The account pages in a real browser: axe-core finds nothing, and they fit a phone."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page

from tests.browser.support import assert_no_violations
from tests.factories import make_user

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def signed_in(page: Page, transactional_db):
    """A page signed in through the log-in form, as a person would."""
    user = make_user(email="ana@example.org", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill("ana@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/en/my/")
    return page


@pytest.mark.parametrize("path", ["/en/accounts/login/", "/en/accounts/signup/", "/en/accounts/password/reset/"])
def test_visitor_account_page_has_no_accessibility_violations(page: Page, transactional_db, path):
    page.goto(path)
    assert_no_violations(page)


def test_login_errors_have_no_accessibility_violations(page: Page, transactional_db):
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_label("Password").fill("not-the-password")
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.locator(".error-summary").wait_for()
    assert_no_violations(page)


@pytest.mark.parametrize(
    "path",
    [
        "/en/accounts/profile/",
        "/en/accounts/password/change/",
        "/en/accounts/email/",
        "/en/accounts/2fa/",
        "/en/accounts/delete/",
        "/en/accounts/reauthenticate/",
    ],
)
def test_account_page_has_no_accessibility_violations(signed_in: Page, path):
    signed_in.goto(path)
    assert_no_violations(signed_in)


def test_totp_set_up_page_has_no_accessibility_violations(signed_in: Page):
    signed_in.goto("/en/accounts/2fa/totp/activate/")
    # allauth asks for the password again before a second factor can be added.
    signed_in.get_by_label("Password").fill(PASSWORD)
    signed_in.locator("main").get_by_role("button", name="Confirm").click()
    signed_in.wait_for_url("**/2fa/totp/activate/")
    assert signed_in.locator("img[src^='data:image/svg+xml']").is_visible()
    assert_no_violations(signed_in)


@pytest.mark.parametrize("path", ["/en/accounts/login/", "/en/accounts/signup/"])
def test_visitor_account_page_fits_a_phone(new_context, transactional_db, path):
    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(path)

    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"{path} scrolls sideways: {scroll_width}px wide"
    submit = phone.locator("main button[type=submit]").bounding_box()
    assert submit["x"] + submit["width"] <= PHONE["width"] and submit["height"] >= 44
