"""Visitors' pages and map answers come from the cache, and a change to the directory is seen
on the next visit: published, renamed, archived, an organisation reviewed."""

import json
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import ProjectActor, Status
from tests.factories import make_moderator, make_organisation, make_project, make_user

# Changes reach the cache when their transaction commits: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

MAP = "/projects/map.json?bbox=-180,-90,180,90&zoom=2"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def names_on_map(client):
    data = json.loads(client.get(MAP).content)
    return data["total"]


def test_a_visitor_s_second_visit_is_answered_from_the_cache(client, django_assert_num_queries):
    make_project(name_en="Kalkbreite")
    for path in ("/en/", "/en/projects/", MAP, "/en/organisations/", "/en/stats/"):
        first = client.get(path)
        assert first.status_code == 200
        with django_assert_num_queries(0):
            second = client.get(path)
        assert second.status_code == 200
        assert second.content == first.content or "nonce" in first.content.decode()
        assert "Cookie" in second["Vary"]


def test_publishing_shows_the_project_on_every_cached_page(client):
    moderator = make_moderator()
    project = make_project(name_en="Kalkbreite", status=Status.SUBMITTED)
    assert "Kalkbreite" not in client.get("/en/projects/").text
    assert "Kalkbreite" not in client.get("/en/").text
    assert names_on_map(client) == 0

    project.publish(by=moderator)

    assert "Kalkbreite" in client.get("/en/projects/").text
    assert "Kalkbreite" in client.get("/en/").text
    assert names_on_map(client) == 1
    assert client.get(f"/en/projects/{project.slug}/").status_code == 200


def test_a_change_to_a_published_project_is_seen_on_its_page(client):
    project = make_project(name_en="Kalkbreite")
    assert "Kalkbreite" in client.get(f"/en/projects/{project.slug}/").text

    project.name_en = "Kalkbreite Zürich"
    project.save()

    assert "Kalkbreite Zürich" in client.get(f"/en/projects/{project.slug}/").text
    assert "Kalkbreite Zürich" in client.get("/en/projects/").text


def test_archiving_takes_the_project_off_every_cached_page(client):
    project = make_project(name_en="Kalkbreite")
    assert "Kalkbreite" in client.get("/en/projects/").text
    assert names_on_map(client) == 1

    project.archive(by=make_moderator())

    assert "Kalkbreite" not in client.get("/en/projects/").text
    assert names_on_map(client) == 0
    assert client.get(f"/en/projects/{project.slug}/").status_code in (302, 404)


def test_an_organisation_reviewed_by_staff_appears_in_the_cached_list(client):
    organisation = make_organisation(name_en="Urbamonde", reviewed=False)
    assert "Urbamonde" not in client.get("/en/organisations/").text

    organisation.reviewed = True
    organisation.save()

    assert "Urbamonde" in client.get("/en/organisations/").text


def test_signed_in_people_neither_read_nor_fill_the_visitors_cache(client):
    editor = make_user()
    project = make_project(name_en="Kalkbreite")
    project.editors.add(editor)
    edit_link = f"/en/projects/{project.slug}/edit/"
    assert edit_link not in client.get(f"/en/projects/{project.slug}/").text

    client.force_login(editor)
    assert edit_link in client.get(f"/en/projects/{project.slug}/").text
    client.logout()
    client.cookies.clear()

    assert edit_link not in client.get(f"/en/projects/{project.slug}/").text


def test_each_answer_has_its_own_nonce_matching_its_header(client):
    project = make_project(name_en="Kalkbreite")
    nonces = []
    for _ in range(3):
        response = client.get(f"/en/projects/{project.slug}/")
        in_header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        in_page = set(re.findall(r'nonce="([^"]+)"', response.text))
        assert in_page == {in_header}
        nonces.append(in_header)
    assert len(set(nonces)) == 3


def test_a_page_with_a_message_for_this_visitor_is_not_kept(client, settings):
    project = make_project(name_en="Kalkbreite", contact_email="group@example.org")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    response = client.post(
        f"/en/projects/{project.slug}/contact/",
        {"name": "Vera", "email": "vera@example.net", "message": "Can we visit in May?"},
        follow=True,
    )
    thanks = "your message is on its way to the group"
    assert thanks in response.text
    # The next visitor does not see the first one's notice.
    client.cookies.clear()
    assert thanks not in client.get(f"/en/projects/{project.slug}/").text


def test_with_a_replica_a_page_read_right_after_a_change_is_not_kept(client, settings):
    # The replica may lag behind the change for a moment: what it answered then is not kept.
    settings.DATABASE_REPLICA_URL = "postgis://habitat@replica.example.org/habitat"
    settings.DATABASE_REPLICA_PIN_SECONDS = 3600
    project = make_project(name_en="Kalkbreite")
    client.get(f"/en/projects/{project.slug}/")
    assert not [key for key in caches["pages"]._cache if ":page:" in key]
    settings.DATABASE_REPLICA_PIN_SECONDS = 0
    client.get(f"/en/projects/{project.slug}/")
    assert [key for key in caches["pages"]._cache if ":page:" in key]


def test_an_editor_s_save_of_a_draft_keeps_the_visitors_cache(client, django_assert_num_queries):
    make_project(name_en="Kalkbreite")
    draft = make_project(name_en="Not yet public", status=Status.DRAFT)
    client.get("/en/projects/")

    draft.summary_en = "Saved again and again while the group writes."
    draft.save()

    with django_assert_num_queries(0):
        client.get("/en/projects/")


def queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in queries]


def test_the_filters_choices_are_remembered_until_the_directory_changes(client, settings):
    settings.PAGE_CACHE_SECONDS = 0  # pages computed each time: only the choices are kept
    moderator = make_moderator()
    make_project(country="CH", organisations=[make_organisation()])
    brazil = make_project(country="BR", status=Status.SUBMITTED)
    settings.DIRECTORY_CACHE_SECONDS = 0
    computed = queries_of(client, "/en/projects/")
    settings.DIRECTORY_CACHE_SECONDS = 3600

    first = client.get("/en/projects/")
    assert 'value="CH"' in first.text and 'value="BR"' not in first.text
    remembered = queries_of(client, "/en/projects/")
    # The countries are remembered; the organisations are read from their kept counts.
    assert len(remembered) == len(computed) - 1
    assert not any("DISTINCT" in sql for sql in remembered)
    assert not any("projects_projectactor" in sql for sql in computed)

    brazil.publish(by=moderator)
    ProjectActor.objects.create(project=brazil, organisation=make_organisation(slug="in-brazil"))

    page = client.get("/en/projects/").text
    assert 'value="BR"' in page
    assert 'value="in-brazil"' in page
