"""The calendar of meetings (hubs.calendar): a month's grid and a list, with filters by HUB,
kind and country that the iCalendar feed takes too."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from hubs.models import Meeting
from tests.factories.hubs import make_hub, make_meeting

pytestmark = pytest.mark.django_db

URL = "/en/meetings/calendar/"


@pytest.fixture
def meetings():
    europe, asia = make_hub(name_en="Europe", slug="europe"), make_hub(name_en="Asia", slug="asia")
    return {
        "berlin": make_meeting(
            name_en="Berlin days",
            hub=europe,
            start_date=datetime.date(2017, 10, 6),
            end_date=datetime.date(2017, 10, 8),
            city="Berlin",
            country="DE",
        ),
        "bangkok": make_meeting(
            name_en="Bangkok meeting",
            hub=asia,
            start_date=datetime.date(2017, 10, 30),
            end_date=datetime.date(2017, 11, 2),
            city="Bangkok",
            country="TH",
            time_zone="Asia/Bangkok",
        ),
        "geneva": make_meeting(
            name_en="Geneva conference",
            kind=Meeting.Kind.CONFERENCE,
            start_date=datetime.date(2019, 5, 31),
            end_date=None,
        ),
        "nairobi": make_meeting(name_en="Nairobi, year only", hub=make_hub(), year=2019, city="Nairobi", country="KE"),
    }


def text(response):
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def days_of(response, name):
    """The days of the month's grid that list the meeting ``name``."""
    cells = re.findall(r"<td[^>]*>(.*?)</td>", response.content.decode(), re.S)
    return [re.search(r'datetime="([\d-]+)"', cell)[1] for cell in cells if f">{name}</a>" in cell]


def test_a_month_shows_each_meeting_on_each_of_its_days(client, meetings):
    response = client.get(URL, {"view": "month", "month": "2017-10"})
    assert days_of(response, "Berlin days") == ["2017-10-06", "2017-10-07", "2017-10-08"]
    # The grid's weeks run into November: the Bangkok meeting's last days are shown there too.
    assert days_of(response, "Bangkok meeting") == ["2017-10-30", "2017-10-31", "2017-11-01", "2017-11-02"]
    page = text(response)
    assert "Meetings in October 2017" in page
    # Weeks start on Sunday in English as Django writes it (FIRST_DAY_OF_WEEK), Monday in French.
    assert re.search(r"<th scope=\"col\"><abbr title=\"(\w+)\">", response.content.decode())[1] == "Sunday"
    assert "Meetings after: May 2019" in page
    assert "Nairobi" not in page  # known by its year alone: never put on an invented day


def test_a_month_in_french_starts_on_monday_and_is_named_in_french(client, meetings):
    response = client.get("/fr/meetings/calendar/", {"view": "month", "month": "2019-05"})
    assert re.search(r"<th scope=\"col\"><abbr title=\"(\w+)\">", response.content.decode())[1] == "lundi"
    assert "Rencontres en mai 2019" in text(response)
    assert days_of(response, "Geneva conference") == ["2019-05-31"]


def test_an_empty_month_says_so_and_leads_to_the_nearest_months_with_meetings(client, meetings):
    response = client.get(URL, {"view": "month", "month": "2018-03"})
    page = text(response)
    assert "No meeting in March 2018." in page
    assert "Meetings before: October 2017" in page and "Meetings after: May 2019" in page
    assert 'href="?view=month&amp;month=2017-10"' in response.content.decode()


@pytest.mark.parametrize("month", ["2017-13", "October", "0000-01", "9999-12", "2017-1", "x" * 5000])
def test_a_month_that_is_not_one_is_said_and_this_month_shown(client, meetings, month):
    response = client.get(URL, {"view": "month", "month": month})
    page = text(response)
    assert "is not a month (write it as 2024-10): here is this month." in page
    today = datetime.datetime.now(datetime.UTC).date()
    assert f"Meetings in {today:%B %Y}" in page


def test_the_list_has_the_past_meetings_by_month_newest_first(client, meetings):
    page = text(client.get(URL))
    assert "No upcoming meeting is known yet." in page
    past = page[page.index("Past meetings") :]
    assert past.index("May 2019") < past.index("Geneva conference") < past.index("October 2017")
    assert past.index("Bangkok meeting") < past.index("Berlin days")


def test_a_future_meeting_comes_first(client, meetings):
    soon = datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=40)
    make_meeting(name_en="Next gathering", start_date=soon, end_date=None)
    page = text(client.get(URL))
    assert page.index("Next meetings") < page.index("Next gathering") < page.index("Past meetings")


def test_the_filters_choose_the_meetings_and_the_feed_takes_them_too(client, meetings):
    page = text(client.get(URL, {"hub": "asia"}))
    assert "Bangkok meeting" in page and "Berlin days" not in page and "Geneva conference" not in page
    page = text(client.get(URL, {"kind": "conference"}))
    assert "Geneva conference" in page and "Bangkok meeting" not in page
    response = client.get(URL, {"country": "DE", "view": "month", "month": "2017-10"})
    assert days_of(response, "Berlin days") and not days_of(response, "Bangkok meeting")
    # The countries offered are those with meetings.
    assert 'value="TH"' in response.content.decode() and 'value="FR"' not in response.content.decode()
    # The feed of the same meetings.
    assert 'href="/meetings/calendar.ics?country=DE"' in response.content.decode()
    feed = Calendar.from_ical(client.get("/meetings/calendar.ics", {"country": "DE"}).content)
    assert [str(event["SUMMARY"]) for event in feed.walk("VEVENT")] == ["Berlin days"]


def test_a_filter_that_is_not_one_is_said_not_a_500(client, meetings):
    response = client.get(URL, {"hub": "atlantis", "kind": "party"})
    assert "Some filters are not valid" in text(response)
    assert "Bangkok meeting" not in text(response)
    assert client.get("/meetings/calendar.ics", {"hub": "atlantis"}).status_code == 400


def test_the_page_asks_as_many_queries_for_many_meetings_as_for_a_few(client, meetings):
    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, params).status_code == 200
        return len(captured)

    few = (queries({}), queries({"view": "month", "month": "2017-10"}))
    for day in range(1, 20):
        make_meeting(start_date=datetime.date(2017, 10, day), end_date=None, hub=make_hub())
    assert (queries({}), queries({"view": "month", "month": "2017-10"})) == few


def test_the_hubs_page_leads_to_the_calendar(client, meetings):
    assert 'href="/en/meetings/calendar/"' in client.get("/en/hubs/").content.decode()
