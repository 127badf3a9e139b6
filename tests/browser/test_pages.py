"""The public pages as a whole: on a phone, in the console, in another language."""

import pytest
from playwright.sync_api import Page, expect

from habitat.models import Organisation
from tests.browser.support import wait_for_map

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def wait_for_page_map(page: Page, path):
    if path.startswith("/en/projects/") and path != "/en/projects/":
        page.locator(".detail-map .leaflet-control-zoom").wait_for()
        return page.locator(".detail-map")
    return wait_for_map(page)


@pytest.fixture
def phone(new_context) -> Page:
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    return context.new_page()


@pytest.mark.parametrize("path", ["/en/", "/en/projects/", "/en/projects/kalkbreite/"])
def test_phone_page_fits_the_screen_and_shows_the_map(phone: Page, demo, path):
    phone.goto(path)
    map_container = wait_for_page_map(phone, path)

    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"{path} scrolls sideways: {scroll_width}px wide"
    map_container.scroll_into_view_if_needed()
    expect(map_container).to_be_in_viewport()
    box = map_container.bounding_box()
    assert box["width"] > 200 and box["height"] > 150, f"the map is too small: {box}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_public_pages_log_no_console_errors(page: Page, page_errors, demo):
    organisation = Organisation.objects.get(slug="fucvam")
    for path in ["/en/", "/en/projects/", "/en/projects/?country=FR"]:
        page.goto(path)
        wait_for_map(page)
    page.goto("/en/projects/kalkbreite/")
    page.locator(".detail-map .leaflet-control-zoom").wait_for()
    for path in ["/en/organisations/", organisation.get_absolute_url(), "/fr/projects/", "/es/"]:
        page.goto(path)
        page.wait_for_load_state("load")

    assert page_errors == []


def test_map_interaction_logs_no_console_errors(page: Page, page_errors, demo):
    page.goto("/en/projects/")
    wait_for_map(page)
    with page.expect_response(lambda response: "/projects/map.json" in response.url):
        page.locator(".project-map .leaflet-control-zoom-in").click()
    wait_for_map(page)
    page.locator(".project-map .map-project").first.click()
    expect(page.locator(".leaflet-popup")).to_have_count(1)

    assert page_errors == []


def test_french_project_list_declares_its_language(page: Page, demo):
    response = page.goto("/fr/projects/")

    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("nav.language-nav a[aria-current]")).to_have_attribute("lang", "fr")
    # The page is translated, and the map still finds every project.
    expect(page.get_by_role("heading", level=1)).to_have_text("Projets")
    container = wait_for_map(page)
    expect(container).to_have_attribute("data-total", str(demo.count()))
