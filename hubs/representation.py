"""What a meeting's public page tells search engines (schema.org Event) and link previews.

Every meeting is public (``MeetingQuerySet.visible_to``), and its place is the centre of its
city, not a venue and no one's home; its organisers are named only when their own page is
public.
"""

from habitat.representation import SCHEMA_ORG, organisation_reference, postal_address
from projects.representation import COORDINATE_PLACES


def structured_data(meeting, *, absolute_url):
    """schema.org data of ``meeting``'s page. Nothing is said that the platform does not
    record: no day for a meeting known by its year, no status, no attendance mode."""
    data = {
        "@context": SCHEMA_ORG,
        "@type": "Event",
        "name": meeting.name,
        "url": absolute_url(meeting.get_absolute_url()),
    }
    if meeting.description:
        data["description"] = meeting.description
    if meeting.start_date:
        data["startDate"] = meeting.start_date.isoformat()
        data["endDate"] = meeting.last_day.isoformat()
    elif meeting.year:
        # A year alone is a valid ISO 8601 date, and invents no day.
        data["startDate"] = str(meeting.year)
    location = _place(meeting)
    if location:
        data["location"] = location
    organisers = [
        organisation_reference(organisation, absolute_url=absolute_url)
        for organisation in meeting.organisers.public().order_by("slug")
    ]
    if organisers:
        data["organizer"] = organisers
    # The prefetched photos, if the view fetched them, in their owner's order.
    photo = next(iter(meeting.photos.all()), None)
    if photo:
        data["image"] = absolute_url(photo.image.url)
    return data


def _place(meeting):
    address = postal_address(city=meeting.city, country=meeting.country.code)
    if not address:
        return None
    place = {"@type": "Place", "name": meeting.place_text(), "address": address}
    if meeting.location:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": round(meeting.location.y, COORDINATE_PLACES),
            "longitude": round(meeting.location.x, COORDINATE_PLACES),
        }
    return place
