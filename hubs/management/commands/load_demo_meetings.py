import csv
import datetime
from pathlib import Path

from django.contrib.gis.geos import Point
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from habitat.models import Organisation
from hubs.models import Hub, Meeting
from projects.models import Project

DATA = Path(__file__).resolve().parents[2] / "demo_data"

# The HUBs that the CSV's ``hub`` column names, plus North America: urbaMonde's platform page
# says a North American HUB meets, though no meeting of it was found (see the data notes).
HUBS = {
    "latin_america": (
        1,
        "Latin America",
        "The HUB of the housing co-operatives, mutual-aid groups and self-managed settlements of Latin America, "
        "which meets alongside regional civil-society events and the Latin American SPH Awards.",
    ),
    "europe": (
        2,
        "Europe",
        "The European network of collaborative and community-led housing groups, which meets at housing fairs "
        "and festivals and presents the European Collaborative Housing Awards.",
    ),
    "north_america": (
        3,
        "North America",
        "The HUB of the community land trusts, housing co-operatives and other community-led housing groups "
        "of North America.",
    ),
    "africa": (
        4,
        "Africa",
        "The HUB of the federations of slum and shack dwellers and the community-led housing groups of Africa.",
    ),
    "asia": (
        5,
        "Asia",
        "The HUB of community groups across Asia that upgrade their settlements and build collective housing, "
        "with the Asian Coalition for Housing Rights.",
    ),
}

# The IANA time zone of each country in the data: every meeting there was in that zone.
TIME_ZONES = {
    "CH": "Europe/Zurich",
    "PE": "America/Lima",
    "BE": "Europe/Brussels",
    "EC": "America/Guayaquil",
    "MX": "America/Mexico_City",
    "DE": "Europe/Berlin",
    "FR": "Europe/Paris",
    "KE": "Africa/Nairobi",
    "TH": "Asia/Bangkok",
    "MY": "Asia/Kuala_Lumpur",
    "PL": "Europe/Warsaw",
    "FI": "Europe/Helsinki",
}

# Organiser cells that are sentences rather than names: the organisations they name.
# Phrases naming no organisation ("projects selected by ...") link to nothing.
ORGANISER_PHRASES = {
    "urbaMonde, with support of the City of Geneva and Fondation Charles Léopold Mayer": [
        "urbaMonde",
        "City of Geneva",
        "Fondation Charles Léopold Mayer",
    ],
    "CoHabitat Network, facilitated by urbaMonde, in the framework of the International Social Housing Festival": [
        "CoHabitat Network",
        "urbaMonde",
    ],
    "CoHabitat Network partners incl. urbaMonde, Habitat International Coalition and World Habitat": [
        "CoHabitat Network",
        "urbaMonde",
        "Habitat International Coalition",
        "World Habitat",
    ],
    "CoHabitat Network partners: CHI, Co-Lab Research TU Delft, European CLT Network, GPR2C, HIC, IIED, "
    "MOBA Housing SCE, urbaMonde, World Habitat": [
        "CoHabitat Network",
        "CHI",
        "Co-Lab Research TU Delft",
        "European CLT Network",
        "GPR2C",
        "HIC",
        "IIED",
        "MOBA Housing SCE",
        "urbaMonde",
        "World Habitat",
    ],
    "id22: Institute for Creative Sustainability": ["id22: Institute for Creative Sustainability"],
    "Desco (host meeting)": ["Desco"],
    "Slum/Shack Dwellers International (shortlisting committee)": ["SDI"],
    "urbaMonde (CoHabitat Network)": ["urbaMonde"],
    "CODI for the World Habitat Day celebration": ["CODI"],
    "Groupement des coopératives d'habitation genevoises (GCHG)": [
        "Groupement des coopératives d'habitation genevoises"
    ],
    "Asian Coalition for Housing Rights (ACHR)": ["ACHR"],
    "with support of HIC-AL": ["HIC-AL"],
    "projects selected by the HIC-AL Latin American Working Group on Social Production of Habitat": [],
}
# Other names of organisations that the project directory already lists.
ALIASES = {
    "Building and Social Housing Foundation": "BSHF",
    "World Habitat": "BSHF",
    "Slum/Shack Dwellers International": "SDI",
}
ACRONYMS = {"Groupement des coopératives d'habitation genevoises": "GCHG"}

