"""axe-core on the public pages: no violation of any impact."""

import pytest
from playwright.sync_api import Page

from habitat.models import Organisation
from tests.browser.support import assert_no_violations, wait_for_map
from tests.factories import make_project

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/en/", "/en/projects/"])
def test_map_page_has_no_accessibility_violations(page: Page, demo, path):
    page.goto(path)
    wait_for_map(page)
    assert_no_violations(page)


def test_project_page_has_no_accessibility_violations(page: Page, demo):
    page.goto(demo.get(slug="kalkbreite").get_absolute_url())
    page.locator(".detail-map .leaflet-control-zoom").wait_for()
    assert_no_violations(page)


def test_organisation_list_has_no_accessibility_violations(page: Page, demo):
    page.goto("/en/organisations/")
    assert_no_violations(page)


def test_organisation_page_has_no_accessibility_violations(page: Page, demo):
    organisation = Organisation.objects.get(slug="fucvam")
    assert organisation.projects.exists()
    page.goto(organisation.get_absolute_url())
    assert_no_violations(page)


def test_not_found_page_has_no_accessibility_violations(page: Page, demo):
    response = page.goto("/en/projects/no-such-project/")
    assert response.status == 404
    assert_no_violations(page)


@pytest.mark.parametrize("form", ["contact", "report"])
def test_visitor_forms_with_their_errors_have_no_accessibility_violations(page: Page, transactional_db, form):
    project = make_project(contact_email="group@example.org")
    page.goto(f"/en/projects/{project.slug}/{form}/")
    assert_no_violations(page)
    # Sent empty, past the browser's own checks, so that the server's errors show.
    page.locator("form[method=post]").evaluate("form => { form.noValidate = true; }")
    page.get_by_role("button", name="Send").click()
    page.locator(".errors").first.wait_for()
    assert_no_violations(page)
