"""A signed-in user follows a project, an organisation or a HUB from its page and reads their
news on /my/ (subscriptions.follows)."""

import datetime

import pytest
from django.utils import timezone

from projects.models import ModerationEvent, Status
from subscriptions.models import Follow
from tests.factories import make_moderator, make_organisation, make_project, make_user
from tests.factories.hubs import make_hub, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosa(client):
    user = make_user(email="rosa@example.org", display_name="Rosa")
    client.force_login(user)
    return user


def follow(client, kind, slug, action="follow", **extra):
    return client.post("/en/subscriptions/follow/", {"target": kind, "slug": slug, "action": action, **extra})


def test_a_visitor_is_asked_to_sign_in_first(client):
    project = make_project()
    page = client.get(project.get_absolute_url()).content.decode()
    assert f'href="/en/accounts/login/?next={project.get_absolute_url()}"' in page.replace("%2F", "/")
    response = follow(client, "project", project.slug)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")
    assert not Follow.objects.exists()


def test_following_a_project_from_its_page(client, rosa):
    project = make_project(name_en="Kalkbreite")
    response = follow(client, "project", project.slug, next=project.get_absolute_url())
    assert response["Location"] == project.get_absolute_url()
    assert list(Follow.objects.values_list("user", "project")) == [(rosa.pk, project.pk)]
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Stop following" in page
    # Following twice keeps one follow.
    follow(client, "project", project.slug)
    assert Follow.objects.count() == 1


def test_stopping_to_follow(client, rosa):
    hub = make_hub(name_en="Europe")
    follow(client, "hub", hub.slug)
    follow(client, "hub", hub.slug, action="unfollow")
    assert not Follow.objects.exists()
    assert ">Follow</button>" in client.get(hub.get_absolute_url()).content.decode()


def test_drafts_and_unknown_things_cannot_be_followed(client, rosa):
    draft = make_project(status=Status.DRAFT, published_at=None)
    assert follow(client, "project", draft.slug).status_code == 404
    assert follow(client, "project", "nothing-here").status_code == 404
    assert follow(client, "user", "rosa").status_code == 404
    assert not Follow.objects.exists()


def test_a_follow_never_leads_off_the_site(client, rosa):
    organisation = make_organisation(name_en="urbaMonde", slug="urbamonde")
    response = follow(client, "organisation", organisation.slug, next="https://evil.example.com/")
    assert response["Location"] == organisation.get_absolute_url()


def test_my_page_shows_the_news_of_what_i_follow(client, rosa):
    project = make_project(name_en="Kalkbreite")
    ModerationEvent.objects.create(
        project=project, actor=make_moderator(), action=ModerationEvent.Action.CHANGE_PUBLISHED
    )
    organisation = make_organisation(name_en="FUCVAM", slug="fucvam")
    make_project(name_en="COVIAMUCI", organisations=[organisation], country="UY", lon=-56.2, lat=-34.9)
    make_project(name_en="Not of this organisation")
    hub = make_hub(name_en="Latin America")
    next_year = timezone.now().date().year + 1
    make_meeting(hub=hub, name_en="Latin American HUB in Montevideo", start_date=datetime.date(next_year, 10, 5))
    make_meeting(name_en="A meeting of another HUB", start_date=datetime.date(next_year, 10, 5))
    for kind, slug in [("project", project.slug), ("organisation", "fucvam"), ("hub", hub.slug)]:
        follow(client, kind, slug)

    page = client.get("/en/my/").content.decode()

    assert "What you follow" in page
    assert "Kalkbreite</a>: Its page was updated" in page
    assert "COVIAMUCI</a>: A new project of an organisation you follow" in page
    assert (
        f"Latin American HUB in Montevideo</a>: A coming meeting (Oct. 5, {next_year} to Oct. 6, {next_year})" in page
    )
    assert "Not of this organisation" not in page
    assert "A meeting of another HUB" not in page


def test_the_news_never_names_a_project_that_is_not_public(client, rosa):
    organisation = make_organisation(name_en="FUCVAM", slug="fucvam")
    make_project(name_en="A draft of FUCVAM", organisations=[organisation], status=Status.DRAFT, published_at=None)
    follow(client, "organisation", "fucvam")
    assert "A draft of FUCVAM" not in client.get("/en/my/").content.decode()


def test_my_page_queries_do_not_grow_with_what_i_follow(client, rosa, django_assert_max_num_queries):
    def follow_more(n):
        for _ in range(n):
            organisation = make_organisation()
            make_project(organisations=[organisation])
            project = make_project()
            ModerationEvent.objects.create(project=project, action=ModerationEvent.Action.PUBLISHED)
            hub = make_hub()
            make_meeting(hub=hub, start_date=datetime.date(timezone.now().year + 1, 1, 10))
            for kind, slug in [("project", project.slug), ("organisation", organisation.slug), ("hub", hub.slug)]:
                follow(client, kind, slug)

    follow_more(1)
    client.get("/en/my/")
    with django_assert_max_num_queries(100) as one:
        client.get("/en/my/")
    with_one_of_each = len(one)
    follow_more(3)
    with django_assert_max_num_queries(with_one_of_each):
        page = client.get("/en/my/")
    assert page.content.decode().count('class="link-button">Stop following') == 12


def test_following_ends_with_the_account(client, rosa):
    follow(client, "project", make_project().slug)
    rosa.delete()
    assert not Follow.objects.exists()


@pytest.mark.parametrize("slug", ["kalk\x00breite", "a" * 500, "../kalkbreite", ""])
def test_a_slug_that_cannot_be_one_is_not_found(client, rosa, slug):
    assert follow(client, "project", slug).status_code == 404
