import datetime
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext

from habitat.models import Organisation
from habitat.page_cache import cached_for_visitors
from hubs import calendar, feeds
from hubs.calendar import MeetingFilter
from hubs.models import Hub, Meeting, Session
from hubs.representation import structured_data
from projects.models import Project


def _map_points(meetings):
    """The meetings with a place, grouped by place (Geneva has many), for the /hubs/ map."""
    points = {}
    for meeting in meetings:
        if not meeting.location:
            continue
        key = (round(meeting.location.y, 3), round(meeting.location.x, 3))
        point = points.setdefault(key, {"lat": key[0], "lng": key[1], "place": meeting.place_text(), "meetings": []})
        point["meetings"].append(
            {"name": meeting.name, "url": meeting.get_absolute_url(), "when": meeting.dates_text()}
        )
    return list(points.values())


@cached_for_visitors
def hub_list(request):
    meetings = list(Meeting.objects.select_related("hub"))
    upcoming = set(Meeting.objects.upcoming().values_list("pk", flat=True))
    past = set(Meeting.objects.past().values_list("pk", flat=True))
    hubs = list(Hub.objects.all())
    by_hub = {hub.pk: {"hub": hub, "upcoming": [], "past": [], "undated": []} for hub in hubs}
    global_events = {"upcoming": [], "past": [], "undated": []}
    for meeting in meetings:
        group = by_hub[meeting.hub_id] if meeting.hub_id else global_events
        when = "upcoming" if meeting.pk in upcoming else "past" if meeting.pk in past else "undated"
        group[when].append(meeting)
    for group in [*by_hub.values(), global_events]:
        group["upcoming"].sort(key=lambda m: (m.year, m.start_date is None, m.start_date))
    return render(
        request,
        "hubs/hub_list.html",
        {
            "hub_groups": list(by_hub.values()),
            "global_events": global_events,
            "map_points": _map_points(meetings),
            "map_labels": {
                "meetings": gettext("Meetings in {place}"),
                # Translators: one marker for places too near each other to be told apart on
                # the map; {count} is 2 or more.
                "nearby": gettext("Meetings in {count} places near each other"),
            },
        },
    )


@cached_for_visitors
def hub_detail(request, slug):
    hub = get_object_or_404(Hub, slug=slug)
    meetings = hub.meetings.all()
    return render(
        request,
        "hubs/hub_detail.html",
        {
            "hub": hub,
            "upcoming": meetings.upcoming(),
            "past": meetings.past(),
            "undated": meetings.undated(),
        },
    )


def _programme():
    """A meeting's sessions with the organisations that visitors may see, for its programme."""
    organisations = Organisation.objects.public().order_by("slug")
    return Prefetch("sessions", Session.objects.prefetch_related(Prefetch("organisations", organisations)))


@cached_for_visitors
def meeting_detail(request, slug):
    organisations = Organisation.objects.public()
    meeting = get_object_or_404(
        Meeting.objects.select_related("hub").prefetch_related(
            _programme(),
            Prefetch("organisers", organisations),
            Prefetch("participants", organisations),
            Prefetch("visited_projects", Project.objects.public().order_by("slug")),
            "documents",
            "photos",
        ),
        slug=slug,
    )
    return render(
        request,
        "hubs/meeting_detail.html",
        {"meeting": meeting, "structured_data": structured_data(meeting, absolute_url=request.build_absolute_uri)},
    )


def _conference_events(year):
    """The platform-wide events of ``year``, each with its programme."""
    return list(
        Meeting.objects.global_events().filter(year=year).order_by("start_date", "pk").prefetch_related(_programme())
    )


@cached_for_visitors
def conference(request):
    """The years, and the current conference with its programme: the year of the next
    platform-wide event, or of the latest one when none is coming."""
    events = Meeting.objects.global_events().filter(year__isnull=False)
    years = list(events.values_list("year", flat=True).distinct().order_by("-year"))
    current = events.upcoming().values_list("year", flat=True).first() or (years[0] if years else None)
    return render(
        request,
        "hubs/conference.html",
        {"years": years, "current_year": current, "meetings": _conference_events(current) if current else []},
    )


