from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic import ListView
from django_filters.views import FilterView

from habitat import geo, ratelimits
from habitat.counting import CappedPaginator, count_or_estimate
from habitat.models import Organisation
from habitat.page_cache import cached_for_visitors
from habitat.ratelimits import RateLimit
from habitat.representation import organisation_structured_data
from habitat.translation import asked_language
from projects import maps, notifications, opendata
from projects.filters import ProjectFilter
from projects.forms import ContactForm, ReportForm
from projects.models import Axis, MapCell, OpenDataSnapshot, Programme, Project, ProjectReport
from projects.models.maps import AGGREGATED_ZOOMS
from projects.models.maps import FACETS as MAP_FACETS
from projects.models.project import PEERS_SHOWN
from projects.representation import public_representation, structured_data
from projects.stats import project_statistics

LATEST_PROJECTS_ON_HOME = 6


@cached_for_visitors
def home(request):
    public = Project.objects.public()
    return render(
        request,
        "home.html",
        {
            # Kept counted as projects are published (projects.models.maps), not counted here.
            "figures": MapCell.objects.figures(),
            "latest_projects": public.newest_first().with_covers()[:LATEST_PROJECTS_ON_HOME],
            "founding_organisations": Organisation.objects.founding().order_by("slug"),
        },
    )


@method_decorator(cached_for_visitors, name="dispatch")
class ProjectListView(FilterView):
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    paginate_by = 20
    # An invalid filter shows its error next to the field and an empty list, not a 500.
    strict = True

    def get_queryset(self):
        return Project.objects.public()

    def paginate_queryset(self, queryset, page_size):
        listed, self.counted = self.filterset.listed(queryset)
        return super().paginate_queryset(listed.with_covers(), page_size)

    def get_paginator(self, queryset, per_page, **kwargs):
        # Counts every matching project (self.object_list), lists at most listed_at_most. With
        # the map's filters alone, the map's counts say exactly how many match.
        facets = self.filterset.facets()
        return CappedPaginator(
            queryset,
            per_page,
            cap=self.filterset.listed_at_most,
            matching=self.object_list,
            counted=self.counted,
            known_total=MapCell.objects.total(**facets) if facets is not None else None,
            **kwargs,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Pages keep every parameter but the page; the map takes the filters alone.
        query = self.request.GET.copy()
        query.pop("page", None)
        context["page_query"] = query.urlencode()
        context["filter_query"] = self.filterset.filter_query()
        # The map shows every matching project, wherever it is; the list may follow its view.
        context["map_query"] = self.filterset.filter_query("area")
        self.filterset.show_value_counts()
        return context


@cached_for_visitors
def project_detail(request, slug):
    try:
        project = Project.objects.public().with_confirmation().get(slug=slug)
    except Project.DoesNotExist:
        return _redirect_to_merged_project(slug)
    # An organisation named by the group keeps its name on the page but has no page of its
    # own (no link) until staff have reviewed it.
    actors = project.actors.select_related("organisation").annotate(
        organisation_is_public=Exists(Organisation.objects.public().filter(pk=OuterRef("organisation")))
    )
    representation = public_representation(project, absolute_url=request.build_absolute_uri)
    photos = list(project.photos.all())
    # Link previews and search engines show the group's first photo.
    image = request.build_absolute_uri(photos[0].image.url) if photos else None
    # The awards app adds the reverse relation; projects does not import it.
    nominations = project.nominations.select_related("edition__award", "category").order_by(
        "-edition__year", "edition__award__slug", "pk"
    )
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "actors": actors,
            "nominations": nominations,
            "photos": photos,
            "documents": project.documents.all(),
            # HUB meetings and conferences that visited the project (hubs.Meeting.visited_projects).
            "meetings": project.visiting_meetings.order_by("-year", "-start_date"),
            # The policies app adds the reverse relation; projects does not import it.
            "policies": project.policies.order_by("-year", "slug"),
            # Groups find their peers: projects like this one anywhere, and those close by.
            "peers": Project.objects.peers_of(project)[:PEERS_SHOWN],
            "near": Project.objects.near(project)[:PEERS_SHOWN],
            "representation": representation,
            "structured_data": structured_data(representation, image=image),
            "can_edit": project.can_edit(request.user),
            "can_write_to_group": bool(notifications.contact_recipients(project)),
        },
    )


