import datetime

import pytest

from hubs.models import Meeting
from projects.models import Status
from tests.factories import make_organisation, make_project
from tests.factories.hubs import make_hub, make_meeting, make_session

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def test_hub_list_shows_each_hub_with_next_and_past_meetings(client):
    hub = make_hub(name_en="Latin America", slug="latin-america")
    past = make_meeting(hub=hub, name_en="Lima HUB", start_date=datetime.date(2015, 10, 1))
    upcoming = make_meeting(hub=hub, name_en="Next HUB", start_date=TODAY + datetime.timedelta(days=30))
    make_meeting(hub=None, kind=Meeting.Kind.CONFERENCE, name_en="Geneva annual meeting")
    response = client.get("/en/hubs/")
    assert response.status_code == 200
    groups = response.context["hub_groups"]
    assert [(g["hub"], g["upcoming"], g["past"]) for g in groups] == [(hub, [upcoming], [past])]
    assert "Geneva annual meeting" in response.text
    points = response.context["map_points"]
    assert sum(len(p["meetings"]) for p in points) == 3
    assert 'id="meeting-points"' in response.text
    assert "<script>" not in response.text  # no inline script: CSP


def test_hub_without_meetings_reads_well(client):
    make_hub(name_en="North America", slug="north-america", description_en="Community land trusts and co-ops.")
    response = client.get("/en/hubs/north-america/")
    assert response.status_code == 200
    assert "<h1" in response.text and "North America" in response.text
    assert "No meeting of this HUB is recorded here yet." in response.text
    assert "None" not in response.text


def test_hub_page_separates_upcoming_past_and_undated(client):
    hub = make_hub(slug="europe")
    past = make_meeting(hub=hub, start_date=datetime.date(2017, 10, 6))
    upcoming = make_meeting(hub=hub, start_date=TODAY + datetime.timedelta(days=3))
    undated = make_meeting(hub=hub, year=None)
    make_meeting(hub=make_hub())  # another HUB's
    response = client.get("/en/hubs/europe/")
    assert list(response.context["upcoming"]) == [upcoming]
    assert list(response.context["past"]) == [past]
    assert list(response.context["undated"]) == [undated]


def test_meeting_page_shows_programme_as_timeline(client):
    organisation = make_organisation(name_en="urbaMonde", slug="urbamonde")
    meeting = make_meeting(
        name_en="Asian Regional Meeting",
        start_date=datetime.date(2019, 10, 8),
        end_date=datetime.date(2019, 10, 9),
        time_zone="Asia/Bangkok",
    )
    make_session(
        meeting, day=datetime.date(2019, 10, 9), start_time=datetime.time(14), end_time=None, title="Planning workshop"
    )
    make_session(
        meeting,
        title="Peer visit to Bang Bua canal",
        speakers="Somsook Boonyabancha\nRose Molokoane",
        organisations=[organisation],
    )
    meeting.organisers.add(organisation)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert text.count('<ol class="timeline"') == 2
    assert text.index("Peer visit to Bang Bua canal") < text.index("Planning workshop")
    assert "Somsook Boonyabancha, Rose Molokoane" in text
    assert '<time datetime="2019-10-08T09:30">' in text
    assert "Times are local (Asia/Bangkok)." in text
    assert 'id="meeting-map"' in text and 'data-lat="46.204000"' in text
    assert "/meetings/" + meeting.slug + ".ics" in text


def test_meeting_page_with_unknown_dates_and_no_programme_reads_well(client):
    meeting = make_meeting(year=None, lon=None, city="", country="", description_en="")
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    assert "The dates are not known." in response.text
    assert "programme-heading" not in response.text
    assert 'id="meeting-map"' not in response.text
    assert f"/meetings/{meeting.slug}.ics" not in response.text
    assert "None" not in response.text


def test_year_only_meeting_page_says_the_year_only(client):
    meeting = make_meeting(year=2017, name_en="Latin American HUB 2017")
    response = client.get(meeting.get_absolute_url())
    assert '<time datetime="2017">2017</time>' in response.text
    assert "the exact days are not known" in response.text


def test_meeting_page_lists_only_public_visited_projects(client):
    visible = make_project(name_en="Bang Bua canal")
    draft = make_project(name_en="Secret draft", status=Status.DRAFT)
    meeting = make_meeting()
    meeting.visited_projects.set([visible, draft])
    response = client.get(meeting.get_absolute_url())
    assert visible.get_absolute_url() in response.text
    assert "Secret draft" not in response.text


def test_project_page_lists_meetings_that_visited_it(client):
    project = make_project()
    meeting = make_meeting(name_en="Asian Regional Meeting")
    meeting.visited_projects.add(project)
    response = client.get(project.get_absolute_url())
    assert "Visited during" in response.text
    assert meeting.get_absolute_url() in response.text


def test_project_page_query_count_does_not_grow_with_meetings(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    project = make_project()

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(project.get_absolute_url()).status_code == 200
        return len(context)

    make_meeting().visited_projects.add(project)
    few = queries()
    for _ in range(5):
        make_meeting().visited_projects.add(project)
    assert queries() == few


def test_conference_pages_list_years_and_global_events(client):
    make_meeting(
        hub=None, kind=Meeting.Kind.CONFERENCE, name_en="Annual meeting 2018", start_date=datetime.date(2018, 6, 11)
    )
    make_meeting(hub=None, kind=Meeting.Kind.FORUM, name_en="SPH Forum", start_date=datetime.date(2014, 10, 2))
    make_meeting(hub=make_hub(), name_en="Regional 2018", start_date=datetime.date(2018, 3, 1))
    response = client.get("/en/conference/")
    assert response.context["years"] == [2018, 2014]
    response = client.get("/en/conference/2018/")
    assert [m.name for m in response.context["meetings"]] == ["Annual meeting 2018"]
    assert "Regional 2018" not in response.text


@pytest.mark.parametrize(
    "url",
    ["/en/hubs/nowhere/", "/en/meetings/nothing/", "/en/conference/1999/", "/meetings/nothing.ics"],
)
def test_unknown_things_are_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/en/hubs/", "/en/conference/2019/", "/en/hubs/region/"])
def test_list_pages_use_a_constant_number_of_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    hub = make_hub(slug="region")

    def add_meetings(n):
        for _ in range(n):
            meeting = make_meeting(hub=hub, start_date=datetime.date(2019, 5, 1))
            meeting.organisers.add(make_organisation())
            make_meeting(hub=None, kind=Meeting.Kind.CONFERENCE, start_date=datetime.date(2019, 6, 1))

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    add_meetings(1)
    few = queries()
    add_meetings(5)
    assert queries() == few


def test_pages_are_translated_in_french(client):
    meeting = make_meeting(name_en="HUB meeting", name_fr="Rencontre du HUB")
    response = client.get(f"/fr/meetings/{meeting.slug}/")
    assert "Rencontre du HUB" in response.text
    assert response.headers["Content-Language"] == "fr"
