import csv
import re
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify

from awards.matching import AwardRow, Candidate, match_project
from awards.models import Award, Category, Edition, Level, Nomination, Result
from habitat.models import Organisation
from projects.models import Project

DATA = Path(__file__).resolve().parents[2] / "demo_data"
DIRECTORY = Path(__file__).resolve().parents[3] / "projects" / "demo_data" / "projects.csv"
FILES = ["awards.csv", "awards_sph.csv"]

# The CSVs name each award as its edition was announced, organisers in parentheses. One
# award per series (the data notes, "awards_sph.csv" section): the regional SPH awards started as
# urbaMonde's and were later run as CoHabitat Network awards; their editions keep the
# announced title in Edition.name.
AWARDS = {
    "world-habitat-awards": {
        "pattern": r"^World Habitat Awards",
        "name_en": "World Habitat Awards",
        "organiser": "bshf",
        "website": "https://world-habitat.org/world-habitat-awards/",
    },
    "latin-american-sph-award": {
        "pattern": r"^Latin American Social Production of Habitat Award",
        "name_en": "Latin American Social Production of Habitat Award",
        "organiser": "urbamonde",
        "website": "https://www.co-habitat.net/en/tools/awards",
    },
    "european-community-led-habitat-award": {
        "pattern": r"^European (Community-led Habitat|Collaborative Housing) Award",
        "name_en": "European Community-led Habitat Award",
        "organiser": "urbamonde",
        "website": "https://www.co-habitat.net/en/tools/awards",
    },
    "africa-community-led-habitat-award": {
        "pattern": r"^Community-Led Habitat Award for Africa",
        "name_en": "Community-Led Habitat Award for Africa",
        "organiser": "urbamonde",
        "website": "https://www.co-habitat.net/en/tools/awards",
    },
}
DESCRIPTION_SPH = (
    "The platform's regional awards for community-led housing, started by urbaMonde and later run "
    "as CoHabitat Network awards, until Covid ended the in-person award days."
)
# Categories that the sources name for an edition (the data notes); a result's
# category is set only where its row says it.
CATEGORIES = {
    ("latin-american-sph-award", 2016): ["social movement", "local projects"],
    ("africa-community-led-habitat-award", 2019): ["Best Project", "Best Video", "Best Partnership"],
}
CATEGORY_IN_NAME = re.compile(r"\s*\((social movement|local projects) category\)")


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def award_slug(text):
    for slug, spec in AWARDS.items():
        if re.search(spec["pattern"], text):
            return slug
    raise ValueError(f"Unknown award in the demo data: {text!r}")


def parse(row):
    """A CSV row as an AwardRow: the cycle label ("2015-16") and level ("Gold") that the
    award column carries are taken out of it."""
    text = row["award"].strip()
    level = re.search(r"\((Gold|Silver|Bronze)\)", text)
    label = re.search(r"\b(\d{4}(?:-\d{2})?)$", text)
    return AwardRow(
        name=row["project"].strip(),
        country=row["country_iso2"].strip(),
        award=text,
        year=int(row["year"]),
        label=label.group(1) if label else "",
        result=row["result"].strip(),
        level=level.group(1).lower() if level else "",
    )


class Command(BaseCommand):
    help = (
        "Load the real award results of awards/demo_data/ (World Habitat Awards and the platform's regional "
        "awards) and link them to the demo directory's projects where they are the same project "
        "(awards.matching). Run after load_demo. Safe to run again: it updates, never duplicates."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        awards = self.load_awards()
        candidates = self.candidates()
        created = updated = 0
        matched = []
        for filename in FILES:
            for raw in read(DATA / filename):
                row = parse(raw)
                edition = self.edition(awards[award_slug(row.award)], row, raw)
                candidate = match_project(row, candidates)
                name, category = row.name, None
                found = CATEGORY_IN_NAME.search(name)
                if found:
                    category = edition.categories.filter(name_en=found.group(1)).first()
                _nomination, was_created = Nomination.objects.update_or_create(
                    edition=edition,
                    project_name=name,
                    defaults={
                        "country": row.country,
                        "category": category,
                        "project": candidate.key if candidate else None,
                        "organisation_name": raw["organisation"].strip(),
                        "result": Result(row.result),
                        "level": Level(row.level) if row.level else "",
                        "source_url": raw["source"].strip(),
                    },
                )
                created += was_created
                updated += not was_created
                if candidate:
                    matched.append(f"  {row.year} {name} -> {candidate.name}")
        self.stdout.write(
            f"Demo awards: {len(awards)} awards, {Edition.objects.count()} editions, "
            f"{created} nominations created, {updated} updated, {len(matched)} linked to directory projects:"
        )
        self.stdout.write("\n".join(matched))

    def load_awards(self):
        awards = {}
        for slug, spec in AWARDS.items():
            awards[slug], _ = Award.objects.update_or_create(
                slug=slug,
                defaults={
                    "name_en": spec["name_en"],
                    "organiser": Organisation.objects.filter(slug=spec["organiser"]).first(),
                    "website": spec["website"],
                    "description_en": "" if slug == "world-habitat-awards" else DESCRIPTION_SPH,
                },
            )
        return awards

    def edition(self, award, row, raw):
        # The plain "World Habitat Awards" rows and the Gold/Silver/Bronze ones are one
        # edition of their year; only a cycle label ("2014-15", "2017") tells rounds apart.
        name = re.sub(r"\s*\((Gold|Silver|Bronze)\)", "", row.award)
        name = "" if name == award.name_en or re.fullmatch(rf"{re.escape(award.name_en)} [\d-]+", name) else name
        edition, created = Edition.objects.get_or_create(
            award=award, year=row.year, label=row.label, region="", defaults={"name": name}
        )
        for order, category in enumerate(CATEGORIES.get((award.slug, row.year), [])):
            Category.objects.update_or_create(edition=edition, name_en=category, defaults={"order": order})
        if not created and name and edition.name != name:
            edition.name = name
            edition.save(update_fields=["name"])
        return edition

    def candidates(self):
        claims = {slugify(row["name"])[:80].strip("-"): row["award"] for row in read(DIRECTORY)}
        return [
            Candidate(
                key=project,
                name=project.name_en or project.name,
                country=project.country.code,
                award=claims.get(project.slug, ""),
            )
            for project in Project.objects.order_by("pk")
        ]
