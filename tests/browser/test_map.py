"""The clustered directory map on the project list, with the 48 demo projects."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django_countries import countries
from playwright.sync_api import Page, expect

from habitat import geo
from projects.models import Project
from tests.browser.support import (
    MARKER,
    PROJECT_MARKER,
    ZOOMABLE_CLUSTER,
    filter_value,
    is_map_data,
    map_zoom,
    marker_total,
    result_count,
    wait_for_map,
    zoom_of,
)

pytestmark = pytest.mark.browser

DEMO_PROJECTS = 48


def test_project_list_map_shows_every_demo_project_at_world_view(page: Page, demo):
    assert demo.count() == DEMO_PROJECTS

    page.goto("/en/projects/")
    container = wait_for_map(page)

    expect(container).to_have_attribute("data-total", str(DEMO_PROJECTS))
    expect(container).to_have_attribute("data-in-view", str(DEMO_PROJECTS))
    expect(page.locator("#map-status")).to_have_text(
        f"{DEMO_PROJECTS} of the {DEMO_PROJECTS} matching projects are in view."
    )
    assert page.locator(MARKER).count() > 1
    assert marker_total(page) == DEMO_PROJECTS
    assert result_count(page) == DEMO_PROJECTS
    expect(page.locator(".result-count")).to_have_text(f"{DEMO_PROJECTS} projects match")


@pytest.mark.parametrize("country", ["FR", "TH", "PH"])
def test_country_filter_agrees_between_list_and_map(page: Page, demo, country):
    expected = demo.filter(country=country).count()
    assert 0 < expected < DEMO_PROJECTS

    page.goto("/en/projects/")
    wait_for_map(page)
    filter_value(page, "Country", countries.name(country)).check()
    with page.expect_response(is_map_data):
        page.get_by_role("button", name="Show projects").click()
    container = wait_for_map(page)

    assert f"country={country}" in page.url
    assert result_count(page) == expected
    expect(page.locator(".project-card")).to_have_count(expected)
    expect(container).to_have_attribute("data-total", str(expected))
    expect(container).to_have_attribute("data-in-view", str(expected))
    assert marker_total(page) == expected
    # The list shows the projects of that country, and only those.
    names = {project.name for project in demo.filter(country=country)}
    assert set(page.locator(".project-card h3").all_inner_texts()) == names


def click_and_wait_for_new_view(page: Page, marker):
    """Click a cluster and return the zoom level of the data the map then loads."""
    with page.expect_response(is_map_data) as response:
        marker.click()
    wait_for_map(page)
    return zoom_of(response.value)


def nearest_to_map_centre(page: Page, markers):
    box = page.locator(".project-map").bounding_box()
    centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def distance(marker):
        b = marker.bounding_box()
        return (b["x"] + b["width"] / 2 - centre_x) ** 2 + (b["y"] + b["height"] / 2 - centre_y) ** 2

    return min(markers, key=distance)


def test_cluster_click_zooms_the_map_in(page: Page, demo):
    page.goto("/en/projects/")
    container = wait_for_map(page)
    zoom_before = map_zoom(page)
    # The biggest cluster comes first.
    cluster = page.locator(ZOOMABLE_CLUSTER).first
    count = int(cluster.locator("span[aria-hidden='true']").inner_text())

    requested_zoom = click_and_wait_for_new_view(page, cluster)

    assert requested_zoom > zoom_before
    assert map_zoom(page) == requested_zoom
    # Every project of the cluster is still in view, now split into smaller markers.
    assert int(container.get_attribute("data-in-view")) >= count
    expect(container).to_have_attribute("data-total", str(DEMO_PROJECTS))


def test_project_marker_popup_links_to_the_project_page(page: Page, demo):
    page.goto("/en/projects/")
    wait_for_map(page)
    # Zoom into the biggest cluster (Europe), and on, until single projects show up there.
    zoom = map_zoom(page)
    for _ in range(5):
        new_zoom = click_and_wait_for_new_view(page, page.locator(ZOOMABLE_CLUSTER).first)
        assert new_zoom > zoom
        zoom = new_zoom
        if page.locator(PROJECT_MARKER).count():
            break
    assert page.locator(PROJECT_MARKER).count(), "no single project appeared after zooming in 5 times"
    # The single project nearest the middle of the map, whose popup fits without panning.
    marker = nearest_to_map_centre(page, page.locator(PROJECT_MARKER).all())
    name = marker.get_attribute("title")
    project = Project.objects.public().get(name_en=name)

    marker.click()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_be_visible()
    link = popup.get_by_role("link", name=name)
    expect(link).to_have_attribute("href", project.get_absolute_url())
    link.click()

    expect(page).to_have_url(re.compile(rf"/en/projects/{project.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_project_popup_stays_open_when_it_pans_the_map(page: Page, demo):
    """A popup near the edge of the map makes Leaflet pan the map to show it; the map must
    not then redraw its markers and close the popup that the visitor just opened."""
    page.goto("/en/projects/")
    wait_for_map(page)
    # Count the popups that Leaflet closes. (A closed popup fades out for 200 ms before it
    # leaves the page, so looking for .leaflet-popup alone would race with the fade.)
    page.evaluate(
        """() => {
          window.__popupsClosed = 0;
          window.__testMaps["projects-map"].on("popupclose", () => window.__popupsClosed++);
        }"""
    )
    # In this view this project sits near the west edge of the map: its popup does not fit,
    # so Leaflet pans the map to the west, and the map loads that view.
    with page.expect_response(is_map_data):
        page.evaluate("window.__testMaps['projects-map'].setView([30, -60], 2)")
    wait_for_map(page)
    marker = page.locator(PROJECT_MARKER).and_(page.get_by_title("Mutual Housing at Spring Lake", exact=True))
    with page.expect_response(is_map_data):
        marker.click()
    wait_for_map(page)

    assert page.evaluate("() => window.__popupsClosed") == 0, "the popup was closed by the map's redraw"
    popup = page.locator(".leaflet-popup")
    expect(popup).to_have_count(1)
    expect(popup.get_by_role("link", name="Mutual Housing at Spring Lake")).to_be_visible()


def tab_to(page: Page, selector, presses=60):
    """Press Tab until the focused element matches ``selector``; return its title."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return page.evaluate("() => document.activeElement.getAttribute('title')")
    raise AssertionError(f"Tab never reached {selector!r} after {presses} presses")


