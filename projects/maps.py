"""The features of the clustered project map (served by ``views.map_json``)."""

from projects.representation import COORDINATE_PLACES, markers


def _point(x, y):
    return {"type": "Point", "coordinates": [round(x, COORDINATE_PLACES), round(y, COORDINATE_PLACES)]}


def features(cells):
    """GeoJSON features for the clustered ``cells`` (``ProjectQuerySet.clusters`` or
    ``MapCell.objects.clusters``), which come with the markers of the projects they list.

    A cell with one project is that project; a cell of projects that no zoom can split is a
    "stack" listing them; any other cell is a "cluster" with its count and extent.
    """
    marker = markers()
    result = []
    for cell in cells:
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
