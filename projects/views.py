from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_filters.views import FilterView

from habitat import geo
from habitat.models import Organisation
from projects.filters import ProjectFilter
from projects.models import Project

LATEST_PROJECTS_ON_HOME = 6
# A stack (projects on one spot, which no zoom can split) lists its projects in the popup
# up to this many; a bigger one links to the list instead.
STACK_LIST_LIMIT = 20


def home(request):
    public = Project.objects.public()
    return render(
        request,
        "home.html",
        {
            "figures": public.figures(),
            "latest_projects": public.order_by("-published_at", "-pk")[:LATEST_PROJECTS_ON_HOME],
            "founding_organisations": Organisation.objects.founding().order_by("slug"),
        },
    )


class ProjectListView(FilterView):
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    paginate_by = 20
    # An invalid filter shows its error next to the field and an empty list, not a 500.
    strict = True

    def get_queryset(self):
        return Project.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_query"] = query.urlencode()
        return context


def project_detail(request, slug):
    project = get_object_or_404(Project.objects.public(), slug=slug)
    actors = project.actors.select_related("organisation")
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "actors": actors,
            "photos": project.photos.all(),
            "documents": project.documents.all(),
            "structured_data": structured_data(request, project),
        },
    )


def structured_data(request, project):
    """schema.org data for search engines, from public fields only."""
    address = {"@type": "PostalAddress", "addressLocality": project.city, "addressCountry": project.country.code}
    if project.public_address:
        address["streetAddress"] = project.public_address
    return {
        "@context": "https://schema.org",
        "@type": "Place",
        "name": project.name,
        "description": project.summary,
        "url": request.build_absolute_uri(project.get_absolute_url()),
        "address": address,
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": round(project.public_location.y, 6),
            "longitude": round(project.public_location.x, 6),
        },
    }


def _bad_request(message, errors=None):
    payload = {"error": message}
    if errors:
        payload["fields"] = errors
    return JsonResponse(payload, status=400)


@require_GET
def map_json(request):
    """The projects of a map view as GeoJSON, clustered in PostGIS.

    Takes ``bbox=west,south,east,north`` and ``zoom`` plus every filter of the list page.
    Answers at most one feature per cluster cell, so its size depends on the view, not on
    the size of the directory.
    """
    try:
        bbox = geo.BoundingBox.parse(request.GET.get("bbox", "-180,-90,180,90"))
        zoom = geo.parse_zoom(request.GET.get("zoom", "2"))
    except geo.BadMapRequest as error:
        return _bad_request(str(error))
    filterset = ProjectFilter(request.GET, queryset=Project.objects.public(), request=request)
    if not filterset.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in filterset.form.errors.items()}
        return _bad_request(_("Some filters are not valid."), errors)

    matching = filterset.qs.order_by()
    in_view = matching.in_bbox(bbox)
    cells = geo.clusters(in_view, zoom=zoom)
    at_max_zoom = zoom >= geo.MAX_ZOOM

    def listed(cell):
        min_x, min_y, max_x, max_y = cell["extent"]
        stacked = min_x == max_x and min_y == max_y
        return cell["count"] == 1 or ((stacked or at_max_zoom) and cell["count"] <= STACK_LIST_LIMIT)

    listed_cells = [cell["cell"] for cell in cells if listed(cell)]
    projects_by_cell = {}
    if listed_cells:
        rows = (
            in_view.annotate(cell=F("map_cell").bitrightshift(geo.cluster_shift(zoom)))
            .filter(cell__in=listed_cells)
            .order_by("pk")
        )
        for project in rows:
            projects_by_cell.setdefault(project.cell, []).append(
                {
                    "name": project.name,
                    "url": project.get_absolute_url(),
                    "city": project.city,
                    "country": project.country.name,
                    "x": project.public_location.x,
                    "y": project.public_location.y,
                }
            )

    features = []
    for cell in cells:
        members = projects_by_cell.get(cell["cell"])
        if members and len(members) == 1:
            project = members[0]
            geometry = [round(project["x"], 6), round(project["y"], 6)]
            properties = {"kind": "project", **{k: project[k] for k in ("name", "url", "city", "country")}}
        elif members:
            geometry = [round(cell["x"], 6), round(cell["y"], 6)]
            properties = {
                "kind": "stack",
                "count": cell["count"],
                "projects": [{"name": p["name"], "url": p["url"]} for p in members],
            }
        else:
            geometry = [round(cell["x"], 6), round(cell["y"], 6)]
            properties = {
                "kind": "cluster",
                "count": cell["count"],
                "bounds": [round(value, 6) for value in cell["extent"]],
            }
        features.append(
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": geometry}, "properties": properties}
        )
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "in_view": sum(cell["count"] for cell in cells),
            "total": matching.count(),
            "zoom": zoom,
        }
    )
