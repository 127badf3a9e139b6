"""Nothing a group trusts us with leaks, through any output of the site.

The sweep finds the outputs itself: it walks the URL resolver (and the sitemap), fills every
URL pattern with real objects of a directory that holds everything that could leak (see
world.py), reads every response in the three languages, as a visitor, as a stranger
with an account and as a co-editor, and fails when one of them shows

* the exact point of a group that hides where it lives, or of a draft, in any common
  spelling at 3 or more decimals (rounded or cut, with a point or a comma, in degrees,
  minutes and seconds, or as an integer of micro-degrees);
* the street address of a project whose location is approximate;
* anyone's e-mail address, or the part before its "@", to someone else;
* a draft's name, or the page of an organisation that staff have not reviewed.

A URL pattern that the sweep cannot fill must be listed in NOT_SWEPT with its reason: a new
pattern that is neither filled nor listed fails test_every_url_pattern_is_swept_or_explained.
"""

import html
import math
import re
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from projects.models import LocationPrecision
from tests.site.world import (
    DRAFT_LAT,
    DRAFT_LON,
    DRAFT_NAME,
    EMAILS,
    HIDDEN_ADDRESS,
    HIDDEN_LAT,
    HIDDEN_LON,
    fill,
    url_patterns,
)

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]

# URL patterns the sweep does not read, by name ("namespace:*" for a whole namespace), and why.
NOT_SWEPT = {
    "admin:*": (
        "The admin is for staff only, behind sign-in and a second factor, and shows staff what "
        "they moderate by design (addresses included); tests/projects/test_review.py covers what "
        "it shows of people (display names, not usernames)."
    ),
}


def is_listed(name):
    return name in NOT_SWEPT or f"{name.split(':')[0]}:*" in NOT_SWEPT


def test_every_url_pattern_is_swept_or_explained(world):
    filled = fill(world)
    names = {name for name, _localised in url_patterns()}
    neither = sorted(name for name in names if name not in filled and not is_listed(name))
    assert neither == [], "Fill these URL patterns in fill() or list them in NOT_SWEPT with a reason"
    assert sorted(set(filled) - names) == [], "These filled patterns no longer exist"


# --- What must never appear -----------------------------------------------------------------


def point_spellings(value):
    """Regular expressions for a coordinate written in the common ways, at 3+ decimals."""
    magnitude = abs(value)
    texts = set()
    for places in range(3, 8):
        for number in (round(magnitude, places), math.trunc(magnitude * 10**places) / 10**places):
            text = f"{number:.{places}f}"
            texts |= {text, text.replace(".", ",")}
    patterns = {rf"(?<![\d.,]){re.escape(text)}" for text in texts}
    # Micro-degrees and the like, as whole numbers (E5 to E7).
    patterns |= {rf"(?<!\d){round(magnitude * 10**k)}(?!\d)" for k in (5, 6, 7)}
    # Degrees, minutes and seconds; degrees and decimal minutes.
    degrees = int(magnitude)
    minutes = (magnitude - degrees) * 60
    seconds = (minutes - int(minutes)) * 60
    whole_seconds = "|".join(sorted({str(int(seconds)), str(round(seconds))}))
    patterns.add(rf"(?<!\d){degrees}\s*°\s*{int(minutes)}\s*['′’]\s*(?:{whole_seconds})(?!\d)")
    patterns.add(rf"(?<!\d){degrees}\s*°\s*{re.escape(f'{minutes:.2f}')}")
    return patterns


def forbidden(persona, world):
    """What ``persona`` must never read: (pattern, what it is)."""
    found = []
    for label, (lon, lat) in {"hidden point": (HIDDEN_LON, HIDDEN_LAT), "draft point": (DRAFT_LON, DRAFT_LAT)}.items():
        if persona == "co_editor" and label == "hidden point":
            continue  # the group's own editors see where they live, in the location form
        found += [(pattern, label) for value in (lon, lat) for pattern in point_spellings(value)]
    own = {"anonymous": set(), "stranger": {"stranger"}, "co_editor": {"co_editor", "contact"}}[persona]
    for role, address in EMAILS.items():
        if role not in own:
            found += [(re.escape(address), f"{role}'s e-mail"), (re.escape(address.split("@")[0]), f"{role}'s e-mail")]
    if persona != "co_editor":
        found.append((re.escape(HIDDEN_ADDRESS), "address of an approximate location"))
    found.append((re.escape(DRAFT_NAME), "draft's name"))
    found.append((re.escape(f"/organisations/{world.unreviewed.slug}/"), UNREVIEWED_PAGE))
    return [(re.compile(pattern), label) for pattern, label in found]


UNREVIEWED_PAGE = "link to the page of an unreviewed organisation"


def readable(content):
    """The response as text, in every form a value could hide in: raw, with HTML entities and
    percent-escapes undone, and iCalendar's folded lines joined."""
    text = content.decode("utf-8", errors="ignore")
    text = text.replace("\r\n ", "").replace("\r\n\t", "")
    return "\n".join({text, html.unescape(text), unquote(text)})


