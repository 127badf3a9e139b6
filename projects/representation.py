"""The one public representation of a project: the fields every public output shows, its
public point and its address.

The map's popups, the project page's map and its structured data (schema.org), and next the
exports, feeds and API, all read a project through ``public_representation``; the map's
markers read a part of it (``markers``, from ``ProjectQuerySet.marker_values``, which the
map's clustering statements join). Apart from the map's clustering (which averages public points in
PostGIS), nothing else turns ``public_location`` into output, so what a group asked to hide
is decided here once.
"""

import functools
import json

from django.utils.translation import get_language
from django_countries.fields import Country

from habitat.representation import SCHEMA_ORG, postal_address
from habitat.uploads import thumbnail_name
from projects.models.project import HousingModel, Project, ProjectPhoto, Stage

# Decimal places of published coordinates: 6 is about 10 cm, finer than any public point.
COORDINATE_PLACES = 6

# The fields a query must load for public_representation(), e.g. for .only().
FIELDS = [
    "id",
    "slug",
    "name_en",
    "name_fr",
    "name_es",
    "summary_en",
    "summary_fr",
    "summary_es",
    "original_language",
    "city",
    "country",
    "address",
    "location_precision",
    "public_location",
    "stage",
    "housing_models",
    "tenure",
    "dwellings",
    "inhabitants",
    "start_year",
    "completion_year",
    "priority_neighbourhood",
    "website",
    "published_at",
]


@functools.lru_cache(maxsize=1024)
def _country_name(code, language):
    # django-countries translates the name in the active language, which is the cache's key.
    return str(Country(code).name)


def country_name(code):
    """The name of the country ``code`` in the active language (looked up once per language:
    the map's markers and the exports name a country for each project)."""
    return _country_name(code, get_language())


def country_names():
    """``name(code)``, as ``country_name``, with the active language looked up once."""
    return functools.partial(_country_name, language=get_language())


def public_point(project):
    """``{"latitude", "longitude", "approximate"}`` of the point the public may see, or None."""
    point = project.public_location
    if point is None:
        return None
    return {
        "latitude": round(point.y, COORDINATE_PLACES),
        "longitude": round(point.x, COORDINATE_PLACES),
        # Approximate: the centre of a cell of about 1 km, never the group's own point.
        "approximate": not project.has_exact_location,
    }


def public_representation(project, *, absolute_url=None):
    """What the public may know of ``project``, in the active language.

    ``absolute_url(path)`` makes its address absolute (structured data, exports need it).
    """
    url = project.get_absolute_url()
    return {
        # The project's number: it never changes, and a project merged into another one
        # keeps answering with the other's (the open data's stable identifier).
        "id": project.pk,
        "slug": project.slug,
        "name": project.name,
        "summary": project.summary,
        "url": absolute_url(url) if absolute_url else url,
        "city": project.city,
        "country": project.country.code,
        "country_name": country_name(project.country.code),
        "address": project.public_address,
        "stage": project.stage,
        # The stage's own label: get_stage_display() translates every stage to find it, a
        # third of the time of this function for each project of a map or an export.
        "stage_label": str(Stage(project.stage).label),
        "housing_models": list(project.housing_models),
        "tenure": project.tenure,
        "dwellings": project.dwellings,
        "inhabitants": project.inhabitants,
        "start_year": project.start_year,
        "completion_year": project.completion_year,
        "priority_neighbourhood": project.priority_neighbourhood,
        "website": project.website,
        "original_language": project.original_language,
        "published": project.published_at.date().isoformat() if project.published_at else None,
        "point": public_point(project),
    }


# A popup shows the beginning of a project's summary: about two lines.
POPUP_SUMMARY_CHARACTERS = 200


def _beginning(text, length=POPUP_SUMMARY_CHARACTERS):
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def markers():
    """``marker(*MARKER_VALUES)``: the part of ``public_representation`` that the map shows
    of a project on its own (name, page, place, public point, stage, housing model and the
    beginning of its summary), with the language looked up once for a whole map view."""
    address, country_name_of = Project.page_addresses(), country_names()
    stage_labels = {value: str(label) for value, label in Stage.choices}
    model_labels = {value: str(label) for value, label in HousingModel.choices}

    storage = ProjectPhoto._meta.get_field("image").storage

    def marker(
        slug, city, country, shown_name, longitude, latitude, stage, housing_models, shown_summary, cover, unconfirmed
    ):
        # A project of several housing models is drawn in the colour of the first it gives.
        cover = json.loads(cover) if cover else None
        housing_model = housing_models[0] if housing_models else ""
        return {
            "name": shown_name or "",
            "url": address(slug),
            "city": city,
            "country_name": country_name_of(country),
            # Rounded to COORDINATE_PLACES where the map writes it (maps._point).
            "point": {"latitude": latitude, "longitude": longitude},
            "stage": stage,
            "stage_label": stage_labels.get(stage, ""),
            "housing_model": housing_model,
            "housing_model_label": model_labels.get(housing_model, ""),
            "summary": _beginning(shown_summary or ""),
            "photo": cover
            and {"url": storage.url(thumbnail_name(cover["image"], cover["width"])), "alt": cover["alt"]},
            # Its group did not say whether it is still current (projects.confirmation).
            "unconfirmed": unconfirmed,
        }

    return marker


def structured_data(representation, *, image=None):
    """schema.org data for search engines, from the public representation only.

    ``image`` is the absolute address of a public photo of the project, if it has one.
    """
    data = {
        "@context": SCHEMA_ORG,
        "@type": "Place",
        "name": representation["name"],
        "description": representation["summary"],
        "url": representation["url"],
    }
    # The public address: empty when the group asked to hide where it lives.
    address = postal_address(
        city=representation["city"], country=representation["country"], street=representation["address"]
    )
    if address:
        data["address"] = address
    point = representation["point"]
    if point:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": point["latitude"], "longitude": point["longitude"]}
    if image:
        data["image"] = image
    return data
