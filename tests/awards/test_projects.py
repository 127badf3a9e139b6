"""What the awards add to the projects' own pages: the detail page and the list's filter."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_project
from tests.factories.awards import make_category, make_edition, make_nomination

pytestmark = pytest.mark.django_db

WORLD = {"bbox": "-180,-85,180,85", "zoom": "18"}


def test_project_page_lists_its_awards_with_links_to_the_year(client, award):
    project = make_project(name_en="Hastings Commons")
    edition = make_edition(award, year=2025)
    make_nomination(edition, project=project, project_name="Hastings Commons", level="gold")
    make_nomination(make_edition(award, year=2021), project=project, result="finalist", project_name="HC")
    html = client.get(project.get_absolute_url()).content.decode()
    assert '<h2 id="awards-heading">Awards</h2>' in html
    assert "Winner, World Habitat Awards 2025 (Gold)" in html
    assert "Finalist, World Habitat Awards 2021" in html
    assert 'href="/en/awards/world-habitat-awards/2025/"' in html
    assert html.index("2025 (Gold)") < html.index("Awards 2021")


def test_project_page_without_awards_has_no_awards_section(client):
    project = make_project()
    assert "awards-heading" not in client.get(project.get_absolute_url()).content.decode()


def test_project_page_queries_do_not_grow_with_awards(client, award):
    project = make_project()
    edition = make_edition(award, year=2020)
    make_nomination(edition, project=project)
    with CaptureQueriesContext(connection) as few:
        client.get(project.get_absolute_url())
    for year in (2021, 2022, 2023):
        other = make_edition(award, year=year)
        make_nomination(other, project=project, category=make_category(other))
    with CaptureQueriesContext(connection) as many:
        client.get(project.get_absolute_url())
    assert len(few.captured_queries) == len(many.captured_queries)


@pytest.fixture
def awarded_projects(award):
    edition = make_edition(award, year=2020)
    winner = make_project(name_en="Winner", lon=8.5, lat=47.4)
    finalist = make_project(name_en="Finalist", lon=2.3, lat=48.9)
    nominee = make_project(name_en="Nominee", lon=-0.1, lat=51.5)
    plain = make_project(name_en="Plain", lon=13.4, lat=52.5)
    make_nomination(edition, project=winner, project_name="Winner")
    make_nomination(edition, project=winner, project_name="Winner again", result="finalist")
    make_nomination(edition, project=finalist, project_name="Finalist", result="finalist")
    make_nomination(edition, project=nominee, project_name="Nominee", result="nominee")
    return {"winner": winner, "finalist": finalist, "nominee": nominee, "plain": plain}


def list_names(client, **params):
    response = client.get("/en/projects/", params)
    assert response.status_code == 200
    return sorted(project.name for project in response.context["page_obj"].object_list)


def map_names(client, **params):
    payload = client.get("/projects/map.json", {**WORLD, **params}).json()
    return sorted(feature["properties"]["name"] for feature in payload["features"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", ["Finalist", "Nominee", "Plain", "Winner"]), ("any", ["Finalist", "Winner"]), ("won", ["Winner"])],
)
def test_award_filter_gives_the_same_projects_on_the_list_and_the_map(client, awarded_projects, value, expected):
    assert list_names(client, award=value) == expected
    assert map_names(client, award=value) == expected


def test_award_filter_rejects_an_unknown_value(client, awarded_projects):
    response = client.get("/en/projects/", {"award": "maybe"})
    assert response.context["filter"].form.errors
