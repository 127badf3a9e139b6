"""The read-only API (/api/v1/): projects, organisations, meetings, awards and programmes as
JSON, described in OpenAPI 3 at /api/v1/openapi.json, with browsable docs at /api/v1/docs.

Each app writes its own part (projects/api.py, hubs/api.py, awards/api.py; organisations
here) from the same public representations as its pages. This module holds what they share:
the API object, the per-client rate limit and cursor pagination.
"""

import base64
import binascii
import functools
import hashlib
import inspect
import typing

from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema
from ninja.errors import HttpError
from ninja.throttling import AnonRateThrottle
from pydantic import create_model

from habitat import ratelimits
from habitat.models import Organisation

# Results per page of a list, unless the client asks for fewer (or more, up to the maximum).
PAGE_SIZE, MAX_PAGE_SIZE = 50, 200


class PerClientThrottle(AnonRateThrottle):
    """Requests per client address, the address as the rate limits of the forms read it
    (behind the trusted proxies), hashed so that the cache table holds no IP address."""

    def get_cache_key(self, request):
        digest = hashlib.sha256(ratelimits.client_address(request).encode()).hexdigest()[:32]
        return f"throttle_api_{digest}"


# --- Cursor pagination -------------------------------------------------------------------------
# Rows are listed by their number, and a page ends with a cursor that says where the next one
# starts: deep pages cost what the first one does, and rows added meanwhile are not skipped.


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    detail: list


# What any operation may answer besides its result: a wrong filter, cursor or limit (400), no
# such object (404), a parameter of the wrong type (422, ninja's own check), too many requests
# from this client (429).
ERRORS = {400: ErrorOut, 404: ErrorOut, 422: InvalidOut, 429: ErrorOut}


def page_of(schema):
    """The schema of a page of ``schema`` rows."""
    return create_model(f"{schema.__name__}Page", __base__=Schema, results=(list[schema], ...), next=(str | None, ...))


def encode_cursor(pk):
    return base64.urlsafe_b64encode(f"after:{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _sep, number = text.partition(":")
        if prefix != "after" or not number.isdigit() or len(number) > 18:
            raise ValueError
        return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise HttpError(400, _("This cursor is not one that the API gave: start again from the first page.")) from None


def page(request, queryset, represent, *, cursor=None, limit=PAGE_SIZE):
    """One page of ``queryset`` in the order of its primary key, each row through
    ``represent``, with the address of the next page (or null after the last)."""
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise HttpError(400, _("limit must be between 1 and %(most)s.") % {"most": MAX_PAGE_SIZE})
    if cursor:
        queryset = queryset.filter(pk__gt=decode_cursor(cursor))
    rows = list(queryset.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_url = None
    if more:
        query = request.GET.copy()
        query["cursor"] = encode_cursor(rows[-1].pk)
        next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    return {"results": [represent(row) for row in rows], "next": next_url}


def read(router, path, **options):
    """A read-only operation: GET, and HEAD as monitors and link checkers ask.

    A parameter takes one value unless the operation declares it a list (``country:
    list[str]``, several countries): one given twice (``limit=5&limit=500``) is refused rather
    than read as the last of them, which the client may not have meant."""

    def register(view):
        lists = {
            name
            for name, annotation in inspect.get_annotations(view, eval_str=True).items()
            if list in (typing.get_origin(annotation), *map(typing.get_origin, typing.get_args(annotation)))
        }

        @functools.wraps(view)
        def given_once(request, *args, **kwargs):
            repeated = sorted(name for name, values in request.GET.lists() if len(values) > 1 and name not in lists)
            if repeated:
                raise HttpError(400, _("Give each parameter once: %(names)s.") % {"names": ", ".join(repeated)})
            return view(request, *args, **kwargs)

        return router.api_operation(["GET", "HEAD"], path, **options)(given_once)

    return register


# --- Organisations -----------------------------------------------------------------------------


class OrganisationOut(Schema):
    slug: str
    name: str
    acronym: str
    kind: str
    url: str
    city: str
    country: str
    website: str
    founded_year: int | None
    is_member: bool
    description: str


def organisation_representation(request, organisation):
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "acronym": organisation.acronym,
        "kind": organisation.kind,
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
        "city": organisation.city,
        "country": organisation.country.code or "",
        "website": organisation.website,
        "founded_year": organisation.founded_year,
        "is_member": organisation.is_member,
        "description": organisation.description,
    }


organisations = Router(tags=["organisations"])


@read(
    organisations,
    "/",
    response={200: page_of(OrganisationOut), **ERRORS},
    summary="Organisations",
    url_name="organisations",
)
def organisation_list(request, cursor: str | None = None, limit: int = PAGE_SIZE):
    """The organisations that staff have reviewed: networks, federations, support bodies."""
    return page(
        request,
        Organisation.objects.public(),
        lambda organisation: organisation_representation(request, organisation),
        cursor=cursor,
        limit=limit,
    )


@read(
    organisations,
    "/{slug}",
    response={200: OrganisationOut, **ERRORS},
    summary="One organisation",
    url_name="organisation",
)
def organisation_detail(request, slug: str):
    organisation = Organisation.objects.public().filter(slug=slug).first()
    if organisation is None:
        raise HttpError(404, _("No organisation here."))
    return organisation_representation(request, organisation)


def build_api():
    # Imported here: each app's API module imports this one for what they share.
    from awards.api import router as awards
    from hubs.api import router as meetings
    from projects.api import programmes, projects

    api = NinjaAPI(
        title="Social Production of Habitat platform",
        version="1",
        description=(
            "The directory of community-led housing projects, read-only, as JSON. Texts come in the "
            "language of the Accept-Language header (en, fr or es). Lists are paged with cursors: follow "
            "`next`. Every output holds only what the public pages show: no contact address, and for a "
            "group that asked to hide where it lives, a point rounded to about 1 km."
        ),
        urls_namespace="api-v1",
        throttle=[PerClientThrottle("600/h")],
    )
    api.add_router("/projects/", projects)
    api.add_router("/organisations/", organisations)
    api.add_router("/meetings/", meetings)
    api.add_router("/awards/", awards)
    api.add_router("/programmes/", programmes)
    return api
