"""Geometry shared by every map: public points, map cells, bounding boxes, zoom levels.

Pure computation on numbers and points; the queries that use it live with their models
(``ProjectQuerySet.clusters``).

Two ideas keep the map both private and fast:

* A project's *public point* is computed once, on save. For an approximate location it is
  the centre of a fixed grid cell (``APPROXIMATE_LOCATION_CELL_DEGREES``), the same value
  every time, so nothing public can average repeated answers or filter its way closer to
  the exact point: public queries only ever read the public column.
* A project's *map cell* is a 64-bit key computed from the public point: the Web-Mercator
  position at ``CELL_LEVEL`` bits per axis, with the bits of x and y interleaved (a Morton
  or Z-order code). The cell at any coarser level is the key shifted right, so clustering
  for a zoom level is ``GROUP BY map_cell >> shift``: integer arithmetic on a stored,
  indexed column, never per-request geometry snapping over the whole table. Every cell
  at a coarser level is also one contiguous key range, which keeps per-level aggregates
  cheap to maintain when the directory grows.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.utils.translation import gettext as _

# 2**24 cells per axis: about 2.4 m at the equator, finer than any point we publish.
CELL_LEVEL = 24
# A map cluster is a 64-pixel square: the tile grid of the zoom level split 4 x 4.
CLUSTER_LEVEL_OFFSET = 2
MAX_ZOOM = 18
MERCATOR_MAX_LATITUDE = 85.05112878


def public_point(point, precision_is_exact):
    """The point that public pages may show for ``point``."""
    if point is None:
        return None
    return Point(*public_coordinates(point.x, point.y, precision_is_exact), srid=4326)


def public_coordinates(longitude, latitude, precision_is_exact):
    """``public_point`` on plain numbers: ``(longitude, latitude)``."""
    if precision_is_exact:
        return longitude, latitude
    cell = settings.APPROXIMATE_LOCATION_CELL_DEGREES
    # floor() puts every point of a cell on the same centre, whichever side of zero it is.
    x = (math.floor(longitude / cell) + 0.5) * cell
    y = (math.floor(latitude / cell) + 0.5) * cell
    y = max(min(y, 90.0), -90.0)
    return round(x, 6), round(y, 6)


def interleave(x, y):
    key = 0
    for bit in range(CELL_LEVEL):
        key |= ((x >> bit) & 1) << (2 * bit)
        key |= ((y >> bit) & 1) << (2 * bit + 1)
    return key


def cell_xy(longitude, latitude):
    """The Web-Mercator cell of a position at ``CELL_LEVEL``: ``(x, y)``, y growing southwards."""
    size = 1 << CELL_LEVEL
    lat = max(min(latitude, MERCATOR_MAX_LATITUDE), -MERCATOR_MAX_LATITUDE)
    fx = (longitude + 180.0) / 360.0
    sin_lat = math.sin(math.radians(lat))
    fy = 0.5 - math.log((1 + sin_lat) / (1 - sin_lat)) / (4 * math.pi)
    return min(max(int(fx * size), 0), size - 1), min(max(int(fy * size), 0), size - 1)


def map_cell(point):
    """The Morton key of ``point`` at ``CELL_LEVEL``; see the module's docstring."""
    if point is None:
        return None
    return interleave(*cell_xy(point.x, point.y))


def cluster_shift(zoom):
    """How far to shift a map cell to get the cluster cell for a zoom level."""
    level = min(zoom + CLUSTER_LEVEL_OFFSET, CELL_LEVEL)
    return 2 * (CELL_LEVEL - level)


def cell_key_ranges(bbox, level, *, most=64):
    """``[(first, last)]`` ranges of ``level`` cell keys that cover ``bbox``, about ``most`` of
    them at most. A cell's Morton key range holds its four quadrants' ranges, so the view is
    covered by walking down the quadrants that cross it, stopping at those inside it."""
    ranges = []
    for west, south, east, north in bbox.boxes:
        shift = CELL_LEVEL - level
        x0, y0 = (value >> shift for value in cell_xy(west, north))
        x1, y1 = (value >> shift for value in cell_xy(east, south))
        ranges += _cover(x0, y0, x1, y1, level, most)
    return _merged_ranges(ranges)


