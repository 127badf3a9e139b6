"""iCalendar (RFC 5545) feeds of the meetings.

A meeting is an all-day event (its days, DTEND the day after the last one, as RFC 5545
wants for DATE values); each session of its programme is a timed event in the meeting's
time zone, with the VTIMEZONE it names, or an all-day event when the programme gives only
its day (no time is made up). UIDs come from primary keys, so they stay the same
however a meeting is renamed, and calendars that subscribed update their events instead of
doubling them.
"""

import datetime

from django.utils import timezone
from icalendar import Calendar, Event

PRODID = "-//Social Production of Habitat platform//Meetings//EN"
UID_DOMAIN = "sph-platform"


def meeting_uid(meeting):
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def session_uid(session):
    return f"session-{session.pk}@{UID_DOMAIN}"


def build_calendar(meetings, *, absolute_url, name):
    """A calendar of ``meetings`` (their sessions prefetched). ``absolute_url(path)`` makes
    the links absolute. Meetings without known days are skipped: see MeetingQuerySet.in_calendar."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    for meeting in meetings:
        if not meeting.start_date:
            continue
        url = absolute_url(meeting.get_absolute_url())
        event = Event()
        event.add("uid", meeting_uid(meeting))
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.start_date)
        event.add("dtend", meeting.last_day + datetime.timedelta(days=1))
        event.add("summary", meeting.name)
        if meeting.place_text():
            event.add("location", meeting.place_text())
        if meeting.location:
            event.add("geo", (meeting.location.y, meeting.location.x))
        event.add("description", "\n\n".join(part for part in [meeting.description, url] if part))
        event.add("url", url)
        event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC).replace(microsecond=0))
        calendar.add_component(event)
        for session in meeting.sessions.all():
            calendar.add_component(session_event(session, meeting, url, stamp))
    # One VTIMEZONE per TZID that the sessions use, as RFC 5545 requires.
    calendar.add_missing_timezones()
    return calendar


def session_event(session, meeting, url, stamp):
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", stamp)
    if session.is_timed:
        starts = session.starts()
        event.add("dtstart", starts)
        # A session without an end time is shown as a point in time rather than given an
        # invented length.
        event.add("dtend", session.ends() or starts)
    else:
        # Known by its day only: an all-day event, DTEND exclusive as for the meeting.
        event.add("dtstart", session.day)
        event.add("dtend", session.day + datetime.timedelta(days=1))
    event.add("summary", f"{session.title} ({meeting.name})")
    if meeting.place_text():
        event.add("location", meeting.place_text())
    details = [session.description]
    if session.speakers:
        details.append(", ".join(session.speaker_list()))
    details.append(url)
    event.add("description", "\n\n".join(part for part in details if part))
    event.add("url", url)
    event.add("related-to", meeting_uid(meeting))
    return event
