import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Status
from tests.factories import make_moderator, make_project
from tests.factories.awards import make_award, make_category, make_edition, make_nomination

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_award_list_shows_awards_and_their_years(client, award):
    make_edition(award, year=2017, label="2016-17")
    make_edition(award, year=2017, label="2017")
    make_edition(award, year=2019)
    response = client.get("/en/awards/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "World Habitat Awards" in html
    assert html.count('href="/en/awards/world-habitat-awards/2017/"') == 1
    assert 'href="/en/awards/world-habitat-awards/2019/"' in html


def test_award_page_counts_results_per_edition(client, award):
    edition = make_edition(award, year=2024)
    make_nomination(edition, level="gold")
    make_nomination(edition, result="finalist")
    response = client.get("/en/awards/world-habitat-awards/")
    html = response.content.decode()
    assert "2 results" in html
    assert "1 winner" in html


def test_edition_page_lists_winners_first_and_links_only_public_projects(client, award):
    edition = make_edition(award, year=2016)
    public = make_project(name_en="Spreefeld")
    hidden = make_project(name_en="Secret draft", status=Status.DRAFT)
    make_nomination(edition, project_name="Hidden-linked result", project=hidden, result="finalist")
    make_nomination(edition, project_name="Spreefeld, Berlin", project=public, country="DE")
    make_nomination(edition, project_name="Liter of Light", country="PH", result="finalist")

    response = client.get("/en/awards/world-habitat-awards/2016/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="{public.get_absolute_url()}">Spreefeld, Berlin</a>, Germany' in html
    assert "Liter of Light</a>" not in html
    assert "Liter of Light, Philippines" in html
    assert "Hidden-linked result" in html
    assert hidden.slug not in html
    assert "Secret draft" not in html
    assert html.index("Spreefeld, Berlin") < html.index("Liter of Light")


def test_edition_page_lists_every_round_of_the_year(client, award):
    make_nomination(make_edition(award, year=2017, label="2016-17"), project_name="A Roof, A Skill, A Market")
    make_nomination(make_edition(award, year=2017, label="2017"), project_name="Mutual Housing at Spring Lake")
    html = client.get("/en/awards/world-habitat-awards/2017/").content.decode()
    assert "Cycle 2016-17" in html and "Cycle 2017" in html
    assert "A Roof, A Skill, A Market" in html and "Mutual Housing at Spring Lake" in html


def test_edition_page_groups_results_by_category(client):
    edition = make_edition(make_award(slug="latin-american"), year=2016)
    movement = make_category(edition, name_en="social movement", order=0)
    make_nomination(edition, project_name="CACVAM", category=movement)
    make_nomination(edition, project_name="Quinto Patio")
    html = client.get("/en/awards/latin-american/2016/").content.decode()
    assert "<h3>social movement</h3>" in html
    assert html.index("CACVAM") < html.index("Category not known") < html.index("Quinto Patio")


@pytest.mark.parametrize(
    "url",
    ["/en/awards/no-such-award/", "/en/awards/no-such-award/2016/", "/en/awards/world-habitat-awards/1900/"],
)
def test_unknown_award_or_year_is_404(client, award, url):
    make_edition(award, year=2016)
    assert client.get(url).status_code == 404


def test_award_pages_make_a_constant_number_of_queries(client, award):
    edition = make_edition(award, year=2020)
    make_nomination(edition, project=make_project(), project_name="One")
    few = [
        count_queries(client, url)
        for url in ("/en/awards/", "/en/awards/world-habitat-awards/", "/en/awards/world-habitat-awards/2020/")
    ]
    for year in (2018, 2019):
        make_edition(award, year=year)
    make_award()
    for _ in range(5):
        make_nomination(edition, project=make_project(), category=make_category(edition))
    many = [
        count_queries(client, url)
        for url in ("/en/awards/", "/en/awards/world-habitat-awards/", "/en/awards/world-habitat-awards/2020/")
    ]
    assert few == many


def test_pages_are_translated(client, award):
    make_edition(award, year=2020)
    assert 'lang="fr"' in client.get("/fr/awards/world-habitat-awards/").content.decode()


def test_admin_pages_open_for_staff(client, award):
    edition = make_edition(award, year=2020)
    nomination = make_nomination(edition, category=make_category(edition))
    client.force_login(make_moderator(is_superuser=True))
    for url in (
        "/admin/awards/award/",
        f"/admin/awards/award/{award.pk}/change/",
        "/admin/awards/edition/",
        f"/admin/awards/edition/{edition.pk}/change/",
        "/admin/awards/nomination/?edition__award__id__exact=1&result__exact=winner",
        f"/admin/awards/nomination/{nomination.pk}/change/",
        "/admin/awards/nomination/?q=project",
    ):
        assert client.get(url).status_code == 200, url
