import datetime
import zoneinfo

import pytest
from icalendar import Calendar

from tests.factories.hubs import make_meeting, make_session

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def bangkok():
    meeting = make_meeting(
        name_en="Asian Regional Meeting",
        start_date=datetime.date(2019, 10, 8),
        end_date=datetime.date(2019, 10, 11),
        time_zone="Asia/Bangkok",
        city="Bangkok",
        country="TH",
        lon=100.502,
        lat=13.756,
    )
    make_session(
        meeting,
        day=datetime.date(2019, 10, 10),
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        title="World Habitat Day",
        speakers="Somsook Boonyabancha",
    )
    return meeting


def test_calendar_has_every_dated_meeting_and_its_sessions(client, bangkok):
    geneva = make_meeting(name_en="Geneva day", start_date=datetime.date(2013, 10, 5), end_date=None)
    make_meeting(name_en="Known by year", year=2017)
    make_meeting(name_en="Not known", year=None)
    calendar = parse(client.get("/meetings/calendar.ics"))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    found = events(calendar)
    session = bangkok.sessions.get()
    assert set(found) == {
        f"meeting-{bangkok.pk}@sph-platform",
        f"meeting-{geneva.pk}@sph-platform",
        f"session-{session.pk}@sph-platform",
    }


def test_meeting_is_an_all_day_event_with_exclusive_end(client, bangkok):
    event = events(parse(client.get(f"/meetings/{bangkok.slug}.ics")))[f"meeting-{bangkok.pk}@sph-platform"]
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert event.decoded("DTSTART") == datetime.date(2019, 10, 8)
    assert type(event.decoded("DTSTART")) is datetime.date
    assert event.decoded("DTEND") == datetime.date(2019, 10, 12)
    assert str(event["SUMMARY"]) == "Asian Regional Meeting"
    assert str(event["LOCATION"]) == "Bangkok, Thailand"
    assert str(event["URL"]) == f"http://testserver/en/meetings/{bangkok.slug}/"
    assert "Groups met" in str(event["DESCRIPTION"])
    assert "DTSTAMP" in event


def test_session_is_a_timed_event_in_the_meeting_time_zone(client, bangkok):
    calendar = parse(client.get(f"/meetings/{bangkok.slug}.ics"))
    session = bangkok.sessions.get()
    event = events(calendar)[f"session-{session.pk}@sph-platform"]
    assert event["DTSTART"].params["TZID"] == "Asia/Bangkok"
    starts = event.decoded("DTSTART")
    assert starts.utcoffset() == datetime.timedelta(hours=7)
    assert starts == datetime.datetime(2019, 10, 10, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Bangkok"))
    assert event.decoded("DTEND") == datetime.datetime(2019, 10, 10, 12, tzinfo=zoneinfo.ZoneInfo("Asia/Bangkok"))
    assert "Somsook Boonyabancha" in str(event["DESCRIPTION"])
    assert str(event["RELATED-TO"]) == f"meeting-{bangkok.pk}@sph-platform"
    zones = [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")]
    assert zones == ["Asia/Bangkok"]


def test_uids_are_stable_across_requests_and_renames(client, bangkok):
    first = set(events(parse(client.get("/meetings/calendar.ics"))))
    bangkok.name_en = "Renamed"
    bangkok.save()
    assert set(events(parse(client.get("/meetings/calendar.ics")))) == first


def test_meeting_without_known_days_has_no_calendar(client):
    assert client.get(f"/meetings/{make_meeting(year=2017).slug}.ics").status_code == 404
    assert client.get(f"/meetings/{make_meeting(year=None).slug}.ics").status_code == 404


def test_empty_calendar_is_still_valid(client):
    calendar = parse(client.get("/meetings/calendar.ics"))
    assert calendar.walk("VEVENT") == []
