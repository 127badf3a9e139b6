"""The features of the clustered project map (served by ``views.map_json``)."""

import math

from habitat import geo
from projects.models.project import STACK_LIST_LIMIT, HousingModel, Stage
from projects.representation import COORDINATE_PLACES, country_names, markers

# The bars of the charts beside the map: every stage and housing model, the first countries.
CHART_COUNTRIES = 10

# The markers as static/js/map.js draws them, in CSS pixels (static/css/site.css, .map-project
# and .map-cluster-*): a project, and a cluster or stack by its count. Keep them in step.
PROJECT_MARKER_PIXELS = 24
CLUSTER_MARKER_PIXELS = ((10, 32), (100, 40), (math.inf, 50))
# Left between two markers, so that neither one's white ring covers the other.
MARKER_GAP_PIXELS = 2
TILE_PIXELS = 256
# Web Mercator stops here; the map cannot show a point further north or south.
MERCATOR_LATITUDE = 85.0511


def marker_pixels(count):
    if count == 1:
        return PROJECT_MARKER_PIXELS
    return next(pixels for below, pixels in CLUSTER_MARKER_PIXELS if count < below)


def _screen(x, y, zoom):
    """Where a position falls on the map's world at ``zoom``, in CSS pixels."""
    world = TILE_PIXELS * 2**zoom
    sine = math.sin(math.radians(max(-MERCATOR_LATITUDE, min(MERCATOR_LATITUDE, y))))
    return (x + 180) / 360 * world, (0.5 - math.log((1 + sine) / (1 - sine)) / (4 * math.pi)) * world


def _merge(into, cell, *, shift, zoom):
    """One cell of the two, ``cell`` moved by ``shift`` degrees of longitude (to be on the
    same copy of the world as ``into`` across the antimeridian)."""
    count = into["count"] + cell["count"]
    west, south, east, north = cell["extent"]
    extent = (
        min(into["extent"][0], west + shift),
        min(into["extent"][1], south),
        max(into["extent"][2], east + shift),
        max(into["extent"][3], north),
    )
    x = (into["x"] * into["count"] + (cell["x"] + shift) * cell["count"]) / count
    one_spot = extent[0] == extent[2] and extent[1] == extent[3]
    # Listed (as one project, or a stack) as the clustering statements list a cell: when no
    # zoom can split it; otherwise a cluster, which zooms in on its extent when chosen.
    listed = (
        count <= STACK_LIST_LIMIT and (zoom >= geo.MAX_ZOOM or one_spot) and bool(into["markers"] and cell["markers"])
    )
    return {
        "cell": into["cell"],
        "count": count,
        "x": (x + 180) % 360 - 180,
        "y": (into["y"] * into["count"] + cell["y"] * cell["count"]) / count,
        "extent": extent,
        "markers": into["markers"] + cell["markers"] if listed else [],
    }


def _overlap(px, py, size, other, world):
    """Whether a marker of ``size`` pixels at (``px``, ``py``) and ``other`` (a cell placed
    with its position) would overlap, on the nearer copy of the world."""
    cell, ox, oy = other
    dx = abs(px - ox)
    dx = min(dx, world - dx)
    reach = (size + marker_pixels(cell["count"])) / 2 + MARKER_GAP_PIXELS
    return dx < reach and abs(py - oy) < reach


