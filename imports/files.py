"""Reading a network's file into a table of text cells: a CSV (UTF-8, comma or semicolon) or a
GeoJSON FeatureCollection of points, whose properties are the columns and whose points give
two more, longitude and latitude. Whatever is wrong with the file as a whole raises
``UnreadableFile`` with a message for staff; what is wrong with one feature is kept for its row.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

# Larger lists are split before they are imported: a few thousand projects is a network's
# whole list (France's lists about a thousand), and the preview checks every row within the
# request (about 3 ms a row).
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5_000
GEOMETRY_COLUMNS = ("longitude", "latitude")


class UnreadableFile(ValueError):
    """The file cannot be imported at all; the message says why."""


@dataclass
class Table:
    headers: list
    rows: list
    # {row number (from 1): what is wrong with the row as read}
    problems: dict = field(default_factory=dict)
    format: str = "csv"


def read(uploaded, *, name):
    """The table of an uploaded file, by its name's extension (or its content)."""
    if uploaded.size > MAX_BYTES:
        raise UnreadableFile(
            _("The file is too large (%(size)s MB): split it into files of at most %(max)s MB.")
            % {"size": round(uploaded.size / 1024 / 1024, 1), "max": MAX_BYTES // 1024 // 1024}
        )
    data = uploaded.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(
            _("The file is not in UTF-8. Save it again as “CSV UTF-8” (or GeoJSON, which is always UTF-8).")
        ) from None
    if "\x00" in text:
        raise UnreadableFile(_("This is not a CSV or GeoJSON file."))
    lowered = name.lower()
    if lowered.endswith((".geojson", ".json")) or (not lowered.endswith(".csv") and text.lstrip().startswith("{")):
        table = read_geojson(text)
    elif lowered.endswith((".csv", ".txt")):
        table = read_csv(text)
    else:
        raise UnreadableFile(_("Only CSV files (.csv) and GeoJSON files (.geojson) can be imported."))
    if not table.rows:
        raise UnreadableFile(_("The file has no rows of projects under its header."))
    if len(table.rows) > MAX_ROWS:
        raise UnreadableFile(
            _("The file has %(count)d rows: split it into files of at most %(max)d rows.")
            % {"count": len(table.rows), "max": MAX_ROWS}
        )
    return table


def _headers(names):
    """Headers as staff will match them: empty ones named by their place, each one once."""
    headers = []
    for index, header in enumerate(names, 1):
        header = str(header).strip() or _("column %(number)d") % {"number": index}
        if header in headers:
            raise UnreadableFile(_("Two columns are named “%(name)s”: rename one of them.") % {"name": header})
        headers.append(header)
    return headers


def read_csv(text):
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        raise UnreadableFile(_("The file is empty."))
    # The header says which separator the file uses: spreadsheets in French and Spanish save
    # with semicolons, since their decimal point is a comma.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        records = [record for record in reader if any(cell.strip() for cell in record)]
    except csv.Error as error:
        raise UnreadableFile(_("The file is not a valid CSV file (%(error)s).") % {"error": error}) from None
    headers = _headers(records[0])
    rows, problems = [], {}
    for number, record in enumerate(records[1:], 1):
        cells = [cell.strip() for cell in record]
        extra = [cell for cell in cells[len(headers) :] if cell]
        if extra:
            problems[number] = _("it has %(count)d values for %(columns)d columns.") % {
                "count": len(cells),
                "columns": len(headers),
            }
        rows.append((cells + [""] * len(headers))[: len(headers)])
    return Table(headers, rows, problems)


def _cell(value):
    """A GeoJSON property as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_cell(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def read_geojson(text):
    try:
        data = json.loads(text)
    except ValueError:
        raise UnreadableFile(_("The file is not valid JSON, so not a GeoJSON file.")) from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise UnreadableFile(_("The GeoJSON file must be a FeatureCollection, with one feature per project."))
    features = [feature for feature in features if isinstance(feature, dict)]
    for feature in features:
        if not isinstance(feature.get("properties"), dict):
            feature["properties"] = {}
    if not any(_point(feature) for feature in features):
        raise UnreadableFile(_("The GeoJSON file has no points: each project must be a Point feature."))
    names = []
    for feature in features:
        for name in feature["properties"]:
            if name not in names:
                names.append(name)
    # Named in English whatever the page's language, like the columns of the file itself.
    geometry_columns = [column if column not in names else f"geometry {column}" for column in GEOMETRY_COLUMNS]
    headers = _headers([*names, *geometry_columns])
    rows, problems = [], {}
    for number, feature in enumerate(features, 1):
        properties = feature["properties"]
        point = _point(feature)
        if point is None:
            geometry = feature.get("geometry") or {}
            problems[number] = _("its geometry is not a point (%(type)s): only points can be imported.") % {
                "type": geometry.get("type") if isinstance(geometry, dict) else "—"
            }
            point = ("", "")
        rows.append([_cell(properties.get(name)) for name in names] + [_cell(point[0]), _cell(point[1])])
    return Table(headers, rows, problems, format="geojson")


def _point(feature):
    """``(longitude, latitude)`` of a Point feature, or None."""
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        return None
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        return None
    return coordinates[0], coordinates[1]