def _cover(x0, y0, x1, y1, level, most):
    ranges = []
    quads = [(0, 0, 0)]  # (depth, x, y): the whole world at depth 0
    while quads:
        depth, qx, qy = quads.pop()
        span = level - depth
        first_x, first_y = qx << span, qy << span
        last_x, last_y = first_x + (1 << span) - 1, first_y + (1 << span) - 1
        if last_x < x0 or first_x > x1 or last_y < y0 or first_y > y1:
            continue
        inside = first_x >= x0 and last_x <= x1 and first_y >= y0 and last_y <= y1
        if inside or span == 0 or len(ranges) + len(quads) >= most:
            key = interleave(qx, qy) << (2 * span)
            ranges.append((key, key + (1 << (2 * span)) - 1))
            continue
        for dy in (1, 0):
            for dx in (1, 0):
                quads.append((depth + 1, 2 * qx + dx, 2 * qy + dy))
    return ranges


def _merged_ranges(ranges):
    """``ranges`` (``[(first, last)]``) in order, those that touch or overlap made one: a
    query reads each range apart, and PostgreSQL plans each one."""
    merged = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


class BadMapRequest(ValueError):
    """A bounding box or zoom that cannot be read; the message is for the user."""


@dataclass(frozen=True)
class BoundingBox:
    """A map view, already normalised: one or two boxes within -180..180 degrees.

    Leaflet reports longitudes beyond ±180 when the world repeats at low zoom or when the
    view crosses the antimeridian; such a view becomes two boxes, or the whole world.
    """

    boxes: tuple

    @classmethod
    def parse(cls, text):
        try:
            west, south, east, north = (float(part) for part in text.split(","))
        except (AttributeError, ValueError):
            raise BadMapRequest(_("The bounding box must be four numbers: west,south,east,north.")) from None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise BadMapRequest(_("The bounding box must be four finite numbers."))
        if south > north:
            raise BadMapRequest(_("In the bounding box, south must not be greater than north."))
        if not (-90 <= south <= 90 and -90 <= north <= 90):
            raise BadMapRequest(_("Latitudes in the bounding box must be between -90 and 90."))
        if abs(west) > 1e6 or abs(east) > 1e6:
            raise BadMapRequest(_("Longitudes in the bounding box are out of range."))
        # A Web-Mercator map ends at ±85.05°: a view that reaches its edge covers the pole.
        if north >= MERCATOR_MAX_LATITUDE:
            north = 90.0
        if south <= -MERCATOR_MAX_LATITUDE:
            south = -90.0
        if east < west:
            # A view that crosses the antimeridian may be sent as west > east.
            east += 360
        width = east - west
        if width >= 360:
            return cls(((-180.0, south, 180.0, north),))
        west = (west + 180) % 360 - 180
        east = west + width
        if east <= 180:
            return cls(((west, south, east, north),))
        return cls(((west, south, 180.0, north), (-180.0, south, east - 360, north)))

    @property
    def is_whole_world(self):
        (west, south, east, north), *rest = self.boxes
        return not rest and (west, south, east, north) == (-180, -90, 180, 90)

    def polygons(self):
        return [Polygon.from_bbox(box) for box in self.boxes]


def parse_zoom(text):
    try:
        zoom = int(text)
    except (TypeError, ValueError):
        raise BadMapRequest(_("The zoom must be a whole number between 0 and %(max)d.") % {"max": MAX_ZOOM}) from None
    if not 0 <= zoom <= MAX_ZOOM:
        raise BadMapRequest(_("The zoom must be a whole number between 0 and %(max)d.") % {"max": MAX_ZOOM})
    return zoom


def within_km_lookups(field, point, km):
    """The lookups that keep the points of ``field`` within ``km`` of ``point``: a bounding box
    in degrees first, which the GiST index answers (wide enough in longitude for the latitude),
    then the exact distance on the sphere."""
    degrees = km / 111.32 / max(math.cos(math.radians(point.y)), 0.01)
    return {f"{field}__dwithin": (point, degrees), f"{field}__distance_lte": (point, D(km=km))}