# Projects of the directory that a meeting's source says it visited (the Bangkok leg's
# "peer visit to the Bang Bua canal project"). Linked only if the directory has them.
VISITS = {"2019-asian-regional-meeting-on-collective-housing-bangkok-leg": ["bang-bua-canal-community-upgrading"]}


def read(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def meeting_slug(name, year):
    """The year and the first words of the name, cut at a word: stable across reloads."""
    words = slugify(name).split("-")
    slug = str(year) if year else ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > 70:
            break
        slug = candidate
    return slug


def parse_when(start, end):
    """(start_date, end_date, year) from the CSV: a full date, or a year alone, or nothing."""
    start, end = start.strip(), end.strip()
    if not start:
        return None, None, None
    if len(start) == 4 and start.isdigit():
        # Known only to the year: no day is made up.
        return None, None, int(start)
    start_date = datetime.date.fromisoformat(start)
    end_date = datetime.date.fromisoformat(end) if end else None
    if end_date == start_date:
        end_date = None
    return start_date, end_date, start_date.year


class Command(BaseCommand):
    help = (
        "Load the real HUBs and meetings (hubs/demo_data/meetings.csv, with their sources). Run after load_demo, "
        "which loads the organisations and projects they link to. Safe to run again: it updates, never duplicates."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        hubs = self.load_hubs()
        created = updated = 0
        for row in read("meetings.csv"):
            _meeting, is_new = self.load_meeting(row, hubs)
            created += is_new
            updated += not is_new
        self.stdout.write(f"Demo meetings: {len(hubs)} HUBs, {created} meetings created, {updated} updated.")

    def load_hubs(self):
        hubs = {}
        for key, (order, name, description) in HUBS.items():
            hubs[key], _ = Hub.objects.update_or_create(
                slug=slugify(name),
                defaults={"name_en": name, "description_en": description, "order": order, "original_language": "en"},
            )
        return hubs

    def load_meeting(self, row, hubs):
        start_date, end_date, year = parse_when(row["start_date"], row["end_date"])
        slug = meeting_slug(row["name"], year)
        country = row["country_iso2"].strip()
        location = None
        if row["latitude"].strip() and row["longitude"].strip():
            location = Point(float(row["longitude"]), float(row["latitude"]), srid=4326)
        meeting, created = Meeting.objects.update_or_create(
            slug=slug,
            defaults={
                "name_en": row["name"],
                "description_en": row["description"],
                "original_language": "en",
                "kind": Meeting.Kind(row["kind"]),
                # "global": the conference and forums, which belong to no HUB.
                "hub": None if row["hub"] == "global" else hubs[row["hub"]],
                "start_date": start_date,
                "end_date": end_date,
                "year": year,
                "time_zone": TIME_ZONES.get(country, "UTC"),
                "city": row["city"],
                "country": country,
                "location": location,
                "source_url": row["source"].strip(),
            },
        )
        meeting.organisers.set(self.organisers(row["organisers"]))
        visited = Project.objects.filter(slug__in=VISITS.get(slug, []))
        meeting.visited_projects.set(visited)
        return meeting, created

    def organisers(self, cell):
        names = []
        for part in (part.strip() for part in cell.split(";")):
            if part:
                names.extend(ORGANISER_PHRASES.get(part, [part]))
        return [self.organisation_named(name) for name in dict.fromkeys(names)]

    def organisation_named(self, name):
        """An organisation the directory lists under this name or acronym, or a new one
        that staff have yet to review (its kind left empty rather than guessed)."""
        key = ALIASES.get(name, name)
        found = Organisation.objects.filter(
            Q(name_en__iexact=key) | Q(acronym__iexact=key) | Q(slug=slugify(key))
        ).first()
        if found:
            return found
        organisation, _ = Organisation.objects.get_or_create(
            slug=slugify(name)[:200],
            defaults={"name_en": name, "acronym": ACRONYMS.get(name, ""), "reviewed": False},
        )
        return organisation
