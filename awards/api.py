"""The awards of the read-only API (habitat/api.py): each award with its editions and the
projects they distinguished, as the award pages show them."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from awards.models import Award, Edition, Nomination
from habitat.api import ERRORS, PAGE_SIZE, page, page_of, read


class NominationOut(Schema):
    project_name: str
    project_id: int | None
    country: str
    result: str
    level: str
    category: str | None


class EditionOut(Schema):
    year: int
    label: str
    region: str
    url: str
    nominations: list[NominationOut]


class AwardOut(Schema):
    slug: str
    name: str
    url: str
    website: str
    description: str
    editions: list[EditionOut]


def nomination_representation(nomination):
    project = nomination.public_project  # only a project the public may see
    return {
        "project_name": nomination.project_name or (project.name if project else ""),
        "project_id": project.pk if project else None,
        "country": nomination.country.code or "",
        "result": nomination.result,
        "level": nomination.level,
        "category": nomination.category.name if nomination.category else None,
    }


def award_representation(request, award):
    return {
        "slug": award.slug,
        "name": award.name,
        "url": request.build_absolute_uri(award.get_absolute_url()),
        "website": award.website,
        "description": award.description,
        "editions": [
            {
                "year": edition.year,
                "label": edition.label,
                "region": edition.region,
                "url": request.build_absolute_uri(edition.get_absolute_url()),
                "nominations": [nomination_representation(n) for n in edition.public_nominations],
            }
            for edition in award.editions.all()
        ],
    }


def awards_with_editions():
    nominations = Nomination.objects.public().select_related("project", "category").ranked()
    editions = Edition.objects.order_by("-year", "label").prefetch_related(
        Prefetch("nominations", queryset=nominations, to_attr="public_nominations")
    )
    return Award.objects.prefetch_related(Prefetch("editions", queryset=editions))


router = Router(tags=["awards"])


@read(router, "/", response={200: page_of(AwardOut), **ERRORS}, summary="Awards", url_name="awards")
def award_list(request, cursor: str | None = None, limit: int = PAGE_SIZE):
    """Awards that distinguish community-led housing, with their editions and results."""
    return page(
        request,
        awards_with_editions(),
        lambda award: award_representation(request, award),
        cursor=cursor,
        limit=limit,
    )


@read(router, "/{slug}", response={200: AwardOut, **ERRORS}, summary="One award", url_name="award")
def award_detail(request, slug: str):
    award = awards_with_editions().filter(slug=slug).first()
    if award is None:
        raise HttpError(404, _("No award here."))
    return award_representation(request, award)
