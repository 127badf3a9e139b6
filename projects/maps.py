"""The features of the clustered project map (served by ``views.map_json``)."""

from habitat import geo
from projects.models.project import STACK_LIST_LIMIT
from projects.representation import COORDINATE_PLACES, public_markers


def _point(x, y):
    return {"type": "Point", "coordinates": [round(x, COORDINATE_PLACES), round(y, COORDINATE_PLACES)]}


def _is_listed(cell, zoom):
    """Whether a cell is shown as its projects rather than as a number."""
    min_x, min_y, max_x, max_y = cell["extent"]
    unsplittable = (min_x == max_x and min_y == max_y) or zoom >= geo.MAX_ZOOM
    return cell["count"] == 1 or (unsplittable and cell["count"] <= STACK_LIST_LIMIT)


def _projects_by_cell(queryset, cells, zoom):
    """The public markers of the projects of the given cells, in one query: those the cells
    name (``members``, from ``ProjectQuerySet.clusters``), or else those in their ranges of
    keys (``MapCell.objects.clusters``)."""
    if not cells:
        return {}
    if all(cell.get("members") for cell in cells):
        cell_of = {pk: cell["cell"] for cell in cells for pk in cell["members"]}
        members = public_markers(queryset.filter(pk__in=cell_of).order_by("pk"))
        markers = [(cell_of[pk], marker) for pk, marker in members]
    else:
        projects = queryset.in_cells([cell["cell"] for cell in cells], zoom=zoom).order_by("pk")
        markers = public_markers(projects, key="cell")
    by_cell = {}
    for cell, marker in markers:
        by_cell.setdefault(cell, []).append(marker)
    return by_cell


def features(cells, projects, *, zoom):
    """GeoJSON features for the clustered ``cells`` at ``zoom`` (``ProjectQuerySet.clusters``
    or ``MapCell.objects.clusters``), whose members are among ``projects``.

    A cell with one project is that project; a cell of projects that no zoom can split is a
    "stack" listing them; any other cell is a "cluster" with its count and extent. One query
    for the members, whatever the number of projects.
    """
    members = _projects_by_cell(projects, [cell for cell in cells if _is_listed(cell, zoom)], zoom)
    result = []
    for cell in cells:
        projects = members.get(cell["cell"], [])
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
            }
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
