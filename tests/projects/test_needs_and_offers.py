"""A group says what it needs (land, finance, technical support, volunteers) and what it
offers other groups (visits, its experience, training); its page says so, and the directory
and its map filter by them."""

import pytest

from projects.models import Need, Offer, Project
from tests.factories import make_project
from tests.projects.support import login

pytestmark = pytest.mark.django_db


def test_the_group_says_what_it_needs_and_offers_in_its_facts(client, editor, draft):
    response = login(client, editor).post(
        f"/en/projects/{draft.slug}/edit/facts/",
        {
            "stage": "forming_group",
            "needs": ["land", "finance"],
            "offers": ["visits"],
            "project-version": draft.version,
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.needs, draft.offers) == ([Need.LAND, Need.FINANCE], [Offer.VISITS])


def test_an_unknown_need_is_refused_with_a_message_and_the_rest_kept(client, editor, draft):
    response = login(client, editor).post(
        f"/en/projects/{draft.slug}/edit/facts/",
        {"stage": "planning", "needs": ["land", "a castle"], "dwellings": "12", "project-version": draft.version},
    )
    assert response.status_code == 200
    assert "needs" in response.context["form"].errors
    assert 'value="12"' in response.text
    draft.refresh_from_db()
    assert draft.needs == []


def test_the_page_says_what_the_group_needs_and_offers_in_each_language(client):
    project = make_project(needs=[Need.LAND, Need.VOLUNTEERS], offers=[Offer.TRAINING])
    page = " ".join(client.get(project.get_absolute_url()).content.decode().split())
    assert "<dt>The group needs</dt><dd>Land, volunteers</dd>" in page
    assert "<dt>The group offers</dt><dd>Training</dd>" in page
    page = " ".join(client.get(f"/es/projects/{project.slug}/").content.decode().split())
    assert "<dt>El grupo necesita</dt><dd>Terreno, voluntarios</dd>" in page


def test_the_list_and_its_map_filter_by_needs_and_offers(client):
    land = make_project(name_en="Needs land", needs=[Need.LAND], lon=2.35, lat=48.85)
    both = make_project(
        name_en="Needs land, offers visits", needs=[Need.LAND], offers=[Offer.VISITS], lon=-3.7, lat=40.4
    )
    make_project(name_en="Offers training", offers=[Offer.TRAINING], lon=-56.2, lat=-34.9)
    make_project(name_en="Says nothing")

    def listed(**params):
        context = client.get("/en/projects/", params).context
        return sorted(project.name for project in context["page_obj"])

    def mapped(**params):
        answer = client.get("/projects/map.json", {"bbox": "-180,-85,180,85", "zoom": 12, **params}).json()
        return sorted(feature["properties"]["name"] for feature in answer["features"])

    assert listed(needs="land") == mapped(needs="land") == ["Needs land", "Needs land, offers visits"]
    assert (
        listed(offers=["visits", "training"])
        == mapped(offers=["visits", "training"])
        == [
            "Needs land, offers visits",
            "Offers training",
        ]
    )
    assert listed(needs="land", offers="visits") == [both.name]
    assert set(Project.objects.needing(Need.LAND)) == {land, both}
    # A value that is not one is said, not a 500.
    response = client.get("/en/projects/", {"needs": "a castle"})
    assert response.status_code == 200 and "Some filters are not valid" in response.text
    assert client.get("/projects/map.json", {"bbox": "-180,-85,180,85", "zoom": 2, "needs": "x"}).status_code == 400
