"""The meetings of the read-only API (habitat/api.py): HUB meetings, the annual conference and
the forums, as their pages show them."""

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from habitat.api import ERRORS, PAGE_SIZE, page, page_of, read
from hubs.models import Meeting


class MeetingOut(Schema):
    slug: str
    name: str
    kind: str
    hub: str | None
    url: str
    start_date: str | None
    end_date: str | None
    year: int | None
    city: str
    country: str
    latitude: float | None
    longitude: float | None
    description: str


def meeting_representation(request, meeting):
    # A meeting's place is the centre of its city, public: a meeting is no one's home.
    place = meeting.location
    return {
        "slug": meeting.slug,
        "name": meeting.name,
        "kind": meeting.kind,
        "hub": meeting.hub.slug if meeting.hub else None,
        "url": request.build_absolute_uri(meeting.get_absolute_url()),
        "start_date": meeting.start_date.isoformat() if meeting.start_date else None,
        "end_date": meeting.end_date.isoformat() if meeting.end_date else None,
        "year": meeting.year,
        "city": meeting.city,
        "country": meeting.country.code or "",
        "latitude": round(place.y, 6) if place else None,
        "longitude": round(place.x, 6) if place else None,
        "description": meeting.description,
    }


router = Router(tags=["meetings"])


@read(router, "/", response={200: page_of(MeetingOut), **ERRORS}, summary="Meetings", url_name="meetings")
def meeting_list(request, cursor: str | None = None, limit: int = PAGE_SIZE):
    """HUB meetings, the annual conference and the forums, upcoming and past."""
    return page(
        request,
        Meeting.objects.visible_to(request.user).select_related("hub"),
        lambda meeting: meeting_representation(request, meeting),
        cursor=cursor,
        limit=limit,
    )


@read(router, "/{slug}", response={200: MeetingOut, **ERRORS}, summary="One meeting", url_name="meeting")
def meeting_detail(request, slug: str):
    meeting = Meeting.objects.visible_to(request.user).select_related("hub").filter(slug=slug).first()
    if meeting is None:
        raise HttpError(404, _("No meeting here."))
    return meeting_representation(request, meeting)
