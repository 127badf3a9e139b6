"""A meeting page in a real browser: its map, its programme, no accessibility blockers."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import assert_no_violations
from tests.factories import make_organisation, make_project
from tests.factories.hubs import make_hub, make_meeting, make_session

pytestmark = pytest.mark.browser


@pytest.fixture
def meeting(transactional_db):
    organisation = make_organisation(name_en="Asian Coalition for Housing Rights", acronym="ACHR", slug="achr")
    meeting = make_meeting(
        hub=make_hub(name_en="Asia", slug="asia"),
        name_en="Asian Regional Meeting on Collective Housing",
        start_date=datetime.date(2019, 10, 8),
        end_date=datetime.date(2019, 10, 9),
        time_zone="Asia/Bangkok",
        city="Bangkok",
        country="TH",
        lon=100.502,
        lat=13.756,
    )
    make_session(
        meeting, title="Peer visit to the Bang Bua canal", speakers="Somsook Boonyabancha", organisations=[organisation]
    )
    make_session(
        meeting, day=datetime.date(2019, 10, 9), start_time=datetime.time(14), end_time=None, title="Planning workshops"
    )
    meeting.organisers.add(organisation)
    meeting.visited_projects.add(make_project(name_en="Bang Bua canal community upgrading", lon=100.56, lat=13.85))
    return meeting


def test_meeting_page_shows_map_and_programme(page: Page, meeting, page_errors):
    page.goto(meeting.get_absolute_url())
    page.locator(".meeting-map .leaflet-control-zoom").wait_for()
    expect(page.locator(".meeting-map")).to_have_attribute("data-state", "ready")
    expect(page.locator(".meeting-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.get_by_role("heading", name="Programme")).to_be_visible()
    sessions = page.locator("ol.timeline > li")
    expect(sessions).to_have_count(2)
    expect(sessions.first).to_contain_text("Peer visit to the Bang Bua canal")
    expect(page.get_by_role("link", name="Bang Bua canal community upgrading")).to_be_visible()
    assert_no_violations(page)
    assert page_errors == []


def test_meeting_page_fits_a_phone(page: Page, meeting, page_errors):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(meeting.get_absolute_url())
    page.locator(".meeting-map .leaflet-control-zoom").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    assert page_errors == []


def test_hubs_page_shows_meetings_on_the_map(page: Page, meeting, page_errors):
    page.goto("/en/hubs/")
    page.locator(".hubs-map .leaflet-control-zoom").wait_for()
    expect(page.locator(".hubs-map")).to_have_attribute("data-state", "ready")
    assert_no_violations(page)
    marker = page.locator(".hubs-map .leaflet-marker-icon")
    expect(marker).to_have_count(1)
    marker.click()
    expect(page.locator(".leaflet-popup")).to_contain_text("Asian Regional Meeting on Collective Housing")
    assert page_errors == []
