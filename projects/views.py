from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_filters.views import FilterView

from habitat import geo
from habitat.models import Organisation
from projects import maps
from projects.filters import ProjectFilter
from projects.models import Project

LATEST_PROJECTS_ON_HOME = 6


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
    found = maps.features(matching.in_bbox(bbox), zoom=zoom)
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": found,
            "in_view": sum(f["properties"].get("count", 1) for f in found),
            "total": matching.count(),
            "zoom": zoom,
        }
    )
