import csv
import json
from pathlib import Path

from django.contrib.gis.geos import Point
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from habitat.models import Organisation
from projects.models import (
    Axis,
    HousingModel,
    LocationPrecision,
    Programme,
    Project,
    Stage,
    Status,
    SupportAction,
    SupportActionKind,
)

DATA = Path(__file__).resolve().parents[2] / "demo_data"
SLUG = "habitat-participatif-quartiers-populaires"
SOURCE = "https://www.habitatparticipatif-france.fr/?ActionQPV"
WEBSITE = "https://www.habitatparticipatif-france.fr/?ActionQPV"
START_YEAR = 2016
LANGUAGES = ("en", "fr", "es")


class Command(BaseCommand):
    help = (
        "Load Habitat Participatif France's programme for participatory housing in priority "
        "neighbourhoods (projects/demo_data/programme_hpf_qpv.csv, 24 sourced rows) in three languages. "
        "Run after load_demo, which creates the organisations. Safe to run again: it updates, never duplicates."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        with open(DATA / "programme_hpf_qpv.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        with open(DATA / "programme_hpf_qpv_texts.json", encoding="utf-8") as f:
            texts = json.load(f)

        programme = self.load_programme(texts["programme"])
        kept, projects = [], 0
        for order, row in enumerate(rows):
            text = texts["actions"][row["name"]]
            if text.get("study_case"):
                text = {"description": texts["study_case"]["description"]}
            project = self.load_project(row, text) if "project" in text else None
            projects += project is not None
            kept.append(self.load_action(programme, row, text, project, order).pk)
        # Rows removed from the CSV since the last run go too.
        programme.actions.exclude(pk__in=kept).delete()
        self.stdout.write(
            f"Programme {programme.slug}: {len(kept)} actions from {len(rows)} rows, "
            f"{projects} projects in the directory."
        )

    def load_programme(self, text):
        fields = {
            "original_language": "fr",
            "country": "FR",
            "start_year": START_YEAR,
            "end_year": None,
            "website": WEBSITE,
            "source_url": SOURCE,
            "lead_organisation": Organisation.objects.filter(slug="hpf").first(),
        }
        for name in ("name", "summary", "description"):
            for code in LANGUAGES:
                fields[f"{name}_{code}"] = text[name][code]
        programme, _ = Programme.objects.update_or_create(slug=SLUG, defaults=fields)
        # The funders named on the programme's page (the 2016 study also names the USH).
        programme.funders.set(Organisation.objects.filter(slug__in=["anct", "fap", "fdf"]))
        return programme

    def load_project(self, row, text):
        """A named project with a city: listed in the directory at its city's centre."""
        known = text["project"]
        descriptions = {"en": row["description"], **text["description"]}
        fields = {
            "name_en": known["name"],
            "original_language": "fr",
            "summary_en": text["summary"]["en"],
            "summary_fr": text["summary"]["fr"],
            "summary_es": text["summary"]["es"],
            "description_en": descriptions["en"],
            "description_fr": descriptions["fr"],
            "description_es": descriptions["es"],
            "name_fr": known["name"],
            "city": row["city"],
            "country": row["country_iso2"],
            # City-centre coordinates typed in by hand (approximate), not the site: published as approximate.
            "location": Point(known["lon"], known["lat"], srid=4326),
            "location_precision": LocationPrecision.APPROXIMATE,
            "housing_models": [HousingModel.PARTICIPATORY_HOUSING],
            "stage": Stage(known["stage"]),
            "completion_year": known.get("completion_year"),
            "priority_neighbourhood": True,
            "source_url": row["source"].split(" ; ")[0],
            "status": Status.PUBLISHED,
        }
        project = Project.objects.filter(slug=known["slug"]).first()
        if project is None:
            project = Project(slug=known["slug"], published_at=timezone.now())
        for field, value in fields.items():
            setattr(project, field, value)
        project.full_clean()
        project.save()
        return project

    def load_action(self, programme, row, text, project, order):
        titles = {"en": row["name"], **text.get("title", {})}
        descriptions = {"en": row["description"], **text.get("description", {})}
        fields = {
            "axis": Axis(row["axis"]) if row["axis"] else "",
            "kind": SupportActionKind(row["kind"]),
            "year": int(row["year"]) if row["year"] else None,
            # No amount was published for this programme (see NOTES): never guessed.
            "amount_eur": row["amount_eur"] or None,
            "project": project,
            "original_language": text.get("original_language", "en"),
            "city": row["city"],
            "country": row["country_iso2"],
            "source_url": row["source"],
            "order": order,
        }
        for code in LANGUAGES:
            fields[f"title_{code}"] = titles.get(code, titles["en"])
            fields[f"description_{code}"] = descriptions.get(code, descriptions["en"])
        # A row's place in the CSV identifies its action from one run to the next.
        action = SupportAction.objects.filter(programme=programme, order=order).first()
        if action is None:
            action = SupportAction(programme=programme)
        for field, value in fields.items():
            setattr(action, field, value)
        action.full_clean()
        action.save()
        return action
