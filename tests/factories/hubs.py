"""Factories for HUBs, meetings and their programmes."""

import datetime
import itertools

from django.contrib.gis.geos import Point

from hubs.models import Hub, Meeting, Session

_counter = itertools.count(1)


def make_hub(**fields):
    n = next(_counter)
    fields.setdefault("name_en", f"Region {n}")
    fields.setdefault("slug", f"region-{n}")
    fields.setdefault("description_en", "A region's network of inhabitant groups.")
    return Hub.objects.create(**fields)


def make_meeting(*, lon=6.143, lat=46.204, **fields):
    """A two-day HUB meeting in Geneva, in 2019, unless told otherwise."""
    n = next(_counter)
    fields.setdefault("name_en", f"HUB meeting {n}")
    fields.setdefault("slug", f"hub-meeting-{n}")
    fields.setdefault("description_en", "Groups met to visit projects and share what they learnt.")
    fields.setdefault("kind", Meeting.Kind.HUB_MEETING)
    if "year" not in fields:
        fields.setdefault("start_date", datetime.date(2019, 6, 5))
        fields.setdefault("end_date", fields["start_date"] + datetime.timedelta(days=1))
    fields.setdefault("time_zone", "Europe/Zurich")
    fields.setdefault("city", "Geneva")
    fields.setdefault("country", "CH")
    location = Point(lon, lat, srid=4326) if lon is not None else None
    meeting = Meeting(location=location, **fields)
    meeting.full_clean()
    meeting.save()
    return meeting


def make_session(meeting, *, organisations=(), **fields):
    fields.setdefault("day", meeting.start_date)
    fields.setdefault("start_time", datetime.time(9, 30))
    fields.setdefault("end_time", datetime.time(11, 0))
    fields.setdefault("title", "Welcome and introductions")
    session = Session(meeting=meeting, **fields)
    session.full_clean()
    session.save()
    session.organisations.set(organisations)
    return session