@cached_for_visitors
def conference_year(request, year):
    meetings = _conference_events(year)
    if not meetings:
        raise Http404("No conference that year.")
    return render(request, "hubs/conference_year.html", {"year": year, "meetings": meetings})


@cached_for_visitors
def meeting_calendar(request):
    """The meetings known to the day, as a list (upcoming, then past, by month) or as a month's
    grid (``?view=month&month=2024-10``), with the filters of hubs.calendar."""
    filterset = MeetingFilter(request.GET, queryset=Meeting.objects.in_calendar().select_related("hub"))
    meetings = filterset.qs if filterset.is_valid() else Meeting.objects.none()
    view = "month" if request.GET.get("view") == "month" else "list"
    filters = urlencode({name: value for name, value in filterset.data.items() if name in filterset.filters and value})
    context = {"filter": filterset, "view": view, "filter_query": filters}
    if view == "list":
        context["upcoming"] = calendar.by_month(meetings.upcoming().order_by("start_date", "pk"))
        context["past"] = calendar.by_month(meetings.past())
        return render(request, "hubs/calendar.html", context)

    asked = request.GET.get("month", "")
    parsed = calendar.parse_month(asked)
    today = timezone.now().astimezone(datetime.UTC).date()
    year, month = parsed or (today.year, today.month)
    first, last = calendar.grid_bounds(year, month)
    month_start = datetime.date(year, month, 1)
    month_end = datetime.date(*calendar.shifted(year, month, 1), 1) - datetime.timedelta(days=1)
    shown = list(calendar.held_between(meetings, first, last).order_by("start_date", "pk"))
    # Meetings are months apart: the nearest months that have one, either side.
    earlier = (
        meetings.filter(start_date__lt=month_start).order_by("-start_date").values_list("start_date", flat=True).first()
    )
    later = (
        meetings.filter(start_date__gt=month_end).order_by("start_date").values_list("start_date", flat=True).first()
    )
    names, _first = calendar.weekdays()
    context.update(
        {
            "month_error": bool(asked) and parsed is None,
            "asked_month": asked[:20],
            "month_label": calendar.month_text(year, month),
            "weekdays": names,
            "weeks": calendar.month_grid(year, month, shown),
            "in_month": [
                meeting for meeting in shown if meeting.start_date <= month_end and meeting.last_day >= month_start
            ],
            "previous_month": calendar.month_value(datetime.date(*calendar.shifted(year, month, -1), 1)),
            "next_month": calendar.month_value(datetime.date(*calendar.shifted(year, month, 1), 1)),
            "earlier": earlier
            and {"value": calendar.month_value(earlier), "label": calendar.month_text(earlier.year, earlier.month)},
            "later": later
            and {"value": calendar.month_value(later), "label": calendar.month_text(later.year, later.month)},
        }
    )
    return render(request, "hubs/calendar.html", context)


def _calendar_response(request, meetings, name, filename):
    calendar = feeds.build_calendar(meetings, absolute_url=request.build_absolute_uri, name=name)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def calendar_ics(request):
    """Every meeting known to the day, or those of the calendar page's filters."""
    filterset = MeetingFilter(request.GET, queryset=Meeting.objects.in_calendar())
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            gettext("Some filters are not valid: correct them to see the meetings."),
            content_type="text/plain; charset=utf-8",
        )
    meetings = filterset.qs.order_by("start_date", "pk").prefetch_related("sessions")
    return _calendar_response(request, meetings, gettext("Social Production of Habitat meetings"), "meetings.ics")


def meeting_ics(request, slug):
    meeting = get_object_or_404(Meeting.objects.prefetch_related("sessions"), slug=slug)
    if not meeting.start_date:
        # Nothing to put in a calendar without inventing a day.
        raise Http404("This meeting's days are not known.")
    return _calendar_response(request, [meeting], meeting.name, f"{meeting.slug}.ics")
