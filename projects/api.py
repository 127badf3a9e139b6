"""The projects and programmes of the read-only API (habitat/api.py): the list's filters, and
each project as its one public representation (projects.representation)."""

from typing import Literal

from django.shortcuts import redirect
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from habitat.api import ERRORS, PAGE_SIZE, page, page_of, read
from projects.filters import ProjectFilter
from projects.models import HousingModel, Programme, Project, Stage
from projects.representation import FIELDS, public_representation


class PointOut(Schema):
    latitude: float
    longitude: float
    approximate: bool


class ProjectOut(Schema):
    id: int
    slug: str
    name: str
    summary: str
    url: str
    city: str
    country: str
    country_name: str
    address: str
    stage: str
    stage_label: str
    housing_models: list[str]
    tenure: str
    dwellings: int | None
    inhabitants: int | None
    start_year: int | None
    completion_year: int | None
    priority_neighbourhood: bool
    website: str
    original_language: str
    published: str | None
    point: PointOut | None


def representation(request, project):
    return public_representation(project, absolute_url=request.build_absolute_uri)


projects = Router(tags=["projects"])

# A parameter that may be given several times (country=FR&country=TH), or not at all.
SEVERAL = Query(None)


@read(projects, "/", response={200: page_of(ProjectOut), **ERRORS}, summary="Projects", url_name="projects")
def project_list(
    request,
    q: str | None = None,
    country: list[str] = SEVERAL,
    stage: list[Stage] = SEVERAL,
    housing_model: list[HousingModel] = SEVERAL,
    organisation: str | None = None,
    programme: str | None = None,
    priority_neighbourhood: Literal["true", "false"] | None = None,
    award: Literal["any", "won"] | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
):
    """Published projects, with the filters of the project list: a search (`q`), countries
    (ISO codes), stages, housing models (each may be given several times: a project with any
    of them), an organisation or programme (by slug), in priority
    neighbourhoods (`true`/`false`), with an award (`any`/`won`). Oldest first, by `id`.
    The list's own rules read the query string (the parameters above document it)."""
    filterset = ProjectFilter(request.GET, queryset=Project.objects.public(), request=request)
    if not filterset.is_valid():
        fields = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.form.errors.items())
        raise HttpError(400, _("Some filters are not valid.") + f" {fields}")
    return page(
        request,
        filterset.qs.only(*FIELDS),
        lambda project: representation(request, project),
        cursor=cursor,
        limit=limit,
    )


@read(
    projects,
    "/{project_id}",
    response={200: ProjectOut, 301: None, **ERRORS},
    summary="One project",
    description="A project merged into another one answers with a permanent redirect to it.",
    url_name="project",
)
def project_detail(request, project_id: int):
    project = Project.objects.public().filter(pk=project_id).only(*FIELDS).first()
    if project is None:
        target = Project.objects.public().filter(merged_projects__pk=project_id).first()
        if target is None:
            raise HttpError(404, _("No public project here."))
        return redirect("api-v1:project", project_id=target.pk, permanent=True)
    return representation(request, project)


# --- Programmes --------------------------------------------------------------------------------


class ProgrammeOut(Schema):
    slug: str
    name: str
    summary: str
    url: str
    country: str
    start_year: int | None
    end_year: int | None
    website: str
    lead_organisation: str | None


def programme_representation(request, programme):
    lead = programme.lead_organisation
    return {
        "slug": programme.slug,
        "name": programme.name,
        "summary": programme.summary,
        "url": request.build_absolute_uri(programme.get_absolute_url()),
        "country": programme.country.code or "",
        "start_year": programme.start_year,
        "end_year": programme.end_year,
        "website": programme.website,
        # By slug; only reviewed organisations can lead a programme (limit_choices_to).
        "lead_organisation": lead.slug if lead else None,
    }


programmes = Router(tags=["programmes"])


@read(
    programmes,
    "/",
    response={200: page_of(ProgrammeOut), **ERRORS},
    summary="Programmes of support",
    url_name="programmes",
)
def programme_list(request, cursor: str | None = None, limit: int = PAGE_SIZE):
    """Programmes and policies that support community-led housing."""
    return page(
        request,
        Programme.objects.select_related("lead_organisation"),
        lambda programme: programme_representation(request, programme),
        cursor=cursor,
        limit=limit,
    )


@read(programmes, "/{slug}", response={200: ProgrammeOut, **ERRORS}, summary="One programme", url_name="programme")
def programme_detail(request, slug: str):
    programme = Programme.objects.select_related("lead_organisation").filter(slug=slug).first()
    if programme is None:
        raise HttpError(404, _("No programme here."))
    return programme_representation(request, programme)
