from xml.etree import ElementTree

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_meetings_awards_programmes_and_platform_pages(client):
    for command in ["load_demo", "load_demo_meetings", "load_demo_awards", "load_demo_programme", "load_demo_pages"]:
        call_command(command, stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    locations = [node.text for node in ElementTree.fromstring(response.content).findall("s:url/s:loc", NS)]
    for path in ["/en/hubs/", "/fr/stats/", "/es/awards/", "/en/programmes/", "/en/awards/world-habitat-awards/2017/"]:
        assert f"http://testserver{path}" in locations, path
    assert any("/en/meetings/" in loc for loc in locations)
    assert any("/en/about/" in loc for loc in locations)
    assert len(locations) == len(set(locations))
