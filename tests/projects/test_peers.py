"""Groups find their peers: a project's page shows projects like it (the same stage and a
housing model in common, in any country, nearest first) and the projects near it, measured
between public points only."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import HousingModel, LocationPrecision, Project, Stage, Status
from tests.factories import make_hidden_project, make_project

pytestmark = pytest.mark.django_db

COOP, CLT = HousingModel.COOPERATIVE, HousingModel.COMMUNITY_LAND_TRUST


def names(projects):
    return [project.name for project in projects]


@pytest.fixture
def oslo():
    """A co-operative at 60° north, where a degree east is half a degree north's length."""
    return make_project(name_en="Oslo", lon=10.75, lat=59.91, city="Oslo", country="NO", housing_models=[COOP])


def test_peers_share_the_stage_and_a_housing_model_nearest_first_on_the_sphere(oslo):
    # 2° east is 111 km here; 1.5° north is 167 km: nearer in degrees, further on the sphere.
    make_project(name_en="East", lon=12.75, lat=59.91, country="SE", housing_models=[COOP, CLT])
    make_project(name_en="North", lon=10.75, lat=61.41, country="NO", housing_models=[COOP])
    make_project(name_en="Far", lon=-56.2, lat=-34.9, country="UY", housing_models=[COOP])
    make_project(name_en="Other model", lon=10.8, lat=59.9, country="NO", housing_models=[CLT])
    make_project(name_en="Other stage", lon=10.8, lat=59.9, country="NO", housing_models=[COOP], stage=Stage.IDEA)
    make_project(name_en="Draft", lon=10.8, lat=59.9, country="NO", housing_models=[COOP], status=Status.DRAFT)

    peers = list(Project.objects.peers_of(oslo))
    assert names(peers) == ["East", "North", "Far"]
    assert [round(peer.distance_km) for peer in peers[:2]] == [111, 167]


def test_a_project_with_no_housing_model_has_the_projects_of_its_stage_as_peers(oslo):
    lone = make_project(name_en="Lone", lon=11, lat=60, housing_models=[])
    assert names(Project.objects.peers_of(lone)) == ["Oslo"]


def test_near_means_within_a_hundred_kilometres_whatever_the_project(oslo):
    make_project(name_en="Drammen", lon=10.2, lat=59.74, housing_models=[CLT], stage=Stage.IDEA)
    make_project(name_en="Bergen", lon=5.32, lat=60.39)
    assert names(Project.objects.near(oslo)) == ["Drammen"]
    assert round(Project.objects.near(oslo).get().distance_km) == 36


def test_a_hidden_group_is_measured_from_its_public_point_alone():
    hidden = make_hidden_project(housing_models=[COOP])
    seen_from = make_project(
        name_en="Next door", lon=36.83, lat=-1.29, city="Nairobi", country="KE", housing_models=[COOP]
    )
    (found,) = Project.objects.near(seen_from)
    assert found == hidden
    assert hidden.location_precision == LocationPrecision.APPROXIMATE
    hidden.refresh_from_db()
    public = hidden.public_location
    assert public.distance(hidden.location) > 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_DistanceSphere(%s::geometry, %s::geometry)", [public.ewkt, seen_from.public_location.ewkt]
        )
        (metres,) = cursor.fetchone()
    assert found.distance_km * 1000 == pytest.approx(metres)
    # And it finds its own peers from there too.
    assert Project.objects.peers_of(hidden).get() == seen_from


def list_after(content, heading_id):
    """The items of the first list after the heading ``heading_id``: (text, links)."""
    text = content.decode()
    start = text.index(f'id="{heading_id}"')
    items = re.findall(r"<li>(.*?)</li>", text[start : text.index("</ul>", start)], re.S)
    return [(" ".join(re.sub(r"<[^>]+>", " ", item).split()), re.findall(r'href="([^"]+)"', item)) for item in items]


def test_the_project_page_lists_its_peers_and_the_projects_near_it(client, oslo):
    make_project(name_en="Drammen", lon=10.2, lat=59.74, city="Drammen", country="NO", housing_models=[COOP])
    make_project(name_en="Montevideo", lon=-56.2, lat=-34.9, country="UY", city="Montevideo", housing_models=[COOP])
    content = client.get(oslo.get_absolute_url()).content
    assert list_after(content, "peers-heading") == [
        ("Drammen Drammen, Norway · inhabited · about 36 km away", ["/en/projects/drammen/"]),
        ("Montevideo Montevideo, Uruguay · inhabited · about 12,177 km away", ["/en/projects/montevideo/"]),
    ]
    assert [links for _text, links in list_after(content, "near-heading")] == [["/en/projects/drammen/"]]


def test_in_french_and_spanish_too(client, oslo):
    make_project(name_en="Drammen", lon=10.2, lat=59.74, country="NO", housing_models=[COOP])
    text = " ".join(client.get(f"/fr/projects/{oslo.slug}/").content.decode().split())
    assert "Projets semblables" in text and "à environ 36 km" in text
    text = " ".join(client.get(f"/es/projects/{oslo.slug}/").content.decode().split())
    assert "Proyectos parecidos" in text and "a unos 36 km" in text


def test_a_project_alone_shows_neither_list(client, oslo):
    content = client.get(oslo.get_absolute_url()).content.decode()
    assert 'id="peers-heading"' not in content and 'id="near-heading"' not in content


def test_the_page_asks_as_many_queries_with_many_peers_as_with_none(client, oslo):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(oslo.get_absolute_url()).status_code == 200
        return len(captured)

    before = queries()
    for n in range(8):
        make_project(name_en=f"Peer {n}", lon=10.7 + n / 100, lat=59.9, country="NO", housing_models=[COOP])
    assert queries() == before
    assert len(re.findall("km away", client.get(oslo.get_absolute_url()).content.decode())) == 8
