"""The directory as open data: the columns every export shows, and the exports themselves.

Every output (CSV, GeoJSON, the dated snapshots, the open data page's codebook) is made from
``COLUMNS``, and every value from the one public representation of a project
(projects.representation): the same fields and the same public point everywhere, never a
contact address or a hidden point.

Exports are streamed from a server-side cursor, a chunk of rows at a time: memory stays flat
and the first bytes leave at once, whatever the size of the directory.
"""

import csv
import json
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from projects.models import HousingModel, Stage, Tenure
from projects.representation import FIELDS, public_representation

# Rows fetched from PostgreSQL at a time.
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str
    codes: object = None  # a TextChoices class whose values the column takes
    geometry: bool = False  # in GeoJSON, the feature's geometry rather than a property

    def value(self, representation):
        point = representation["point"] or {}
        if self.name in ("latitude", "longitude"):
            return point.get(self.name)
        if self.name == "location_approximate":
            return point.get("approximate") if point else None
        return representation[self.name]


COLUMNS = [
    Column(
        "id",
        _("integer"),
        _(
            "The project's stable identifier. It never changes; when two listings of one project are "
            "merged, the identifier of the one withdrawn leads to the one kept."
        ),
    ),
    Column("name", _("text"), _("The project's name, in the language of the export, or its original language.")),
    Column("summary", _("text"), _("A few sentences on the project, written by the group.")),
    Column("url", _("URL"), _("The project's page on the platform.")),
    Column("city", _("text"), _("The city, town or village.")),
    Column("country", _("code"), _("The country, as its ISO 3166-1 alpha-2 code.")),
    Column("country_name", _("text"), _("The country's name.")),
    Column(
        "address",
        _("text"),
        _("The street address, empty when the group asked to show only an approximate location."),
    ),
    Column("latitude", _("decimal degrees"), _("WGS 84 latitude of the public point."), geometry=True),
    Column("longitude", _("decimal degrees"), _("WGS 84 longitude of the public point."), geometry=True),
    Column(
        "location_approximate",
        _("true or false"),
        _(
            "True when the group asked to hide where it lives: the point is then the centre of a "
            "cell of about 1 km, never the group's own."
        ),
    ),
    Column("stage", _("code"), _("Where the project stands."), Stage),
    Column(
        "housing_models",
        _("codes"),
        _("How the housing is held and run; several codes, separated by semicolons in CSV."),
        HousingModel,
    ),
    Column("tenure", _("code"), _("How the inhabitants hold their homes; empty when not said."), Tenure),
    Column("dwellings", _("integer"), _("The number of homes; empty when not said.")),
    Column("inhabitants", _("integer"), _("The number of inhabitants; empty when not said.")),
    Column("start_year", _("year"), _("The year the group started.")),
    Column("completion_year", _("year"), _("The year the homes were completed.")),
    Column(
        "priority_neighbourhood",
        _("true or false"),
        _("In a priority or low-income neighbourhood (for example a French QPV)."),
    ),
    Column("website", _("URL"), _("The project's own website.")),
    Column("original_language", _("code"), _("The language the group wrote in (en, fr or es).")),
    Column("published", _("date"), _("The day the project was first published on the platform.")),
]


def licence():
    return {"name": settings.OPEN_DATA_LICENCE_NAME, "url": settings.OPEN_DATA_LICENCE_URL}


def representations(queryset, absolute_url):
    """The public representation of every project of ``queryset``, read a chunk at a time."""
    for project in queryset.only(*FIELDS).order_by("pk").iterator(chunk_size=CHUNK_SIZE):
        yield public_representation(project, absolute_url=absolute_url)


