import csv
import datetime
from pathlib import Path

from django.contrib.gis.geos import Point
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from habitat.models import Organisation
from hubs.models import Hub, Meeting, Session
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
    "CODI": "Community Organizations Development Institute (CODI)",
    "La Ciguë": "La Ciguë (Coopérative de logement pour personnes en formation)",
    "mehr als wohnen": "Baugenossenschaft mehr als wohnen",
}
ACRONYMS = {"Groupement des coopératives d'habitation genevoises": "GCHG"}

# Projects of the directory that a meeting's source says it visited (the Bangkok leg's
# "visit of the Bang Bua Canal project", co-habitat.net's page of the meeting). Linked only
# if the directory has them: the Penang leg's Armenian Street project is not in it, so its
# visit stays an item of the programme and links to nothing.
VISITS = {"2019-asian-regional-meeting-on-collective-housing-bangkok-leg": ["bang-bua-canal-community-upgrading"]}

# sessions.csv and participants.csv hold only what the page in their ``source`` column says,
# and that page must be one of the meeting's own sources (the meeting page cites them).
# Where a page says less, nothing is filled in: the Asian meeting's page gives days and no
# times (its items are loaded without a time), and the stored copy breaks off in the
# Penang leg's 16 October item, so 16 and 17 October are left out. The 2013 World Habitat
# Day's page names a morning and an afternoon round table but its timed programme could not
# be read, so that day has participants and no programme. The 2024 page's "18:30 to 20:30
# CET" is Geneva's wall-clock time, which is how sessions store times.


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
        "Load the real HUBs and meetings (hubs/demo_data/meetings.csv, with their sources), and the programmes "
        "and participants that those sources give (sessions.csv, participants.csv). Run after load_demo, "
        "which loads the organisations and projects they link to. Safe to run again: it updates, never duplicates."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        hubs = self.load_hubs()
        created = updated = 0
        meetings = {}
        for row in read("meetings.csv"):
            meeting, is_new = self.load_meeting(row, hubs)
            meetings[meeting.slug] = meeting
            created += is_new
            updated += not is_new
        sessions = self.load_sessions(meetings)
        participations = self.load_participants(meetings)
        self.stdout.write(
            f"Demo meetings: {len(hubs)} HUBs, {created} meetings created, {updated} updated, "
            f"{sessions} programme items, {participations} participating organisations."
        )

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

    def sourced_meeting(self, row, meetings, name):
        """The meeting a row of ``name`` is about, once its source is found among the meeting's."""
        meeting = meetings.get(row["meeting"])
        if meeting is None:
            raise CommandError(f"{name}: no meeting “{row['meeting']}” in meetings.csv.")
        if row["source"].strip() not in meeting.source_urls():
            raise CommandError(f"{name}: “{row['source']}” is not one of the sources of “{meeting.slug}”.")
        return meeting

    def load_sessions(self, meetings):
        """The programmes, keyed on meeting, day and title: a second run updates the same items."""
        count = 0
        for row in read("sessions.csv"):
            meeting = self.sourced_meeting(row, meetings, "sessions.csv")
            key = {"meeting": meeting, "day": datetime.date.fromisoformat(row["day"]), "title": row["title"].strip()}
            fields = {
                # A day alone stays a day alone: no time is made up.
                "start_time": datetime.time.fromisoformat(row["start"]) if row["start"].strip() else None,
                "end_time": datetime.time.fromisoformat(row["end"]) if row["end"].strip() else None,
                "description": row["description"].strip(),
                "speakers": "\n".join(name.strip() for name in row["speakers"].split(";") if name.strip()),
            }
            Session(**key, **fields).full_clean()
            session, _ = Session.objects.update_or_create(**key, defaults=fields)
            session.organisations.set(self.organisations_in(row["organisations"]))
            count += 1
        return count

    def load_participants(self, meetings):
        """Each demo meeting's participating organisations are those the file names, no others."""
        taking_part = {slug: [] for slug in meetings}
        for row in read("participants.csv"):
            meeting = self.sourced_meeting(row, meetings, "participants.csv")
            taking_part[meeting.slug].append(self.organisation_named(row["organisation"].strip()))
        for slug, organisations in taking_part.items():
            meetings[slug].participants.set(organisations)
        return sum(len(organisations) for organisations in taking_part.values())

    def organisations_in(self, cell):
        names = [part.strip() for part in cell.split(";") if part.strip()]
        return [self.organisation_named(name) for name in dict.fromkeys(names)]

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
