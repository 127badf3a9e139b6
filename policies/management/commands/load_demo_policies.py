import csv
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from policies.models import Policy
from projects.models import Project

DATA = Path(__file__).resolve().parents[2] / "demo_data" / "policies.csv"
LANGUAGES = ("en", "fr", "es")


class Command(BaseCommand):
    help = (
        "Load the demo's public policies (policies/demo_data/policies.csv: laws and programmes with their "
        "sources, in three languages) and link them to the demo projects they made possible. Run it again "
        "to update them: nothing is added twice."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        with DATA.open(encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
        for row in rows:
            fields = {
                "original_language": row["original_language"],
                "country": row["country"],
                "city": row["city"],
                "level": row["level"],
                "kind": row["kind"],
                "year": int(row["year"]) if row["year"] else None,
                "sources": "\n".join(url.strip() for url in row["sources"].split(" ; ") if url.strip()),
            }
            for code in LANGUAGES:
                fields[f"name_{code}"] = row[f"name_{code}"]
                fields[f"description_{code}"] = row[f"description_{code}"]
            policy, _created = Policy.objects.update_or_create(slug=row["slug"], defaults=fields)
            policy.full_clean()
            slugs = row["projects"].split()
            policy.projects.set(Project.objects.filter(slug__in=slugs, revision_of=None))
        self.stdout.write(f"Public policies: {len(rows)} loaded.")
