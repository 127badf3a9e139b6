from io import StringIO

import pytest
from django.core.management import call_command

from awards.models import Award, Edition, Nomination
from projects.models import Project

pytestmark = pytest.mark.django_db

# awards/demo_data/*.csv, linked by awards.matching to projects/demo_data/projects.csv.
EXPECTED_LINKS = {
    (
        "Walter Segal Self-build Housing Project, London",
        1987,
    ): "walter-segal-self-build-schemes-segal-close-and-walters-way",
    ("Community Land Trust Innovation (Champlain Housing Trust)", 2008): "champlain-housing-trust",
    ("Milton Park Community (Communauté Milton-Parc)", 2013): "communaute-milton-parc",
    ("Caño Martín Peña Community Land Trust", 2016): (
        "cano-martin-pena-community-land-trust-fideicomiso-de-la-tierra-del-cano-martin-p"  # slugs stop at 80
    ),
    ("A Roof, A Skill, A Market", 2017): "a-roof-a-skill-a-market-nubian-vault-programme",
    ("More than Housing (mehr als wohnen)", 2017): "mehr-als-wohnen-hunziker-areal",
    ("Mutual Housing at Spring Lake", 2017): "mutual-housing-at-spring-lake",
    ("Introducing Community Land Trusts in Continental Europe", 2021): "arc-en-ciel-community-land-trust-brussels",
    (
        "Housing and living-environment improvement programme for vulnerable people in precarious neighbourhoods",
        2023,
    ): "housing-and-living-environment-improvement-programme-urbasen-fsh",
    ("La Ciguë student housing cooperative", 2024): "la-cigue-student-housing-cooperative",
    ("Decent homes for the elderly in Mhaga", 2025): "decent-homes-for-the-elderly-mhaga-tawah",
    ("Hastings Commons", 2025): "hastings-commons",
    ("Cooperativa La Fábrica", 2025): "cooperativa-la-fabrica",
    ("La Borda, Barcelona", 2016): "la-borda",
    ("Granby4Streets CLT, Liverpool", 2016): "granby-four-streets-community-land-trust",
    ("Spreefeld, Berlin", 2016): "spreefeld",
}


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("load_demo_awards", stdout=out)
    return out.getvalue()


def test_load_demo_awards_loads_every_result_of_both_files(demo):
    assert Nomination.objects.count() == 73 + 19
    assert Nomination.objects.filter(result="winner").count() == 60 + 18
    assert sorted(Award.objects.values_list("slug", flat=True)) == [
        "africa-community-led-habitat-award",
        "european-community-led-habitat-award",
        "latin-american-sph-award",
        "world-habitat-awards",
    ]
    assert "92 nominations created, 0 updated, 16 linked to directory projects" in demo


def test_load_demo_awards_links_the_same_projects_and_no_others(demo):
    linked = {
        (nomination.project_name, nomination.edition.year): nomination.project.slug
        for nomination in Nomination.objects.filter(project__isnull=False).select_related("edition", "project")
    }
    assert linked == EXPECTED_LINKS


def test_load_demo_awards_splits_the_two_rounds_announced_in_2017(demo):
    editions = Edition.objects.filter(award__slug="world-habitat-awards", year=2017)
    assert sorted(editions.values_list("label", flat=True)) == ["2016-17", "2017"]


def test_load_demo_awards_reads_levels_from_the_award_column(demo):
    gold = Nomination.objects.get(project_name="Hastings Commons")
    assert (gold.result, gold.level) == ("winner", "gold")
    jaga_2019 = Nomination.objects.get(project_name__contains="JAGA", edition__year=2019)
    assert (jaga_2019.result, jaga_2019.level) == ("winner", "")


def test_load_demo_awards_sets_a_category_only_where_the_source_gives_it(demo):
    cacvam = Nomination.objects.get(project_name__startswith="CACVAM")
    assert cacvam.category.name_en == "social movement"
    assert Nomination.objects.filter(category__isnull=False).count() == 1
    assert Nomination.objects.exclude(citation_en="").count() == 0


def test_load_demo_awards_is_idempotent(demo):
    out = StringIO()
    call_command("load_demo_awards", stdout=out)
    assert Nomination.objects.count() == 92
    assert Edition.objects.filter(award__slug="world-habitat-awards", year=2017).count() == 2
    assert "0 nominations created, 92 updated, 16 linked" in out.getvalue()


def test_load_demo_awards_without_the_directory_links_nothing():
    call_command("load_demo_awards", stdout=StringIO())
    assert Project.objects.count() == 0
    assert Nomination.objects.count() == 92
