"""The calendar of meetings, as a visitor uses it: from the list to a month, from an empty
month to the nearest one with meetings, a HUB chosen, and on a phone the days with meetings
as a list."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def meetings(transactional_db):
    call_command("load_demo_meetings", stdout=io.StringIO())


def test_a_visitor_goes_from_the_list_to_a_month_and_chooses_a_hub(page: Page, live_server, meetings, page_errors):
    page.goto("/en/hubs/")
    page.get_by_role("link", name="Calendar of meetings", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar of meetings")
    past = page.locator("section", has=page.get_by_role("heading", name="Past meetings"))
    expect(past.get_by_role("heading", name="October 2019")).to_be_visible()
    expect(past.get_by_role("link", name="Asian Regional Meeting on Collective Housing (Bangkok leg)")).to_be_visible()

    page.get_by_role("link", name="By month").click()
    # This month has no meeting: the way to the latest one is given.
    expect(page.locator(".empty-results")).to_be_visible()
    page.get_by_role("link", name="Meetings before: October 2024").click()
    expect(page.get_by_role("table", name="October 2024").get_by_role("link").first).to_be_visible()
    page.goto("/en/meetings/calendar/?view=month&month=2019-10")
    grid = page.get_by_role("table", name="October 2019")
    bangkok = grid.get_by_role("link", name="Asian Regional Meeting on Collective Housing (Bangkok leg)")
    expect(bangkok).to_have_count(4)  # the 8th to the 11th
    expect(grid.get_by_role("columnheader")).to_have_count(7)

    page.get_by_label("HUB").select_option(label="Europe")
    page.get_by_role("button", name="Show meetings").click()
    assert "hub=europe" in page.url and "month=2019-10" in page.url
    expect(page.get_by_role("table", name="October 2019").get_by_role("link")).to_have_count(0)
    expect(page.locator(".empty-results")).to_have_text("No meeting in October 2019.")
    # The feed offered is that of the same meetings.
    feed = page.get_by_role("link", name="Subscribe to these meetings (iCalendar)")
    assert feed.get_attribute("href") == "/meetings/calendar.ics?hub=europe"
    assert page_errors == []


def test_on_a_phone_the_month_is_the_list_of_its_days_with_meetings(page: Page, live_server, meetings, page_errors):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/fr/meetings/calendar/?view=month&month=2019-10")
    days = page.locator(".month-grid td:visible")
    expect(days).to_have_count(10)  # Bangkok, then Penang: the 8th to the 17th
    expect(days.first).to_contain_text("8 octobre 2019")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page_errors == []
