import datetime
import io

import pytest
from django.core.management import call_command

from habitat.models import Organisation
from hubs.models import Hub, Meeting

pytestmark = pytest.mark.django_db


def load():
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_meetings", stdout=io.StringIO())


def test_loader_loads_the_eighteen_meetings_once():
    load()
    load()
    assert Meeting.objects.count() == 18
    assert Hub.objects.count() == 5
    assert Organisation.objects.filter(slug="urbamonde").count() == 1


def test_global_events_have_no_hub():
    load()
    assert Meeting.objects.global_events().count() == 8
    assert set(Meeting.objects.global_events().values_list("kind", flat=True)) == {"conference", "forum"}


def test_year_only_meetings_get_no_invented_day():
    load()
    mexico = Meeting.objects.get(city="Mexico City")
    assert (mexico.start_date, mexico.end_date, mexico.year) == (None, None, 2017)
    assert mexico.time_zone == "America/Mexico_City"
    nairobi = Meeting.objects.get(city="Nairobi")
    assert (nairobi.start_date, nairobi.year) == (None, 2019)


def test_meeting_fields_come_from_the_csv():
    load()
    berlin = Meeting.objects.get(city="Berlin")
    assert (berlin.start_date, berlin.end_date) == (datetime.date(2017, 10, 6), datetime.date(2017, 10, 8))
    assert berlin.hub.slug == "europe"
    assert berlin.time_zone == "Europe/Berlin"
    assert berlin.source_urls()[0] == "https://www.urbamonde.org/en/european-collaborative-housing-award-2017"
    assert (berlin.location.x, berlin.location.y) == (13.405, 52.52)


def test_organisers_are_matched_to_known_organisations():
    load()
    penang = Meeting.objects.get(slug="2019-asian-regional-meeting-on-collective-housing-penang-leg-at-apuf-7")
    assert sorted(o.acronym or o.name for o in penang.organisers.all()) == ["ACHR", "urbaMonde"]
    wuf = Meeting.objects.get(city="Katowice")
    assert "BSHF" in {o.acronym for o in wuf.organisers.all()}
    assert not Organisation.objects.filter(name_en__startswith="projects selected").exists()


def test_north_american_hub_exists_without_meetings(client):
    load()
    hub = Hub.objects.get(slug="north-america")
    assert hub.meetings.count() == 0
    assert hub.description
    response = client.get("/en/hubs/north-america/")
    assert response.status_code == 200


def test_bangkok_meeting_links_the_visited_project(client):
    load()
    bangkok = Meeting.objects.get(city="Bangkok")
    project = bangkok.visited_projects.get()
    response = client.get(project.get_absolute_url())
    assert bangkok.get_absolute_url() in response.text
