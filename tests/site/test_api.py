"""The read-only API (/api/v1/): what each resource answers, its cursor pages, its limits, its
headers for other sites, and every operation against its own OpenAPI description
(schemathesis)."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from habitat.urls import api
from habitat.wsgi import application
from projects.models import Status
from tests.factories import make_hidden_project, make_moderator, make_organisation, make_project
from tests.factories.awards import make_edition, make_nomination
from tests.factories.hubs import make_meeting

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def fresh_throttle():
    # The throttle counts in the default cache (the database), which tests roll back; the
    # memory of earlier tests' requests must not carry over.
    cache.clear()


def test_projects_are_their_public_representation_and_keep_hidden_places_hidden(client):
    make_project(name_en="Kalkbreite", contact_email="secret@example.org", dwellings=97)
    make_hidden_project(name_en="Riverside")
    make_project(name_en="A draft", status=Status.DRAFT)

    response = client.get(f"{API}/projects/")

    assert response.status_code == 200 and response["Content-Type"] == "application/json; charset=utf-8"
    projects = response.json()["results"]
    assert [project["name"] for project in projects] == ["Kalkbreite", "Riverside"]
    assert projects[0]["dwellings"] == 97 and projects[0]["url"].startswith("http://testserver/en/projects/")
    hidden = projects[1]
    assert hidden["address"] == "" and hidden["point"] == {"latitude": -1.295, "longitude": 36.825, "approximate": True}
    assert "secret@example.org" not in response.text and "Riverside Lane" not in response.text


def test_projects_take_the_lists_filters_and_say_which_is_wrong(client):
    make_project(name_en="Kalkbreite", country="CH")
    make_project(name_en="Ouakam", country="SN")

    assert [p["name"] for p in client.get(f"{API}/projects/", {"country": "SN"}).json()["results"]] == ["Ouakam"]
    assert [p["name"] for p in client.get(f"{API}/projects/", {"q": "kalkbreite"}).json()["results"]] == ["Kalkbreite"]
    # A country with no project is no choice of the list's filter: said, in the reader's language.
    wrong = client.get(f"{API}/projects/", {"country": "BR"}, headers={"accept-language": "fr"})
    assert wrong.status_code == 400
    assert wrong.json()["detail"].startswith("Certains filtres ne sont pas valides.")
    assert "country" in wrong.json()["detail"]
    # A stage that no project can have is refused against the description itself.
    assert client.get(f"{API}/projects/", {"stage": "nonsense"}).status_code == 422


def test_cursor_pages_walk_every_project_once_and_stop(client):
    made = [make_project().pk for _ in range(5)]
    seen, url = [], f"{API}/projects/?limit=2"
    while url:
        page = client.get(url).json()
        seen += [project["id"] for project in page["results"]]
        url = page["next"]
    assert seen == made

    assert client.get(f"{API}/projects/", {"cursor": "not-ours"}).status_code == 400
    assert client.get(f"{API}/projects/", {"limit": 0}).status_code == 400
    assert client.get(f"{API}/projects/", {"limit": "many"}).status_code == 422


@pytest.mark.parametrize("resource", ["projects", "organisations", "meetings", "awards", "programmes"])
def test_a_parameter_given_twice_is_refused_rather_than_guessed(client, resource):
    make_project()
    answer = client.get(f"{API}/{resource}/?limit=5&limit=2.0&cursor=x")
    assert answer.status_code == 400
    assert answer.json() == {"detail": "Give each parameter once: limit."}
    assert client.get(f"{API}/{resource}/?limit=2").status_code == 200


def test_the_facets_take_several_values_like_the_list(client):
    make_project(name_en="Zona 3", country="UY", housing_models=["mutual_aid_cooperative"])
    make_project(name_en="Dakar", country="SN", housing_models=["self_build"], stage="planning")
    make_project(name_en="Kalkbreite", country="CH", housing_models=["cooperative"])

    def names(query):
        answer = client.get(f"{API}/projects/?{query}")
        assert answer.status_code == 200, answer.content
        return sorted(project["name"] for project in answer.json()["results"])

    assert names("country=UY&country=SN") == ["Dakar", "Zona 3"]
    assert names("housing_model=self_build&housing_model=cooperative") == ["Dakar", "Kalkbreite"]
    assert names("stage=planning&stage=inhabited&country=CH&country=SN") == ["Dakar", "Kalkbreite"]
    # A list, then: given twice, it is not refused; anything else still is.
    answer = client.get(f"{API}/projects/?country=UY&country=SN&limit=1&limit=2")
    assert answer.json() == {"detail": "Give each parameter once: limit."}
    assert client.get(f"{API}/projects/?stage=planning&stage=nonsense").status_code == 422


def test_a_merged_project_leads_for_good_to_the_one_kept(client):
    kept = make_project(name_en="Kalkbreite")
    duplicate = make_project(name_en="Kalkbreite (again)")
    duplicate.merge_into(kept, by=make_moderator())

    response = client.get(f"{API}/projects/{duplicate.pk}")
    assert response.status_code == 301 and response["Location"] == f"{API}/projects/{kept.pk}"
    assert client.get(f"{API}/projects/{kept.pk}").json()["name"] == "Kalkbreite"
    assert client.get(f"{API}/projects/999999").status_code == 404


def test_organisations_meetings_awards_and_programmes(client):
    reviewed = make_organisation(name_en="Muungano", slug="muungano")
    make_organisation(name_en="Not reviewed", slug="unreviewed", reviewed=False)
    meeting = make_meeting(name_en="Latin America HUB", city="Montevideo", country="UY")
    hidden = make_project(name_en="Hidden", status=Status.DRAFT)
    edition = make_edition(year=2017)
    make_nomination(edition=edition, project=hidden, project_name="", result="winner")
    make_nomination(edition=edition, project=make_project(name_en="Kalkbreite"), result="winner")

    assert [o["slug"] for o in client.get(f"{API}/organisations/").json()["results"]] == ["muungano"]
    assert client.get(f"{API}/organisations/unreviewed").status_code == 404
    assert client.get(f"{API}/organisations/{reviewed.slug}").json()["name"] == "Muungano"
    found = client.get(f"{API}/meetings/{meeting.slug}").json()
    assert found["city"] == "Montevideo" and found["country"] == "UY"
    (award,) = client.get(f"{API}/awards/").json()["results"]
    names = [n["project_name"] for n in award["editions"][0]["nominations"]]
    assert names == ["Kalkbreite"]  # the draft's nomination has no public name: left out
    assert client.get(f"{API}/programmes/").json() == {"results": [], "next": None}


def test_other_sites_scripts_may_read_the_api_and_the_exports_but_not_the_pages(client):
    origin = {"origin": "https://partner.example"}
    for path in (f"{API}/projects/", "/projects/export.csv", "/projects/map.json"):
        response = client.get(path, headers=origin)
        assert response["Access-Control-Allow-Origin"] == "*", path
        assert "Access-Control-Allow-Credentials" not in response
    assert "Access-Control-Allow-Origin" not in client.get("/en/projects/", headers=origin)


def test_too_many_requests_from_one_client_are_refused(client, monkeypatch):
    throttle = api.throttle[0]
    monkeypatch.setattr(throttle, "num_requests", 3)
    for _ in range(3):
        assert client.get(f"{API}/programmes/").status_code == 200
    refused = client.get(f"{API}/programmes/")
    assert refused.status_code == 429


def test_the_openapi_description_is_openapi_3_and_names_every_resource(client):
    description = client.get(f"{API}/openapi.json").json()
    assert description["openapi"].startswith("3.")
    paths = set(description["paths"])
    for resource in ("projects", "organisations", "meetings", "awards", "programmes"):
        assert f"{API}/{resource}/" in paths
    docs = client.get(f"{API}/docs")
    assert docs.status_code == 200 and "/api/v1/openapi.json" in docs.text


# --- Every operation against its description ---------------------------------------------------

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix=API))
SCHEMA.app = application


@pytest.fixture
def api_world():
    # Schemathesis calls the WSGI application itself, which closes the database connection
    # after each request; Django's test client keeps it open for the test's transaction, and
    # so must this.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    make_project(name_en="Kalkbreite", organisations=[make_organisation(slug="muungano")])
    make_meeting(slug="latin-america-hub-2019")
    make_nomination(edition=make_edition(year=2017), project=make_project(name_en="Ouakam"))
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@SCHEMA.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_every_operation_answers_as_its_description_says(case, api_world):
    cache.clear()
    # Which values a filter takes depends on the directory (a country with projects, the slug of
    # an organisation, a cursor the API gave): the others get a documented 400, which
    # schemathesis's "valid request accepted" check cannot know. Every other check runs.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def test_an_address_with_a_nul_byte_gets_a_json_400_from_the_api(client):
    response = client.get(f"{API}/projects/?q=a%00b", headers={"accept-language": "es"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Esta dirección contiene caracteres que ninguna dirección de este sitio usa."}
