"""A hidden location never leaks: every public output is read after creating what could leak.

When a new public output is added (feed, export, API), add its URL to PUBLIC_OUTPUTS.
"""

import re

import pytest

from awards.models import Award, Edition, Nomination
from projects.models import LocationPrecision, Programme, SupportAction
from tests.factories import make_organisation, make_project

pytestmark = pytest.mark.django_db

EXACT_LON, EXACT_LAT = 36.8219417, -1.2920659
SECRET_ADDRESS = "Plot 42, Riverside Lane"
SECRET_EMAIL = "hidden-group@example.org"


def leaks(content):
    """The exact point at any precision finer than the ~1 km cell, the address, the e-mail."""
    text = content.decode()
    found = []
    for pattern in [r"36\.821", r"36\.822", r"-1\.292", r"1\.2920", SECRET_ADDRESS, SECRET_EMAIL, "hidden-group"]:
        if re.search(pattern, text):
            found.append(pattern)
    return found


@pytest.fixture
def hidden_project():
    organisation = make_organisation(name_en="Muungano", slug="muungano")
    project = make_project(
        name_en="Settlement facing eviction",
        summary_en="A group that asked to hide where it lives.",
        lon=EXACT_LON,
        lat=EXACT_LAT,
        location_precision=LocationPrecision.APPROXIMATE,
        address=SECRET_ADDRESS,
        contact_email=SECRET_EMAIL,
        city="Nairobi",
        country="KE",
        organisations=[organisation],
    )
    # Award pages link the projects they name.
    award = Award.objects.create(name_en="World Habitat Awards", slug="world-habitat-awards")
    edition = Edition.objects.create(award=award, year=2019)
    Nomination.objects.create(edition=edition, project=project, project_name=project.name_en, result="winner")
    return project


def programme_supporting(project):
    """A programme whose action names the project: its page and map must not leak either."""
    programme = Programme.objects.create(slug="support-programme", name_en="Support programme")
    SupportAction.objects.create(programme=programme, project=project, title_en="Feasibility study", city="Nairobi")
    return programme


def public_outputs(project):
    urls = [
        "/en/",
        "/fr/",
        "/en/projects/",
        "/en/projects/?q=eviction",
        "/en/projects/?country=KE&sort=name",
        project.get_absolute_url(),
        f"/es/projects/{project.slug}/",
        f"/en/projects/{project.slug}/contact/",
        f"/en/projects/{project.slug}/report/",
        "/en/organisations/",
        "/en/organisations/muungano/",
        "/en/hubs/",
        "/meetings/calendar.ics",
        "/en/awards/",
        "/en/awards/world-habitat-awards/",
        "/en/awards/world-habitat-awards/2019/",
        "/en/projects/?award=any",
        "/sitemap.xml",
        "/en/stats/",
        "/en/programmes/",
        f"/en/programmes/{programme_supporting(project).slug}/",
        "/en/projects/?programme=support-programme",
        "/projects/map.json?programme=support-programme&bbox=-180,-85,180,85&zoom=18",
    ]
    urls += [f"/projects/map.json?bbox=-180,-85,180,85&zoom={zoom}" for zoom in range(0, 19)]
    urls += [f"/projects/map.json?bbox=36.7,-1.4,36.9,-1.2&zoom={zoom}" for zoom in range(10, 19)]
    return urls


def test_no_public_output_reveals_a_hidden_location(client, hidden_project):
    assert hidden_project.location.coords == (EXACT_LON, EXACT_LAT)
    for url in public_outputs(hidden_project):
        response = client.get(url)
        assert response.status_code == 200, url
        assert leaks(response.content) == [], url


def test_public_point_is_stable_so_repeated_answers_cannot_be_averaged(client, hidden_project):
    answers = {client.get("/projects/map.json?bbox=36.7,-1.4,36.9,-1.2&zoom=18").content for _ in range(3)}
    assert len(answers) == 1


def test_moving_a_hidden_project_within_its_cell_changes_nothing_public(client, hidden_project):
    before = client.get("/projects/map.json?zoom=18&bbox=36.7,-1.4,36.9,-1.2").content
    hidden_project.location.x = EXACT_LON + 0.002
    hidden_project.save()
    assert client.get("/projects/map.json?zoom=18&bbox=36.7,-1.4,36.9,-1.2").content == before


def test_changing_precision_to_exact_publishes_the_point_and_back_hides_it(client, hidden_project):
    hidden_project.location_precision = LocationPrecision.EXACT
    hidden_project.save(update_fields=["location_precision"])
    hidden_project.refresh_from_db()
    assert hidden_project.public_location.coords == (EXACT_LON, EXACT_LAT)
    hidden_project.location_precision = LocationPrecision.APPROXIMATE
    hidden_project.save(update_fields=["location_precision"])
    hidden_project.refresh_from_db()
    assert hidden_project.public_location.coords != (EXACT_LON, EXACT_LAT)