# --- CSV (RFC 4180) ---------------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value):
    """A text cell as data, never as a formula: prefixed with an apostrophe (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    return neutralised(value)


class _Line:
    """What csv.writer writes to: hands each line back instead of keeping it."""

    def write(self, value):
        return value


def csv_lines(queryset, absolute_url):
    # The licence travels with the file: a column of its own, the same on every row.
    writer = csv.writer(_Line())  # lines end in CRLF, as RFC 4180 says
    yield writer.writerow([column.name for column in COLUMNS] + ["licence"])
    for representation in representations(queryset, absolute_url):
        yield writer.writerow(
            [csv_cell(column.value(representation)) for column in COLUMNS] + [settings.OPEN_DATA_LICENCE_URL]
        )


# --- GeoJSON (RFC 7946) -------------------------------------------------------------------------


def geojson_feature(representation):
    point = representation["point"]
    geometry = {"type": "Point", "coordinates": [point["longitude"], point["latitude"]]} if point else None
    properties = {column.name: column.value(representation) for column in COLUMNS if not column.geometry}
    return {"type": "Feature", "id": representation["id"], "geometry": geometry, "properties": properties}


def geojson_chunks(queryset, absolute_url, *, title):
    # Foreign members (RFC 7946 §6.1) say what the data is and under which licence.
    head = {"type": "FeatureCollection", "name": str(title), "license": licence()}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n'
    separator = ""
    for representation in representations(queryset, absolute_url):
        yield separator + json.dumps(geojson_feature(representation), ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


# --- Dated snapshots ------------------------------------------------------------------------------


def codebook():
    """The fields of the open data, in words (English), with every code and what it means."""
    lines = ["# Codebook", "", "Every column of projects.csv, and every property of projects.geojson", ""]
    with translation.override("en"):
        for column in COLUMNS:
            lines.append(f"## {column.name}")
            lines.append(f"{column.kind}. {column.description}")
            for value, label in column.codes.choices if column.codes else []:
                lines.append(f"- `{value}`: {label}")
            lines.append("")
    lines += [
        "## merged.csv",
        "Projects that were listed twice: `withdrawn_id`, the identifier of the listing withdrawn, and",
        "`kept_id`, the one it was merged into. A withdrawn identifier never names another project.",
        "",
    ]
    return "\n".join(lines)


def readme(made_on, count):
    site = settings.SITE_URL
    return "\n".join(
        [
            f"Community-led housing projects of the Social Production of Habitat platform, {made_on:%Y-%m-%d}",
            "",
            f"{count:,} published projects, as the platform showed them on that day ({site}).",
            f"Licence: {settings.OPEN_DATA_LICENCE_NAME}, {settings.OPEN_DATA_LICENCE_URL}",
            "",
            "To cite: Social Production of Habitat platform. Community-led housing projects, snapshot of "
            f"{made_on:%Y-%m-%d}. {site}/en/open-data/",
            "",
            "Files: projects.csv (RFC 4180, UTF-8), projects.geojson (RFC 7946), merged.csv, codebook.md.",
            "Contact addresses are never published; a group that asked to hide where it lives has only a",
            "point rounded to about 1 km and no street address.",
            "",
        ]
    )


def write_snapshot(archive, queryset, merged, made_on):
    """The zip of a snapshot, written to the open file ``archive`` a chunk at a time."""

    def absolute_url(path):
        return f"{settings.SITE_URL}{path}"

    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        with bundle.open("projects.csv", "w") as out:
            for line in csv_lines(queryset, absolute_url):
                out.write(line.encode())
        with bundle.open("projects.geojson", "w") as out:
            title = f"Community-led housing projects, {made_on:%Y-%m-%d}"
            for chunk in geojson_chunks(queryset, absolute_url, title=title):
                out.write(chunk.encode())
        with bundle.open("merged.csv", "w") as out:
            out.write(b"withdrawn_id,kept_id\r\n")
            for withdrawn, kept in merged:
                out.write(f"{withdrawn},{kept}\r\n".encode())
        bundle.writestr("codebook.md", codebook())
        bundle.writestr("README.txt", readme(made_on, queryset.count()))
