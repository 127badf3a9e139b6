"""The features of the clustered project map (served by ``views.map_json``)."""

from django.db.models import F

from habitat import geo

# A stack (projects on one spot, which no zoom can split) lists its projects in the popup
# up to this many; a bigger one stays a cluster.
STACK_LIST_LIMIT = 20


def _point(x, y):
    return {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]}


def _is_listed(cell, zoom):
    """Whether a cell is shown as its projects rather than as a number."""
    min_x, min_y, max_x, max_y = cell["extent"]
    unsplittable = (min_x == max_x and min_y == max_y) or zoom >= geo.MAX_ZOOM
    return cell["count"] == 1 or (unsplittable and cell["count"] <= STACK_LIST_LIMIT)


def _projects_by_cell(queryset, cells, zoom):
    """The projects of the given cells, in one query."""
    by_cell = {}
    if not cells:
        return by_cell
    rows = (
        queryset.annotate(cell=F("map_cell").bitrightshift(geo.cluster_shift(zoom)))
        .filter(cell__in=cells)
        .only("slug", "name_en", "name_fr", "name_es", "original_language", "city", "country", "public_location")
        .order_by("pk")
    )
    for project in rows:
        by_cell.setdefault(project.cell, []).append(project)
    return by_cell


def features(queryset, *, zoom):
    """GeoJSON features for ``queryset`` (projects already limited to the view) at ``zoom``.

    A cell with one project is that project; a cell of projects that no zoom can split is a
    "stack" listing them; any other cell is a "cluster" with its count and extent. Two
    queries whatever the number of projects.
    """
    cells = geo.clusters(queryset, zoom=zoom)
    members = _projects_by_cell(queryset, [cell["cell"] for cell in cells if _is_listed(cell, zoom)], zoom)
    result = []
    for cell in cells:
        projects = members.get(cell["cell"], [])
        if len(projects) == 1:
            (project,) = projects
            geometry = _point(project.public_location.x, project.public_location.y)
            properties = {
                "kind": "project",
                "name": project.name,
                "url": project.get_absolute_url(),
                "city": project.city,
                "country": project.country.name,
            }
        elif projects:
            geometry = _point(cell["x"], cell["y"])
            properties = {
                "kind": "stack",
                "count": cell["count"],
                "projects": [{"name": p.name, "url": p.get_absolute_url()} for p in projects],
            }
        else:
            geometry = _point(cell["x"], cell["y"])
            properties = {
                "kind": "cluster",
                "count": cell["count"],
                "bounds": [round(value, 6) for value in cell["extent"]],
            }
        result.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return result
