"""A group places its project by typing the name of its town (issue 11 §2): with the keyboard
only, among suggestions from the gazetteer, then drags the marker to its place and saves; and
without JavaScript, by finding the town and choosing it from the list."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from habitat import places
from projects.models import LocationPrecision, Status
from tests.browser.support import assert_no_violations, collect_page_errors
from tests.factories import make_project, make_user

pytestmark = pytest.mark.browser

PANDO = "geonames:3441354"


@pytest.fixture
def draft(transactional_db):
    """A group's draft in Uruguay that has no place yet, and its editor."""
    editor = make_user(username="grupo")
    project = make_project(name_en="Cooperativa Zarzamora", status=Status.DRAFT, country="UY", city="")
    project.location = None
    project.save()
    project.editors.add(editor)
    return project, editor


def sign_in(context, user, live_server):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def marker_position(page: Page):
    """Where the picker's marker is, read from Leaflet: [lat, lng], or None."""
    return page.evaluate(
        """() => {
            let found = null;
            window.__testMaps["location-picker"].eachLayer((layer) => {
                if (layer instanceof L.Marker) found = [layer.getLatLng().lat, layer.getLatLng().lng];
            });
            return found;
        }"""
    )


def test_a_group_finds_its_town_with_the_keyboard_then_drags_the_marker(page: Page, draft, live_server):
    project, editor = draft
    errors = collect_page_errors(page, live_server.url)
    sign_in(page.context, editor, live_server)
    pando = places.gazetteer().get(PANDO)

    page.goto(f"/en/projects/{project.slug}/edit/location/")
    page.locator(".picker-map .leaflet-control-zoom").wait_for()
    town = page.get_by_role("combobox", name="Town or neighbourhood")
    expect(town).to_have_attribute("aria-expanded", "false")
    assert marker_position(page) is None
    assert_no_violations(page)

    # Typed, then chosen with the arrow keys: the form's country (Uruguay) keeps the list short.
    town.focus()
    page.keyboard.type("pa")
    suggestions = page.get_by_role("listbox", name="Towns and neighbourhoods found")
    expect(suggestions).to_be_visible()
    options = suggestions.get_by_role("option")
    expect(options).to_have_text(["Paysandú, Uruguay", "Pando, Uruguay", "Paso de Carrasco, Uruguay"])
    expect(town).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("status").filter(has_text="suggestions")).to_have_text(
        "3 suggestions. Use the up and down arrow keys to choose one, then Enter."
    )
    for key in ["ArrowDown", "ArrowDown", "ArrowDown", "ArrowDown", "ArrowUp", "ArrowUp"]:
        page.keyboard.press(key)
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(town).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id"))
    expect(town).to_be_focused()
    # The step as a screen reader meets it, with the suggestions open.
    assert_no_violations(page)

    page.keyboard.press("Enter")
    expect(suggestions).to_be_hidden()
    expect(town).to_have_attribute("aria-expanded", "false")
    expect(town).to_have_value("Pando")
    latitude, longitude = page.get_by_label("Latitude"), page.get_by_label("Longitude")
    expect(latitude).to_have_value(f"{pando.latitude:.6f}")
    expect(longitude).to_have_value(f"{pando.longitude:.6f}")
    expect(page.get_by_label("City")).to_have_value("Pando")
    expect(page.get_by_label("approximate (about 1 km)")).to_be_checked()
    expect(page.locator(".picker-map .leaflet-marker-icon")).to_have_count(1)
    assert marker_position(page) == [pytest.approx(pando.latitude), pytest.approx(pando.longitude)]
    assert page.evaluate("window.__testMaps['location-picker'].getZoom()") >= 13
    expect(page.get_by_role("status").filter(has_text="centre")).to_contain_text("Drag the marker")

    # Escape closes the list without choosing; once closed, it empties the field.
    page.keyboard.type(" x")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(town).to_have_value("")
    expect(latitude).to_have_value(f"{pando.latitude:.6f}")

    # The group drags the marker a little east and south, to its own street.
    marker = page.locator(".picker-map .leaflet-marker-icon")
    box = marker.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 30, box["y"] + box["height"] / 2 + 20, steps=5)
    page.mouse.up()
    expect(latitude).not_to_have_value(f"{pando.latitude:.6f}")
    refined = (float(latitude.input_value()), float(longitude.input_value()))
    assert pando.latitude - 0.02 < refined[0] < pando.latitude
    assert pando.longitude < refined[1] < pando.longitude + 0.02

    page.locator("main").get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/edit/")
    project.refresh_from_db()
    assert (round(project.location.y, 6), round(project.location.x, 6)) == refined
    assert project.location_precision == LocationPrecision.APPROXIMATE
    assert (project.city, project.country) == ("Pando", "UY")
    assert errors == []


def test_without_javascript_a_group_chooses_its_town_from_a_list(new_context, draft, live_server):
    project, editor = draft
    context = new_context(java_script_enabled=False)
    sign_in(context, editor, live_server)
    page = context.new_page()
    pando = places.gazetteer().get(PANDO)

    page.goto(f"/en/projects/{project.slug}/edit/location/")
    page.get_by_label("Address").fill("Calle 18 de Julio 1234")
    page.get_by_label("Town or neighbourhood").fill("Pa")
    page.get_by_role("button", name="Find", exact=True).click()

    towns = page.get_by_role("group", name="Towns found for “Pa”")
    expect(towns.get_by_role("radio")).to_have_count(3)
    expect(page.get_by_label("Address")).to_have_value("Calle 18 de Julio 1234")
    towns.get_by_label("Pando, Uruguay").check()
    page.locator("main").get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/edit/")

    project.refresh_from_db()
    assert (project.location.y, project.location.x) == (pando.latitude, pando.longitude)
    assert project.location_precision == LocationPrecision.APPROXIMATE
    assert (project.city, project.address) == ("Pando", "Calle 18 de Julio 1234")
