"""The meetings as a calendar: a month's grid or a list, filtered by HUB, kind and country, with
the iCalendar feed of the same meetings (/meetings/calendar.ics takes the same filters).

Only meetings known to the day are in a calendar (``MeetingQuerySet.in_calendar``): a meeting
known by its year alone is listed on its HUB's page, never put on a day we would invent.
"""

import calendar
import datetime
import re

import django_filters
from django.db.models import Q
from django.utils import dates, formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries

from hubs.models import Hub, Meeting

MONTH = re.compile(r"(\d{4})-(\d{2})")


def countries_with_meetings():
    codes = set(Meeting.objects.exclude(country="").values_list("country", flat=True))
    return sorted(((code, countries.name(code)) for code in codes), key=lambda choice: choice[1])


class MeetingFilter(django_filters.FilterSet):
    """The calendar's filters, shared by its page and its iCalendar feed."""

    hub = django_filters.ModelChoiceFilter(
        queryset=Hub.objects.all(),
        to_field_name="slug",
        label=_("HUB"),
        empty_label=_("Every HUB, and the conference"),
    )
    kind = django_filters.ChoiceFilter(
        choices=Meeting.Kind.choices, label=pgettext_lazy("kind of meeting", "Kind"), empty_label=_("Every kind")
    )
    country = django_filters.ChoiceFilter(
        choices=countries_with_meetings, label=_("Country"), empty_label=_("Every country")
    )

    class Meta:
        model = Meeting
        fields = []


def parse_month(text):
    """``(year, month)`` from "2024-10", or None when ``text`` is not a month."""
    match = MONTH.fullmatch(text or "")
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1 <= month <= 12 and datetime.MINYEAR < year < datetime.MAXYEAR):
        return None
    return year, month


def month_text(year, month):
    """ "October 2024", in the page's language."""
    return formats.date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")


def month_value(day):
    return f"{day.year:04d}-{day.month:02d}"


def shifted(year, month, by):
    """The month ``by`` months after (or before) ``year``-``month``."""
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def weekdays():
    """The week's days in the order of the page's language (FIRST_DAY_OF_WEEK: 0 is Sunday),
    as ``(name, abbreviation)``; and the same order for Python's calendar (0 is Monday)."""
    first = (formats.get_format("FIRST_DAY_OF_WEEK") - 1) % 7
    order = [(first + offset) % 7 for offset in range(7)]
    return [(dates.WEEKDAYS[day], dates.WEEKDAYS_ABBR[day]) for day in order], first


def month_grid(year, month, meetings):
    """The weeks of the month, each a list of days: ``date``, ``in_month``, and the meetings
    held that day (a meeting of several days is on each of them)."""
    _names, first = weekdays()
    weeks = calendar.Calendar(firstweekday=first).monthdatescalendar(year, month)
    return [
        [
            {
                "date": day,
                "in_month": day.month == month,
                "meetings": [meeting for meeting in meetings if meeting.start_date <= day <= meeting.last_day],
            }
            for day in week
        ]
        for week in weeks
    ]


def grid_bounds(year, month):
    """The first and last day that the month's grid shows."""
    _names, first = weekdays()
    weeks = calendar.Calendar(firstweekday=first).monthdatescalendar(year, month)
    return weeks[0][0], weeks[-1][-1]


def held_between(meetings, first, last):
    """The meetings with a day between ``first`` and ``last``."""
    return meetings.filter(start_date__lte=last).filter(
        Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first)
    )


def by_month(meetings):
    """``[(month's name, [meetings])]`` in the order of ``meetings``."""
    groups = []
    for meeting in meetings:
        label = month_text(meeting.start_date.year, meeting.start_date.month)
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(meeting)
    return groups