def leaks_in(content, rules):
    text = readable(content)
    return sorted({label for pattern, label in rules if pattern.search(text)})


# --- The sweep ------------------------------------------------------------------------------


def urls_to_read(world):
    """Every (URL, language header) the sweep reads: each pattern, filled, in each language."""
    urls = []
    for name, variants in fill(world).items():
        for kwargs, query in variants:
            for code in LANGUAGES:
                with translation.override(code):
                    path = reverse(name, kwargs=kwargs)
                # A localised page has an address per language; a data endpoint has one,
                # asked for in each language.
                urls.append((f"{path}?{query}" if query else path, code))
    return list(dict.fromkeys(urls))


def sitemap_urls(client):
    """Every address the sitemap gives, with its alternates in the other languages."""
    tree = ElementTree.fromstring(client.get("/sitemap.xml").content)
    found = {element.text for element in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    found |= {element.get("href") for element in tree.iter("{http://www.w3.org/1999/xhtml}link")}
    return sorted(urlsplit(url).path for url in found if url)


PERSONAS = ["anonymous", "stranger", "co_editor"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_output_shows_what_a_group_trusts_us_with(client, world, persona):
    if persona != "anonymous":
        client.force_login(world.people[persona])
    rules = forbidden(persona, world)
    unreviewed_name = re.compile(re.escape(world.unreviewed.name))
    project_pages = set()
    for code in LANGUAGES:
        with translation.override(code):
            project_pages.add(world.project.get_absolute_url())
    assert world.project.location_precision == LocationPrecision.APPROXIMATE

    read = urls_to_read(world) + [(path, "en") for path in sitemap_urls(client)]
    problems = []
    for url, code in read:
        response = client.get(url, headers={"accept-language": code})
        if response.status_code >= 500:
            problems.append(f"{url} [{code}]: {response.status_code}")
            continue
        content = b"".join(response) if response.streaming else response.content
        found = leaks_in(content, rules)
        if f"/organisations/{world.unreviewed.slug}/" in url:
            # Asked for its page (a 404), whose language links name the address asked for.
            found = [label for label in found if label != UNREVIEWED_PAGE]
        # An organisation that staff have not reviewed keeps its name on the project's page only.
        if (
            persona != "co_editor"
            and urlsplit(url).path not in project_pages
            and unreviewed_name.search(readable(content))
        ):
            found.append("name of an unreviewed organisation")
        if found:
            problems.append(f"{url} [{code}]: {', '.join(found)}")
    assert len(read) > 300
    assert problems == []


def test_the_sweep_sees_what_it_looks_for(client, world):
    """The sweep's eyes, tested: each rule finds its secret in the spellings it claims to."""
    rules = forbidden("anonymous", world)
    samples = {
        "hidden point": ["36.822", "-1,2921", "36.8219", "1.292066", "1°17'31\"S", "36° 49′ 19″", "3682194"],
        "draft point": ["14.717", "-17.4677", "17,46768"],
        "editor's e-mail": [EMAILS["editor"], f"mailto:{EMAILS['editor'].replace('@', '%40')}"],
        "address of an approximate location": [HIDDEN_ADDRESS],
        "draft's name": [DRAFT_NAME],
    }
    for label, spellings in samples.items():
        for spelling in spellings:
            assert label in leaks_in(f"<p>{spelling}</p>".encode(), rules), spelling
    # The public point of the hidden project (its cell's centre) and the meeting's place are fine.
    assert leaks_in(b"36.825000, -1.295000; 36.817, -1.286; 36.82, -1.29", rules) == []


def test_an_approximate_public_point_never_gives_the_exact_one_at_three_decimals(world):
    public = world.project.public_location
    assert (round(public.x, 3), round(public.y, 3)) != (round(HIDDEN_LON, 3), round(HIDDEN_LAT, 3))


# --- The public point itself ----------------------------------------------------------------


def test_public_point_is_stable_so_repeated_answers_cannot_be_averaged(client, world):
    answers = {client.get("/projects/map.json?bbox=36.7,-1.4,36.9,-1.2&zoom=18").content for _ in range(3)}
    assert len(answers) == 1


def test_moving_a_hidden_project_within_its_cell_changes_nothing_public(client, world):
    before = client.get("/projects/map.json?zoom=18&bbox=36.7,-1.4,36.9,-1.2").content
    world.project.location.x = HIDDEN_LON + 0.002
    world.project.save()
    assert client.get("/projects/map.json?zoom=18&bbox=36.7,-1.4,36.9,-1.2").content == before


def test_changing_precision_to_exact_publishes_the_point_and_back_hides_it(world):
    project = world.project
    project.location_precision = LocationPrecision.EXACT
    project.save(update_fields=["location_precision"])
    project.refresh_from_db()
    assert project.public_location.coords == (HIDDEN_LON, HIDDEN_LAT)
    project.location_precision = LocationPrecision.APPROXIMATE
    project.save(update_fields=["location_precision"])
    project.refresh_from_db()
    assert project.public_location.coords != (HIDDEN_LON, HIDDEN_LAT)