def test_cluster_marker_reached_with_tab_zooms_in_with_enter(page: Page, demo):
    page.goto("/en/projects/")
    wait_for_map(page)
    zoom_before = map_zoom(page)

    title = tab_to(page, ".map-cluster")
    assert title.endswith("zoom in")
    # Short wait: a keyboard user gets the answer at once or not at all.
    with page.expect_response(is_map_data, timeout=5_000) as response:
        page.keyboard.press("Enter")
    wait_for_map(page)

    assert zoom_of(response.value) > zoom_before
    assert map_zoom(page) > zoom_before
    # The focus stays on the map, from where Tab reaches the markers of the new view.
    expect(page.locator(".project-map .leaflet-container")).to_be_focused()


def test_project_marker_reached_with_tab_opens_its_popup_with_enter(page: Page, demo):
    # Filtered to one country with a single project near the middle of the world view, so
    # that the popup fits without panning the map.
    project = demo.get(country="KE", stage="planning")
    page.goto("/en/projects/?country=KE&stage=planning")
    wait_for_map(page)
    expect(page.locator(MARKER)).to_have_count(1)

    # The country's box is ticked, so the countries are unfolded: the keyboard skips them.
    tab_to(page, ".skip-filters")
    page.keyboard.press("Enter")
    assert tab_to(page, ".map-project", presses=10) == project.name
    page.keyboard.press("Enter")

    link = page.locator(".leaflet-popup").get_by_role("link", name=project.name)
    expect(link).to_be_visible()
    # The popup takes the focus; Escape closes it and gives the focus back to the marker.
    expect(link).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(page.locator(PROJECT_MARKER)).to_be_focused()
    page.keyboard.press("Enter")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/en/projects/{project.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(project.name)


def test_several_values_with_their_counts_agree_between_list_and_map(page: Page, demo):
    """Two countries and two housing models: the count beside each value, the list and the
    map say the same number of projects."""
    page.goto("/en/projects/")
    wait_for_map(page)
    france, thailand = filter_value(page, "Country", "France"), filter_value(page, "Country", "Thailand")
    counts = [_count_of(page, box) for box in (france, thailand)]
    assert counts == [demo.filter(country="FR").count(), demo.filter(country="TH").count()]
    france.check()
    thailand.check()
    with page.expect_response(is_map_data):
        page.get_by_role("button", name="Show projects").click()
    container = wait_for_map(page)

    expected = demo.filter(country__in=["FR", "TH"]).count()
    assert expected == sum(counts)
    assert "country=FR" in page.url and "country=TH" in page.url
    assert result_count(page) == expected
    expect(container).to_have_attribute("data-total", str(expected))
    expect(container).to_have_attribute("data-in-view", str(expected))
    # Each housing model now counts the French and Thai projects of that model, and ticking
    # two of them gives their projects, counted once, on the list and the map alike.
    models = demo.filter(country__in=["FR", "TH"]).values_list("housing_models", flat=True)
    participatory = filter_value(page, "Housing model", "Participatory housing")
    upgrading = filter_value(page, "Housing model", "Incremental upgrading")
    assert _count_of(page, participatory) == sum("participatory_housing" in m for m in models)
    assert _count_of(page, upgrading) == sum("incremental_upgrading" in m for m in models)
    participatory.check()
    upgrading.check()
    with page.expect_response(is_map_data):
        page.get_by_role("button", name="Show projects").click()
    container = wait_for_map(page)
    both = sum("participatory_housing" in m or "incremental_upgrading" in m for m in models)
    assert both > 0
    assert result_count(page) == both
    expect(container).to_have_attribute("data-total", str(both))


def _count_of(page: Page, box):
    """The number written beside a filter's box."""
    label = page.locator(f"label[for='{box.get_attribute('id')}'] .value-count")
    return int(label.inner_text().split()[0].replace(",", ""))


def test_the_list_follows_the_map_when_asked(page: Page, demo):
    page.goto("/en/projects/")
    wait_for_map(page)
    total = result_count(page)

    page.get_by_label("Update the list as I move the map").check()
    with page.expect_response(lambda response: "area=" in response.url and "/en/projects/" in response.url):
        page.evaluate("window.__testMaps['projects-map'].fitBounds([[45.8, 5.9], [47.8, 10.5]], {animate: false})")
    expect(page).to_have_url(re.compile(r"area="))
    area = parse_qs(urlsplit(page.url).query)["area"][0]
    in_view = demo.in_bbox(geo.BoundingBox.parse(area)).count()
    assert 0 < in_view < total
    expect(page.locator(".result-count")).to_have_text(f"{in_view} projects match")
    expect(page.locator(".project-card")).to_have_count(in_view)

    # The address can be shared: the list and the map open on the same area.
    page.reload()
    wait_for_map(page)
    expect(page.get_by_label("Update the list as I move the map")).to_be_checked()
    assert result_count(page) == in_view

    page.get_by_label("Update the list as I move the map").uncheck()
    expect(page.locator(".result-count")).to_have_text(f"{total} projects match")
    assert "area=" not in page.url


def test_the_charts_follow_the_map_and_a_value_becomes_a_filter(page: Page, demo):
    page.goto("/en/projects/")
    wait_for_map(page)
    charts = page.get_by_role("region", name="The projects in view")
    expect(charts).to_be_visible()
    by_stage = charts.get_by_role("table", name="By stage")
    inhabited = demo.filter(stage="inhabited").count()
    expect(by_stage.get_by_role("row", name=re.compile(r"^Inhabited"))).to_contain_text(str(inhabited))

    # Closer in, the charts count the projects of the new view.
    with page.expect_response(lambda response: "/projects/map-charts.json" in response.url) as answer:
        page.evaluate("window.__testMaps['projects-map'].setView([46.5, 7.5], 6, {animate: false})")
    wait_for_map(page)
    in_view = sum(bar["count"] for bar in answer.value.json()["charts"]["country"]["bars"])
    assert 0 < in_view < demo.count()
    expect(charts.get_by_role("table", name="By country").get_by_role("row")).not_to_have_count(0)

    # A value's button adds it to the list's filters.
    charts.get_by_role("table", name="By country").get_by_role("button", name="Switzerland").click()
    expect(page).to_have_url(re.compile(r"country=CH"))
    assert result_count(page) == demo.filter(country="CH").count()
