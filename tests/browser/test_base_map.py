"""The base map that we serve: every map of the site draws the countries' outlines (Natural
Earth, from npm's world-atlas) under its markers, with the browser cut off from every other
origin, and asks nothing of any other origin."""

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from projects.models import Status
from tests.browser.support import wait_for_map
from tests.factories import make_project, make_user

pytestmark = pytest.mark.browser

LAND = ".leaflet-basemap-pane path.basemap-land"
BORDER = ".leaflet-basemap-pane path.basemap-border"
# Natural Earth's countries, one path each: 177 at 1:110 million, 241 at 1:50 million.
COARSE_COUNTRIES = 177
FINE_COUNTRIES = 241


def requests_of(page: Page, live_server):
    """The addresses that the page asks for, split into ours and anybody else's."""
    asked = {"ours": [], "others": []}
    page.on(
        "request",
        lambda request: asked["ours" if request.url.startswith(live_server.url + "/") else "others"].append(
            request.url
        ),
    )
    return asked


@pytest.mark.parametrize(
    "address, selector, countries",
    [
        ("/en/projects/", ".project-map", COARSE_COUNTRIES),
        # A project's own map is close: the finer outlines at once.
        ("/fr/projects/{slug}/", "#project-map", FINE_COUNTRIES),
        ("/embed/map/?lat=-34.9&lon=-56.2&zoom=3", ".project-map", COARSE_COUNTRIES),
    ],
)
def test_every_map_draws_the_countries_we_serve_and_asks_no_one_else(
    page: Page, live_server, demo, page_errors, address, selector, countries
):
    asked = requests_of(page, live_server)
    page.goto(address.format(slug=demo.order_by("pk").first().slug))
    page.locator(f"{selector} .leaflet-control-zoom").wait_for()

    expect(page.locator(f"{selector} {LAND}")).to_have_count(countries)
    assert page.locator(f"{selector} {BORDER}").count() == 1  # every border, as one line
    # Under the markers and the tiles, out of the pointer's way.
    pane = page.locator(f"{selector} .leaflet-basemap-pane")
    assert pane.evaluate("p => [getComputedStyle(p).zIndex, getComputedStyle(p).pointerEvents]") == ["150", "none"]
    expect(page.locator(f"{selector} .leaflet-control-attribution")).to_contain_text("Natural Earth")
    assert any("/static/vendor/countries-" in url for url in asked["ours"])
    assert asked["others"] == []
    assert page_errors == []


def test_the_finer_outlines_come_once_the_visitor_is_close(page: Page, live_server, demo, page_errors):
    asked = requests_of(page, live_server)
    page.goto("/en/projects/")
    wait_for_map(page)
    expect(page.locator(LAND)).to_have_count(COARSE_COUNTRIES)
    assert not any("countries-50m" in url for url in asked["ours"])

    with page.expect_response(lambda response: "/static/vendor/countries-50m" in response.url):
        page.evaluate("window.__testMaps['projects-map'].setView([46.2, 6.15], 7)")
    expect(page.locator(LAND)).to_have_count(FINE_COUNTRIES)
    page.evaluate("window.__testMaps['projects-map'].setView([20, 0], 2)")
    expect(page.locator(LAND)).to_have_count(COARSE_COUNTRIES)
    assert asked["others"] == []
    assert page_errors == []


def test_the_location_picker_draws_the_countries_too(page: Page, live_server, transactional_db, page_errors):
    group = make_user(username="grupo")
    project = make_project(status=Status.DRAFT, published_at=None)
    project.editors.add(group)
    client = Client()
    client.force_login(group)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    asked = requests_of(page, live_server)

    page.goto(f"/en/projects/{project.slug}/edit/location/")
    page.locator("#location-picker .leaflet-control-zoom").wait_for()

    expect(page.locator(f"#location-picker {LAND}").first).to_be_attached()
    assert asked["others"] == []
    assert page_errors == []
