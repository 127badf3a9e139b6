import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from habitat.models import Organisation
from projects.models import Project, ProjectActor

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "projects" / "demo_data"


def rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_load_demo_publishes_every_project_with_its_source_and_organisations():
    call_command("load_demo", stdout=StringIO())
    projects = rows("projects.csv")
    assert Project.objects.public().count() == len(projects) == 48
    for row in projects:
        project = Project.objects.get(name_en=row["name"])
        assert project.source_url == row["source"]
        assert project.country.code == row["country_iso2"]
        named = [n.strip() for n in row["organisations"].split(";") if n.strip()]
        linked = [actor.organisation for actor in project.actors.select_related("organisation")]
        assert len(linked) == len(named), row["name"]
        for organisation, name in zip(linked, named, strict=True):
            assert name in (organisation.name_en, organisation.acronym)


def test_load_demo_marks_the_founding_members():
    call_command("load_demo", stdout=StringIO())
    founders = {o.acronym or o.name_en for o in Organisation.objects.founding()}
    assert founders == {"SDI", "ACHR", "CHI", "HIC", "GSN", "BSHF", "urbaMonde"}
    assert Organisation.objects.get(acronym="HPF").is_founding_member is False


def test_load_demo_twice_duplicates_nothing():
    call_command("load_demo", stdout=StringIO())
    counts = (Project.objects.count(), Organisation.objects.count(), ProjectActor.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Project.objects.count(), Organisation.objects.count(), ProjectActor.objects.count()) == counts
