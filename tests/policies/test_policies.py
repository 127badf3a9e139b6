"""Public policies that support community-led housing: their list with its filters and its map
of countries, their pages with sources and the projects they made possible, the project pages
that name them, and the demo's sourced policies."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.models import Kind, Level, Policy
from projects.models import Status
from tests.factories import make_project

pytestmark = pytest.mark.django_db


def make_policy(**fields):
    fields.setdefault("slug", fields["name_en"].lower().replace(" ", "-"))
    fields.setdefault("level", Level.NATIONAL)
    fields.setdefault("kind", Kind.LAW)
    fields.setdefault("sources", "https://example.org/source")
    policy = Policy(**fields)
    policy.full_clean()
    policy.save()
    return policy


def text(response):
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def policies():
    co_op = make_project(name_en="Zona 3", country="UY", city="Montevideo")
    draft = make_project(name_en="Secret draft", country="UY", status=Status.DRAFT, published_at=None)
    law = make_policy(name_en="Housing Law 13728", country="UY", year=1968, original_language="es")
    law.projects.set([co_op, draft])
    return {
        "law": law,
        "alur": make_policy(name_en="ALUR law", country="FR", year=2014),
        "brussels": make_policy(
            name_en="Regional support to the CLT",
            country="BE",
            city="Brussels",
            level=Level.REGIONAL,
            kind=Kind.FUNDING,
        ),
        "co_op": co_op,
    }


def test_the_list_filters_by_country_kind_and_level(client, policies):
    page = text(client.get("/en/policies/"))
    assert "3 policies" in page
    assert all(name in page for name in ("Housing Law 13728", "ALUR law", "Regional support to the CLT"))
    page = text(client.get("/en/policies/", {"country": "UY"}))
    assert "1 policy" in page and "Housing Law 13728" in page and "ALUR law" not in page
    page = text(client.get("/en/policies/", {"kind": "funding", "level": "regional"}))
    assert "Regional support to the CLT" in page and "Housing Law 13728" not in page
    page = text(client.get("/en/policies/", {"country": "XX", "kind": "decree"}))
    assert "Some filters are not valid" in page and "Housing Law 13728" not in page


def test_the_map_shades_the_countries_that_have_policies(client, policies):
    content = client.get("/en/policies/").content.decode()
    start = content.index('<script id="policy-countries" type="application/json">')
    countries = json.loads(content[content.index(">", start) + 1 : content.index("</script>", start)])
    assert countries == [
        {"code": "BE", "numeric": "056", "name": "Belgium", "count": 1},
        {"code": "FR", "numeric": "250", "name": "France", "count": 1},
        {"code": "UY", "numeric": "858", "name": "Uruguay", "count": 1},
    ]
    # The same as links, for the keyboard and screen readers.
    assert '<a href="?country=UY">Uruguay (1 policy)</a>' in content


def test_a_policy_page_names_its_sources_and_only_its_public_projects(client, policies):
    page = text(client.get(policies["law"].get_absolute_url()))
    assert "Housing Law 13728" in page and "Uruguay · National · law · 1968" in page
    assert "Zona 3" in page and "Secret draft" not in page
    assert "https://example.org/source" in page


def test_a_project_page_names_the_policies_that_supported_it(client, policies):
    page = text(client.get(policies["co_op"].get_absolute_url()))
    assert "Public policies that supported it" in page and "Housing Law 13728 · Uruguay · 1968" in page
    page = text(client.get(f"/fr/projects/{policies['co_op'].slug}/"))
    assert "Politiques publiques qui l'ont soutenu" in page


def test_the_list_asks_as_many_queries_for_many_policies_as_for_a_few(client, policies):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/policies/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(10):
        make_policy(name_en=f"Policy {n}", country=["AR", "BR", "CL", "ES", "KE"][n % 5])
    assert queries() == few


def test_the_demo_policies_are_sourced_and_linked_to_the_demo_projects(client):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_policies", stdout=io.StringIO())
    call_command("load_demo_policies", stdout=io.StringIO())  # again: nothing twice
    assert Policy.objects.count() == 5
    for policy in Policy.objects.all():
        assert policy.source_urls() and all(url.startswith("http") for url in policy.source_urls())
        assert all(
            getattr(policy, f"name_{code}") and getattr(policy, f"description_{code}") for code in ("en", "fr", "es")
        )
    cano = Policy.objects.get(slug="puerto-rico-law-489-cano-martin-pena")
    assert [project.name for project in cano.projects.all()] == [
        "Caño Martín Peña Community Land Trust (Fideicomiso de la Tierra del Caño Martín Peña)"
    ]
    assert Policy.objects.get(slug="thailand-baan-mankong").projects.count() == 3
    page = text(client.get("/es/policies/thailand-baan-mankong/"))
    assert "Programa Baan Mankong de vivienda colectiva" in page and "103.538" in page


def test_a_programme_page_names_the_policies_behind_it(client, policies):
    from projects.models import Programme

    programme = Programme.objects.create(slug="support", name_en="Support programme")
    assert "Public policies behind it" not in text(client.get(programme.get_absolute_url()))
    policies["alur"].programmes.add(programme)
    page = text(client.get(programme.get_absolute_url()))
    assert "Public policies behind it" in page and "ALUR law · France · 2014" in page
    assert "Support programme" in text(client.get(policies["alur"].get_absolute_url()))