# Visitors' forms send e-mail, so robots and floods must not turn them into a spam relay.
# Per address: a person writes a few messages an hour. Per project: a flood from many
# addresses still stops at a day's worth for the group.
CONTACT_LIMITS = (
    RateLimit("contact-ip", limit=5, period=60 * 60),
    RateLimit("contact-project", limit=20, period=24 * 60 * 60),
)
REPORT_LIMITS = (
    RateLimit("report-ip", limit=5, period=60 * 60),
    RateLimit("report-project", limit=20, period=24 * 60 * 60),
)


def _visitor_form(request, project, *, form, limits, thanks, send, template):
    """A form that a visitor sends about a public project (a message, a report): honeypot,
    rate limits, then ``send(form)`` and thanks on the project's page; or the form again with
    everything typed and why it was not sent."""
    if form.is_bound and form.filled_honeypot():
        # Answered as if it had worked, so that a robot learns nothing; nothing is sent.
        messages.success(request, thanks)
        return redirect(project)
    status = 200
    if form.is_valid():
        per_address, per_project = limits
        counted = [(per_address, ratelimits.client_address(request)), (per_project, project.pk)]
        if not ratelimits.exceeded(counted):
            ratelimits.record(counted)
            send(form)
            messages.success(request, thanks)
            return redirect(project)
        form.add_error(
            None,
            _(
                "Too many messages have come from your connection or gone to this project lately. "
                "Your text is kept here: try again later."
            ),
        )
        status = 429
    return render(request, template, {"project": project, "form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def project_contact(request, slug):
    """A visitor writes to the group. The message is relayed by e-mail to the project's
    contact address and its editors; no address of theirs ever appears on the site."""
    project = get_object_or_404(Project.objects.public(), slug=slug)
    if not notifications.contact_recipients(project):
        raise Http404("This project has nobody to write to.")

    def send(form):
        data = form.cleaned_data
        notifications.relay_message(project, name=data["name"], email=data["email"], message=data["message"])

    return _visitor_form(
        request,
        project,
        form=ContactForm(request.POST if request.method == "POST" else None),
        limits=CONTACT_LIMITS,
        thanks=_("Thank you: your message is on its way to the group. They will answer you by e-mail."),
        send=send,
        template="projects/project_contact.html",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def project_report(request, slug):
    """A visitor reports a problem on a public page; it waits in the moderators' queue."""
    project = get_object_or_404(Project.objects.public(), slug=slug)
    return _visitor_form(
        request,
        project,
        form=ReportForm(request.POST if request.method == "POST" else None, instance=ProjectReport(project=project)),
        limits=REPORT_LIMITS,
        thanks=_("Thank you for your report: a moderator will look into it."),
        send=lambda form: notifications.reported(form.save()),
        template="projects/project_report.html",
    )


def _redirect_to_merged_project(slug):
    """A duplicate merged into another project keeps its address: it leads, for good, to the
    project it was merged into (if that one is public)."""
    target = Project.objects.public().filter(merged_projects__slug=slug).first()
    if target is None:
        raise Http404("No public project here.")
    return redirect(target, permanent=True)


def _bad_request(message, errors=None):
    payload = {"error": message}
    if errors:
        payload["fields"] = errors
    return JsonResponse(payload, status=400)


# The most projects that map.json clusters one by one (any filter the map's counts do not hold).
MAP_CLUSTERED_AT_MOST = 10_000


@require_safe
@cached_for_visitors
def map_json(request):
    """The projects of a map view as GeoJSON, clustered in PostGIS.

    Takes ``bbox=west,south,east,north`` and ``zoom`` plus every filter of the list page, and
    ``lang``: the language of the page that shows the map (names, stages, countries).
    Answers at most one feature per cluster cell, so its size depends on the view, not on
    the size of the directory.
    """
    with translation.override(asked_language(request)):
        return _map_json(request)


def _map_view(request):
    """``(bbox, zoom, filterset)`` of a request of the map's data, or the 400 that answers it."""
    try:
        bbox = geo.BoundingBox.parse(request.GET.get("bbox", "-180,-90,180,90"))
        zoom = geo.parse_zoom(request.GET.get("zoom", "2"))
    except geo.BadMapRequest as error:
        return _bad_request(str(error))
    filterset = ProjectFilter(request.GET, queryset=Project.objects.public(), request=request)
    if not filterset.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in filterset.form.errors.items()}
        return _bad_request(_("Some filters are not valid."), errors)
    return bbox, zoom, filterset


def _map_json(request):
    view = _map_view(request)
    if isinstance(view, JsonResponse):
        return view
    bbox, zoom, filterset = view
    matching = filterset.qs.order_by()
    facets = filterset.facets()
    if facets is not None and zoom in AGGREGATED_ZOOMS:
        # Counted in advance (projects.models.maps): a few thousand rows, not every project.
        cells = MapCell.objects.clusters(zoom=zoom, bbox=bbox, **facets)
        total = MapCell.objects.total(**facets)
        shown_at_most = None
    else:
        # Any other filter: the matching projects in view are clustered themselves, the first
        # MAP_CLUSTERED_AT_MOST found when a common search word fills the view.
        cells, complete, read = matching.in_bbox(bbox).clusters(zoom=zoom, at_most=MAP_CLUSTERED_AT_MOST)
        # A view of the whole world grouped every matching project (up to the cap): counted.
        counted = read if bbox.is_whole_world else None
        total, _estimated = count_or_estimate(matching, MAP_CLUSTERED_AT_MOST, counted=counted)
        shown_at_most = None if complete else MAP_CLUSTERED_AT_MOST
    found = maps.features(cells, zoom=zoom)
    return JsonResponse(
        {
            "type": "FeatureCollection",
            "features": found,
            "in_view": sum(f["properties"].get("count", 1) for f in found),
            "total": total,
            # Set when the map shows only some of the matching projects in view; total
            # is exact up to MAP_CLUSTERED_AT_MOST, PostgreSQL's estimate past it.
            "shown_at_most": shown_at_most,
            "zoom": zoom,
        }
    )


@require_safe
@cached_for_visitors
def map_charts(request):
    """The projects of a map view by stage, country and housing model (the charts beside the
    list's map), asked with the same parameters as ``map_json`` once its markers are drawn:
    the map does not wait for them."""
    with translation.override(asked_language(request)):
        view = _map_view(request)
        if isinstance(view, JsonResponse):
            return view
        bbox, zoom, filterset = view
        facets = filterset.facets()
        if facets is not None and zoom in AGGREGATED_ZOOMS:
            counts = MapCell.objects.in_view(zoom=zoom, bbox=bbox, **facets)
        else:
            in_view = filterset.qs.in_bbox(bbox)
            counts = {facet: in_view.count_by(facet) for facet in MAP_FACETS}
        return JsonResponse({"charts": maps.charts(counts)})


# --- Open data ------------------------------------------------------------------------------


def export_limit():
    """Exports read the whole directory: a client may start a few an hour (EXPORTS_PER_HOUR)."""
    return RateLimit("export", limit=settings.EXPORTS_PER_HOUR, period=60 * 60)


@require_safe
def export(request, format):
    """The projects of the list's filters as CSV (RFC 4180) or GeoJSON (RFC 7946), streamed."""
    filterset = ProjectFilter(request.GET, queryset=Project.objects.public(), request=request)
    if not filterset.is_valid():
        errors = {name: [str(e) for e in errs] for name, errs in filterset.form.errors.items()}
        return _bad_request(_("Some filters are not valid."), errors)
    counted = [(export_limit(), ratelimits.client_address(request))]
    if ratelimits.exceeded(counted):
        message = _("Too many exports from your address in the last hour. Try again later, or use a dated snapshot.")
        return JsonResponse({"error": message}, status=429)
    ratelimits.record(counted)
    matching = filterset.qs
    if format == "csv":
        content, content_type = opendata.csv_lines(matching, request.build_absolute_uri), "text/csv; charset=utf-8"
    else:
        title = _("Community-led housing projects")
        content = opendata.geojson_chunks(matching, request.build_absolute_uri, title=title)
        content_type = "application/geo+json"
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="sph-projects.{format}"'
    response["Link"] = f'<{settings.OPEN_DATA_LICENCE_URL}>; rel="license"'
    return response


@cached_for_visitors
def open_data(request):
    """What the open data holds, under which licence, and every way to take it."""
    columns = [
        {"column": column, "codes": list(column.codes.choices) if column.codes else []} for column in opendata.COLUMNS
    ]
    context = {"columns": columns, "licence": opendata.licence(), "snapshots": OpenDataSnapshot.objects.all()[:24]}
    return render(request, "projects/open_data.html", context)


# --- Programmes of support and statistics -----------------------------------------------


@cached_for_visitors
def programme_list(request):
    programmes = (
        Programme.objects.with_figures()
        .select_related("lead_organisation")
        .prefetch_related(Prefetch("funders", Organisation.objects.public()))
        .order_by("-start_year", "slug")
    )
    return render(request, "projects/programme_list.html", {"programmes": programmes})


@cached_for_visitors
def programme_detail(request, slug):
    """A programme, its actions along its three axes, its figures and the map of the
    projects it supports (the list's own map, filtered by the programme)."""
    programme = get_object_or_404(
        Programme.objects.select_related("lead_organisation").prefetch_related(
            Prefetch("funders", Organisation.objects.public())
        ),
        slug=slug,
    )
    actions = list(
        programme.actions.prefetch_related(
            Prefetch("project", queryset=Project.objects.public(), to_attr="public_project")
        )
    )
    axes = [
        {"value": axis.value, "label": axis.label, "actions": [a for a in actions if a.axis == axis.value]}
        for axis in Axis
    ]
    general = [a for a in actions if not a.axis]
    return render(
        request,
        "projects/programme_detail.html",
        {
            "programme": programme,
            # The policies app adds the reverse relation; projects does not import it.
            "policies": programme.policies.order_by("-year", "slug"),
            "axes": axes,
            "general_actions": general,
            "figures": programme.figures(),
            "filter_query": f"programme={programme.slug}",
        },
    )


@cached_for_visitors
def statistics(request):
    return render(request, "projects/stats.html", project_statistics())


# --- Organisations, with the public projects that name them ------------------------------


@method_decorator(cached_for_visitors, name="dispatch")
class OrganisationListView(ListView):
    template_name = "projects/organisation_list.html"
    context_object_name = "organisations"

    def get_queryset(self):
        # Each row's number of public projects is kept on the organisation as they change.
        return Organisation.objects.public().order_by("-is_founding_member", "-is_member", "slug")


# An organisation's page shows its newest projects; the list, filtered by it, has them all.
ORGANISATION_PAGE_PROJECTS = 12


@cached_for_visitors
def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation.objects.public(), slug=slug)
    projects = (Project.objects.public().with_organisation(organisation).newest_first().with_covers())[
        :ORGANISATION_PAGE_PROJECTS
    ]
    return render(
        request,
        "projects/organisation_detail.html",
        {
            "organisation": organisation,
            "projects": projects,
            "structured_data": organisation_structured_data(organisation, absolute_url=request.build_absolute_uri),
        },
    )
