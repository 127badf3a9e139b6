"""Programmes of support: the models, the demo loader, the pages and the programme filter."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from projects.models import Axis, Programme, Project, Status, SupportAction, SupportActionKind
from tests.factories import make_organisation, make_project

pytestmark = pytest.mark.django_db

CSV = Path(__file__).resolve().parents[2] / "projects" / "demo_data" / "programme_hpf_qpv.csv"
DEMO_SLUG = "habitat-participatif-quartiers-populaires"


def make_programme(**fields):
    fields.setdefault("slug", "qpv")
    fields.setdefault("name_en", "Participatory housing in priority neighbourhoods")
    fields.setdefault("name_fr", "Habitat participatif et quartiers populaires")
    return Programme.objects.create(**fields)


def make_action(programme, **fields):
    fields.setdefault("axis", Axis.ACCOMPANY)
    fields.setdefault("title_en", "Feasibility study")
    return SupportAction.objects.create(programme=programme, **fields)


def test_programme_figures_count_axes_and_public_projects_only():
    programme = make_programme()
    supported, hidden = make_project(), make_project(status=Status.DRAFT)
    make_action(programme, axis=Axis.IDENTIFY, project=supported)
    make_action(programme, axis=Axis.ACCOMPANY, project=supported)
    make_action(programme, axis=Axis.FOLLOW, project=hidden)
    make_action(programme, axis="")

    figures = programme.figures()

    assert (figures["identify"], figures["accompany"], figures["follow"], figures["actions"]) == (1, 1, 1, 4)
    assert figures["projects"] == 1
    assert figures["amount"] is None and figures["amounts_known"] == 0


def test_programme_figures_add_up_known_amounts():
    programme = make_programme()
    make_action(programme, amount_eur=Decimal("5000"))
    make_action(programme, amount_eur=Decimal("2500.50"))
    make_action(programme)

    figures = programme.figures()

    assert figures["amount"] == Decimal("7500.50")
    assert figures["amounts_known"] == 2


def test_programme_end_cannot_come_before_its_start():
    programme = Programme(slug="x", name_en="X", start_year=2020, end_year=2019)
    with pytest.raises(ValidationError):
        programme.full_clean()


def test_deleting_a_project_keeps_the_action():
    programme = make_programme()
    project = make_project()
    action = make_action(programme, project=project)
    project.delete()
    action.refresh_from_db()
    assert action.project is None


def test_translated_title_falls_back_to_the_original_language():
    action = make_action(make_programme(), title_en="Launch seminar", title_fr="Séminaire de lancement")
    with translation.override("fr"):
        assert action.title == "Séminaire de lancement"
    with translation.override("es"):
        assert action.title == "Launch seminar"


@pytest.fixture
def demo_programme():
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_programme", stdout=io.StringIO())
    return Programme.objects.get(slug=DEMO_SLUG)


def test_loader_accounts_for_every_row_and_is_idempotent(demo_programme):
    with open(CSV, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 24
    projects_before = Project.objects.count()

    call_command("load_demo_programme", stdout=io.StringIO())

    programme = Programme.objects.get(slug=DEMO_SLUG)
    actions = list(programme.actions.order_by("order"))
    assert len(actions) == 24
    assert Programme.objects.count() == 1
    assert Project.objects.count() == projects_before
    for row, action in zip(rows, actions, strict=True):
        assert action.kind == SupportActionKind(row["kind"])
        assert action.axis == row["axis"]
        assert action.year == (int(row["year"]) if row["year"] else None)
        assert action.amount_eur is None  # no amount was published
        assert action.source_url == row["source"]
        assert action.title_en and action.title_fr and action.title_es
        assert action.description_en and action.description_fr and action.description_es
    assert {o.slug for o in programme.funders.all()} == {"anct", "fap", "fdf"}
    assert programme.lead_organisation.slug == "hpf"
    assert programme.name_fr == "Habitat participatif et quartiers populaires"


def test_loader_lists_only_named_projects_with_a_city(demo_programme):
    linked = demo_programme.supported_projects()
    assert sorted(p.city for p in linked) == ["Grenoble", "Marseille", "Rouen"]
    assert all(p.location_precision == "approximate" and p.priority_neighbourhood for p in linked)
    # The Châteauroux case has no name in the source: the action names it, no project is made.
    chateauroux = demo_programme.actions.get(city="Châteauroux")
    assert chateauroux.project is None
    # That Les Quatre Saisons hosted the seminar is an inference, and the text says so.
    quatre_saisons = Project.objects.get(slug="les-quatre-saisons-rouen")
    assert "inference" in quatre_saisons.description_en
    assert "déduction" in quatre_saisons.description_fr
    assert "deducción" in quatre_saisons.description_es


def test_programme_list_shows_each_programme_with_its_figures(client):
    programme = make_programme(lead_organisation=make_organisation(name_en="Habitat Participatif France"))
    make_action(programme, project=make_project())

    response = client.get("/en/programmes/")

    assert response.status_code == 200
    content = response.content.decode()
    assert programme.get_absolute_url() in content
    assert "Run by Habitat Participatif France" in content
    assert "1 project in the directory" in content


def test_programme_page_shows_axes_actions_figures_and_map(client):
    funder = make_organisation(name_en="Fondation de France", slug="fdf")
    programme = make_programme(start_year=2016)
    programme.funders.add(funder)
    project = make_project(name_en="Les Quatre Saisons")
    make_action(programme, axis=Axis.FOLLOW, title_en="Seminar in Rouen", year=2022, project=project)
    make_action(programme, axis=Axis.IDENTIFY, title_en="Awareness kit", kind=SupportActionKind.PUBLICATION)

    response = client.get(programme.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    for text in ["Identify", "Accompany", "Follow", "Seminar in Rouen", "Awareness kit", "since 2016"]:
        assert text in content
    assert "Fondation de France" in content
    assert "not published" in content
    assert project.get_absolute_url() in content
    assert 'data-filter-query="programme=qpv"' in content
    assert response.context["figures"]["projects"] == 1


def test_programme_page_in_french(client):
    programme = make_programme()
    response = client.get(f"/fr/programmes/{programme.slug}/")
    assert "Habitat participatif et quartiers populaires" in response.content.decode()


def test_unknown_programme_is_not_found(client):
    assert client.get("/en/programmes/no-such-programme/").status_code == 404


def test_programme_filter_on_list_and_map_agree(client):
    programme = make_programme()
    supported = make_project(name_en="Supported one")
    make_action(programme, project=supported)
    make_action(programme, project=supported)  # two actions, still one project
    make_project(name_en="Not supported")

    listed = client.get("/en/projects/?programme=qpv").context["object_list"]
    mapped = client.get("/projects/map.json?programme=qpv&zoom=18").json()

    assert [p.pk for p in listed] == [supported.pk]
    assert mapped["total"] == 1
    assert client.get("/projects/map.json?zoom=18").json()["total"] == 2


def test_unknown_programme_in_filter_is_an_error_not_a_crash(client):
    make_programme()
    response = client.get("/projects/map.json?programme=nope")
    assert response.status_code == 400
    assert "programme" in response.json()["fields"]


def test_admin_programme_page_has_the_actions_inline(admin_client):
    programme = make_programme()
    make_action(programme, title_en="Launch seminar")
    response = admin_client.get(f"/admin/projects/programme/{programme.pk}/change/")
    assert response.status_code == 200
    assert "Launch seminar" in response.content.decode()
    assert admin_client.get("/admin/projects/programme/").status_code == 200
