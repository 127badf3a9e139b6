"""Programmes known only by their days, the demo meetings' real programmes, and the
conference pages that show them."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from hubs.models import Meeting, Session
from tests.factories import make_organisation
from tests.factories.hubs import make_hub, make_meeting, make_session

pytestmark = pytest.mark.django_db

BANGKOK = "2019-asian-regional-meeting-on-collective-housing-bangkok-leg"
PENANG = "2019-asian-regional-meeting-on-collective-housing-penang-leg-at-apuf-7"
PUBLIC_CONFERENCE = "2024-public-conference-community-led-housing-around-the-world-la"
ASIAN_SOURCE = "https://www.co-habitat.net/en/events/asian-regional-meeting-on-collective-housing"


def untimed(meeting, **fields):
    return make_session(meeting, start_time=None, end_time=None, **fields)


@pytest.fixture
def bangkok():
    return make_meeting(
        name_en="Asian Regional Meeting",
        start_date=datetime.date(2019, 10, 8),
        end_date=datetime.date(2019, 10, 11),
        time_zone="Asia/Bangkok",
        city="Bangkok",
        country="TH",
        lon=100.502,
        lat=13.756,
        source_url=ASIAN_SOURCE,
    )


def load():
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_meetings", stdout=io.StringIO())


# --- Items known by their day only ---------------------------------------------------------


def test_untimed_items_come_first_in_their_day(bangkok):
    afternoon = make_session(
        bangkok, day=datetime.date(2019, 10, 9), start_time=datetime.time(14), end_time=None, title="Afternoon"
    )
    day_only = untimed(bangkok, day=datetime.date(2019, 10, 9), title="Peer visit")
    morning = make_session(bangkok, day=datetime.date(2019, 10, 9), start_time=datetime.time(9), title="Morning")
    next_day = untimed(bangkok, day=datetime.date(2019, 10, 10), title="World Habitat Day")
    first_day = make_session(
        bangkok, day=datetime.date(2019, 10, 8), start_time=datetime.time(18), end_time=None, title="Welcome"
    )
    assert list(bangkok.sessions.all()) == [first_day, day_only, morning, afternoon, next_day]


def test_end_time_without_start_time_is_refused(bangkok):
    session = Session(meeting=bangkok, day=bangkok.start_date, end_time=datetime.time(10), title="Half known")
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert list(error.value.message_dict) == ["start_time"]
    # The database holds the same rule for rows written without the model's checks.
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()


def test_untimed_item_reads_as_a_day_without_a_made_up_time(client, bangkok):
    untimed(bangkok, day=datetime.date(2019, 10, 9), title="Peer visit to the Bang Bua canal")
    text = client.get(bangkok.get_absolute_url()).text
    assert "Peer visit to the Bang Bua canal" in text
    assert "Time not given" in text
    assert '<time datetime="2019-10-09">' in text
    assert "2019-10-09T" not in text
    # Nothing on the page has a time, so there is no time zone to explain.
    assert "Times are local" not in text
    assert "None" not in text


def test_mixed_programme_explains_the_local_times(client, bangkok):
    untimed(bangkok, day=datetime.date(2019, 10, 9), title="Peer visit")
    make_session(bangkok, day=datetime.date(2019, 10, 10), start_time=datetime.time(9), title="Celebration")
    text = client.get(bangkok.get_absolute_url()).text
    assert text.count("Time not given") == 1
    assert '<time datetime="2019-10-10T09:00">' in text
    assert "Times are local (Asia/Bangkok)." in text
    assert text.index("Peer visit") < text.index("Celebration")


def test_programme_cites_the_meeting_source(client, bangkok):
    untimed(bangkok, day=datetime.date(2019, 10, 9), title="Peer visit")
    text = client.get(bangkok.get_absolute_url()).text
    programme = text[text.index('id="programme-heading"') : text.index("</section>", text.index("programme-heading"))]
    assert "Source of this programme:" in programme
    assert f'href="{ASIAN_SOURCE}"' in programme


def test_untimed_item_is_an_all_day_event_in_the_calendar(client, bangkok):
    day_only = untimed(bangkok, day=datetime.date(2019, 10, 9), title="Peer visit")
    timed = make_session(bangkok, day=datetime.date(2019, 10, 10), start_time=datetime.time(9), title="Celebration")
    response = client.get(f"/meetings/{bangkok.slug}.ics")
    assert response.status_code == 200
    events = {str(event["UID"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")}
    event = events[f"session-{day_only.pk}@sph-platform"]
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert type(event.decoded("DTSTART")) is datetime.date
    assert event.decoded("DTSTART") == datetime.date(2019, 10, 9)
    assert event.decoded("DTEND") == datetime.date(2019, 10, 10)
    assert str(event["SUMMARY"]) == "Peer visit (Asian Regional Meeting)"
    starts = events[f"session-{timed.pk}@sph-platform"].decoded("DTSTART")
    assert (starts.hour, starts.utcoffset()) == (9, datetime.timedelta(hours=7))


def test_whole_calendar_takes_an_untimed_item(client, bangkok):
    untimed(bangkok, day=datetime.date(2019, 10, 9), title="Peer visit")
    response = client.get("/meetings/calendar.ics")
    summaries = [str(event["SUMMARY"]) for event in Calendar.from_ical(response.content).walk("VEVENT")]
    assert "Peer visit (Asian Regional Meeting)" in summaries


# --- The demo meetings' real programmes ---------------------------------------------------


def test_loader_gives_the_bangkok_leg_its_programme_participants_and_visit(client):
    load()
    bangkok = Meeting.objects.get(slug=BANGKOK)
    assert [(s.day.day, s.start_time, s.title) for s in bangkok.sessions.all()] == [
        (9, None, "Peer exchange: visit of the Bang Bua Canal project"),
        (10, None, "World Habitat Day celebration “Collective Housing Worldwide”"),
        (11, None, "Workshops on “Collective housing project planning”"),
    ]
    celebration = bangkok.sessions.get(day=datetime.date(2019, 10, 10))
    assert [o.acronym or o.name for o in celebration.organisations.all()] == [
        "Community Organizations Development Institute (CODI)"
    ]
    assert list(bangkok.visited_projects.values_list("slug", flat=True)) == ["bang-bua-canal-community-upgrading"]
    assert sorted(o.acronym or o.name for o in bangkok.participants.all()) == ["BSHF", "CHF Canada", "FUCVAM"]
    text = client.get(bangkok.get_absolute_url()).text
    assert "Peer exchange: visit of the Bang Bua Canal project" in text
    assert text.count("Time not given") == 3
    assert "Organisations taking part" in text and "FUCVAM" in text
    assert "/en/projects/bang-bua-canal-community-upgrading/" in text
    assert f'href="{ASIAN_SOURCE}"' in text


def test_loader_keeps_to_what_the_source_says(client):
    load()
    penang = Meeting.objects.get(slug=PENANG)
    # The stored page breaks off on 16 October: nothing is loaded for the days it does not give.
    assert [s.day.day for s in penang.sessions.all()] == [12, 13, 14, 15]
    assert not penang.visited_projects.exists()  # the Armenian Street project is not in the directory
    for session in Session.objects.all():
        assert session.meeting.source_urls(), session
    conference = Meeting.objects.get(slug=PUBLIC_CONFERENCE)
    session = conference.sessions.get()
    assert (session.start_time, session.end_time) == (datetime.time(18, 30), datetime.time(20, 30))
    assert session.speaker_list() == ["Armelle Choplin (UNIGE/urbaMonde), moderator"]
    # Organisations new to the directory wait for staff, as the loader's others do.
    unreviewed = {o.name for o in session.organisations.all() if not o.reviewed}
    assert {"Urban Poor Consortium", "Sostre Cívic"} <= unreviewed


def test_loader_run_twice_changes_nothing():
    def counts():
        return (
            Session.objects.count(),
            Session.organisations.through.objects.count(),
            Meeting.participants.through.objects.count(),
            Meeting.visited_projects.through.objects.count(),
            list(Session.objects.order_by("pk").values_list("pk", "title", "start_time", "description")),
        )

    load()
    first = counts()
    call_command("load_demo_meetings", stdout=io.StringIO())
    assert counts() == first
    assert first[0] == 8


# --- The conference pages -----------------------------------------------------------------


@pytest.fixture
def conference():
    organisation = make_organisation(name_en="urbaSEN", slug="urbasen")
    hidden = make_organisation(name_en="Waiting for review", slug="waiting", reviewed=False)
    meeting = make_meeting(
        hub=None,
        kind=Meeting.Kind.CONFERENCE,
        name_en="Public conference",
        start_date=datetime.date(2024, 10, 1),
        end_date=None,
        source_url="https://example.org/conference",
    )
    make_session(
        meeting,
        start_time=datetime.time(18, 30),
        end_time=datetime.time(20, 30),
        title="Community-Led Housing Around the World",
        speakers="Armelle Choplin",
        organisations=[organisation, hidden],
    )
    make_meeting(
        hub=None, kind=Meeting.Kind.CONFERENCE, name_en="Annual meeting 2018", start_date=datetime.date(2018, 6, 11)
    )
    return meeting


@pytest.mark.parametrize("url", ["/en/conference/", "/en/conference/2024/"])
def test_conference_pages_show_the_programme(client, conference, url):
    response = client.get(url)
    assert response.status_code == 200
    text = response.text
    assert "Community-Led Housing Around the World" in text
    assert '<time datetime="2024-10-01T18:30">' in text and '<time datetime="2024-10-01T20:30">' in text
    assert "Speakers:</span> Armelle Choplin" in text
    assert 'href="/en/organisations/urbasen/"' in text
    assert "Waiting for review" not in text
    assert 'href="https://example.org/conference"' in text
    assert conference.get_absolute_url() in text
    assert "Annual meeting 2018" not in text


def test_conference_page_keeps_its_list_of_years(client, conference):
    response = client.get("/en/conference/")
    assert response.context["years"] == [2024, 2018]
    assert response.context["current_year"] == 2024
    assert 'href="/en/conference/2018/"' in response.text


def test_conference_page_prefers_the_coming_conference(client, conference):
    coming = datetime.date.today() + datetime.timedelta(days=60)
    make_meeting(hub=None, kind=Meeting.Kind.CONFERENCE, name_en="Next annual meeting", start_date=coming)
    response = client.get("/en/conference/")
    assert response.context["current_year"] == coming.year
    assert "Next annual meeting" in response.text
    assert "No programme is recorded for this event." in response.text


def test_conference_page_without_any_conference_reads_well(client):
    make_meeting(hub=make_hub(), name_en="Regional meeting")
    response = client.get("/en/conference/")
    assert response.status_code == 200
    assert "No conference is recorded here yet." in response.text
    assert "Regional meeting" not in response.text
    assert "None" not in response.text


def test_demo_conference_of_2024_shows_its_programme(client):
    load()
    text = client.get("/en/conference/2024/").text
    assert "Community-Led Housing Around the World" in text
    assert "Armelle Choplin (UNIGE/urbaMonde), moderator" in text
    assert "How can we support the development of housing cooperatives for low-income populations?" in text


@pytest.mark.parametrize("url", ["/en/conference/", "/en/conference/2024/"])
def test_conference_pages_queries_do_not_grow_with_the_programme(client, url):
    def add_conference():
        meeting = make_meeting(hub=None, kind=Meeting.Kind.CONFERENCE, start_date=datetime.date(2024, 10, 1))
        make_session(meeting, organisations=[make_organisation()])
        untimed(meeting, title="Visit")

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    add_conference()
    few = queries()
    for _ in range(4):
        add_conference()
    assert queries() == few
