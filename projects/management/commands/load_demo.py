import csv
from pathlib import Path

from django.contrib.gis.geos import Point
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from habitat.models import Organisation
from projects.models import LocationPrecision, Project, ProjectActor, Stage, Status

DATA = Path(__file__).resolve().parents[2] / "demo_data"

ORGANISATION_KINDS = {
    "network": Organisation.Kind.NETWORK,
    "NGO": Organisation.Kind.NGO,
    "foundation": Organisation.Kind.FOUNDATION,
    "public agency": Organisation.Kind.PUBLIC_AUTHORITY,
}
# The platform was founded at the SPH Forum in Geneva, October 2014.
FOUNDING_YEAR = 2014


def read(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def as_int(text):
    return int(text) if text.strip() else None


def as_url(text):
    text = text.strip()
    if text and "://" not in text:
        return f"https://{text}"
    return text


class Command(BaseCommand):
    help = (
        "Load the real demo directory (projects and organisations in projects/demo_data/, "
        "with their sources) and publish it. Safe to run again: it updates, never duplicates."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        organisations = self.load_organisations()
        created, updated = self.load_projects(organisations)
        self.stdout.write(
            f"Demo directory: {len(organisations)} organisations known, {created} projects created, {updated} updated."
        )

    def load_organisations(self):
        by_name = {}
        for row in read("organisations.csv"):
            founding = row["founding_member_of_sph_platform"] == "yes"
            organisation, _ = Organisation.objects.update_or_create(
                slug=slugify(row["acronym"] or row["name"]),
                defaults={
                    "name_en": row["name"],
                    "acronym": row["acronym"],
                    "kind": ORGANISATION_KINDS.get(row["kind"], ""),
                    "city": row["city"],
                    "country": row["country_iso2"],
                    "website": as_url(row["website"]),
                    "founded_year": as_int(row["founded_year"]),
                    "is_founding_member": founding,
                    "is_member": founding,
                    "member_since": FOUNDING_YEAR if founding else None,
                    "source_url": row["source"],
                },
            )
            by_name[row["name"]] = organisation
            if row["acronym"]:
                by_name[row["acronym"]] = organisation
        return by_name

    def organisation_named(self, name, known):
        """An organisation that a project names: one of the listed ones, or a new one that
        staff have yet to classify (its kind stays empty rather than guessed)."""
        if name in known:
            return known[name]
        organisation, _ = Organisation.objects.get_or_create(slug=slugify(name)[:200], defaults={"name_en": name})
        known[name] = organisation
        return organisation

    def load_projects(self, known):
        created = updated = 0
        now = timezone.now()
        for row in read("projects.csv"):
            # The coordinates are city centres typed in by hand, not the sites: published as
            # approximate, which is what they are.
            defaults = {
                "name_en": row["name"],
                "original_language": "en",
                "summary_en": row["summary"],
                "city": row["city"],
                "country": row["country_iso2"],
                "location": Point(float(row["longitude"]), float(row["latitude"]), srid=4326),
                "location_precision": LocationPrecision.APPROXIMATE,
                "housing_models": [row["housing_model"]] if row["housing_model"] else [],
                "stage": Stage(row["stage"]),
                "dwellings": as_int(row["dwellings"]),
                "start_year": as_int(row["start_year"]),
                "completion_year": as_int(row["completion_year"]),
                "source_url": row["source"],
                "status": Status.PUBLISHED,
            }
            slug = slugify(row["name"])[:80].strip("-")
            project = Project.objects.filter(slug=slug).first()
            if project is None:
                project = Project(slug=slug, published_at=now, **defaults)
                created += 1
            else:
                for field, value in defaults.items():
                    setattr(project, field, value)
                updated += 1
            project.full_clean()
            project.save()
            self.link_organisations(project, row["organisations"], known)
        return created, updated

    def link_organisations(self, project, names, known):
        organisations = [self.organisation_named(n.strip(), known) for n in names.split(";") if n.strip()]
        project.actors.exclude(organisation__in=organisations).delete()
        for order, organisation in enumerate(organisations):
            ProjectActor.objects.update_or_create(
                project=project, organisation=organisation, role="", defaults={"order": order}
            )