def separate(cells, *, zoom):
    """``cells`` (as ``features`` takes them) with those merged whose markers would overlap on
    the screen at ``zoom``. The clustering groups projects by 64-pixel squares and places each
    group at the mean of its points, so two groups on either side of a square's edge can land
    a few pixels apart: one would hide the other, and neither would be a target that a finger
    can hit (WCAG 2.2, 2.5.8). Merged, they are one cluster that zooms in on both."""
    world = TILE_PIXELS * 2**zoom
    # A bucket as wide as the two largest markers side by side: overlapping markers are in
    # the same bucket or next to each other.
    bucket = 2 * max(pixels for _below, pixels in CLUSTER_MARKER_PIXELS)
    buckets_across = max(1, math.ceil(world / bucket))
    cells = list(cells)
    merged = True
    while merged:
        merged = False
        placed, grid = [], {}
        for cell in sorted(cells, key=lambda cell: -cell["count"]):
            px, py = _screen(cell["x"], cell["y"], zoom)
            column, row = int(px // bucket), int(py // bucket)
            size = marker_pixels(cell["count"])
            neighbour = next(
                (
                    index
                    for near in {
                        ((column + step) % buckets_across, row + rise) for step in (-1, 0, 1) for rise in (-1, 0, 1)
                    }
                    for index in grid.get(near, ())
                    if _overlap(px, py, size, placed[index], world)
                ),
                None,
            )
            if neighbour is None:
                grid.setdefault((column, row), []).append(len(placed))
                placed.append((cell, px, py))
            else:
                other, ox, oy = placed[neighbour]
                shift = 360 * round((ox - px) / world)
                placed[neighbour] = (_merge(other, cell, shift=shift, zoom=zoom), ox, oy)
                merged = True
        cells = [cell for cell, _px, _py in placed]
    return cells


def _point(x, y):
    return {"type": "Point", "coordinates": [round(x, COORDINATE_PLACES), round(y, COORDINATE_PLACES)]}


def features(cells, *, zoom):
    """GeoJSON features for the clustered ``cells`` (``ProjectQuerySet.clusters`` or
    ``MapCell.objects.clusters``) at ``zoom``, which come with the markers of the projects
    they list; cells whose markers would overlap on the screen are merged (``separate``).

    A cell with one project is that project; a cell of projects that no zoom can split is a
    "stack" listing them; any other cell is a "cluster" with its count and extent.
    """
    marker = markers()
    result = []
    for cell in separate(cells, zoom=zoom):
        projects = [marker(*values) for values in cell["markers"]]
        if len(projects) == 1:
            (project,) = projects
            point = project["point"]
            geometry = _point(point["longitude"], point["latitude"])
            properties = {
                "kind": "project",
                "name": project["name"],
                "url": project["url"],
                "city": project["city"],
                "country": project["country_name"],
                "stage": project["stage"],
                "stage_label": project["stage_label"],
                "housing_model": project["housing_model"],
                "housing_model_label": project["housing_model_label"],
                "summary": project["summary"],
                "photo": project["photo"],
            }
            if project["unconfirmed"]:
                properties["unconfirmed"] = True
        elif projects:
            geometry = _point(cell["x"], cell["y"])
            properties = {
                "kind": "stack",
                "count": cell["count"],
                "projects": [{"name": p["name"], "url": p["url"]} for p in projects],
            }
        else:
            geometry = _point(cell["x"], cell["y"])
            properties = {
                "kind": "cluster",
                "count": cell["count"],
                "bounds": [round(value, COORDINATE_PLACES) for value in cell["extent"]],
            }
        result.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return result


def charts(counts):
    """The charts beside the map, from ``{facet: {value: count}}`` (``MapCell.objects.in_view``,
    or counted from the projects; a facet not counted is None): for each facet, its bars in
    the page's language, most projects first, and how many projects the others hold."""
    labels = {
        "stage": dict(Stage.choices),
        "housing_model": dict(HousingModel.choices),
        "country": country_names(),
    }
    result = {}
    for facet, found in counts.items():
        if found is None:
            result[facet] = None
            continue
        label = labels[facet]
        bars = sorted(
            ((count, value) for value, count in found.items() if count and value), key=lambda bar: (-bar[0], bar[1])
        )
        shown = bars[:CHART_COUNTRIES] if facet == "country" else bars
        result[facet] = {
            "bars": [
                {
                    "value": value,
                    "label": str(label(value) if callable(label) else label.get(value, value)),
                    "count": count,
                }
                for count, value in shown
            ],
            "others": sum(count for count, _value in bars[len(shown) :]),
        }
    return result
