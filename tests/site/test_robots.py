"""robots.txt: crawlers read the public pages, are kept out of accounts, edits and the admin,
and are given the sitemap."""

from urllib import robotparser

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def robots(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    return response.text


def test_robots_names_the_sitemap(robots):
    assert "Sitemap: http://testserver/sitemap.xml" in robots.splitlines()


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_robots_keeps_crawlers_out_of_accounts_the_groups_space_and_the_admin(robots, language):
    parser = robotparser.RobotFileParser()
    parser.parse(robots.splitlines())
    for path in ["/admin/", f"/{language}/accounts/login/", f"/{language}/my/", f"/{language}/projects/new/"]:
        assert not parser.can_fetch("AnyBot", path), path
    for path in [f"/{language}/", f"/{language}/projects/", f"/{language}/projects/la-borda/", "/sitemap.xml"]:
        assert parser.can_fetch("AnyBot", path), path
    # Python's parser reads no wildcards; the major crawlers do.
    assert f"Disallow: /{language}/projects/*/edit/" in robots.splitlines()
