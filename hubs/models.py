"""Regional HUBs, their meetings and the annual conference.

The platform's global events (the annual meeting in Geneva, the SPH Forum, a stand at the
World Urban Forum) belong to no region. They are meetings *without* a HUB (``hub`` is
empty), told apart by their kind (conference or forum), rather than meetings of an
invented "Global" HUB: a HUB is a region's network of groups, and a page listing "the
Global HUB" would describe a network that does not exist.
"""

import datetime
import zoneinfo
from functools import cache

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from habitat.models import PUBLIC_ORGANISATIONS, Organisation, OriginalLanguageField
from habitat.translation import translated
from habitat.uploads import Document, Photo
from projects.models import Project


@cache
def time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def validate_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value}) from None


class Hub(models.Model):
    """A region's network of inhabitant groups and their supporters."""

    name = translated(models.CharField(_("name"), max_length=200, blank=True))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    original_language = OriginalLanguageField()
    description = translated(models.TextField(_("description"), blank=True))
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Where the HUB comes in lists."))

    class Meta:
        verbose_name = _("HUB")
        verbose_name_plural = _("HUBs")
        ordering = ["order", "slug"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("hubs:detail", kwargs={"slug": self.slug})


class MeetingQuerySet(models.QuerySet):
    """Upcoming and past are decided by the date in UTC.

    A meeting's own time zone would move the boundary by at most a day, for a listing
    whose dates are whole days; one date for all keeps the rule a plain SQL filter.
    A meeting is upcoming until its last day is over. A meeting known only by its year is
    past once that year is over, and counts as upcoming during it (we cannot say it is
    over). A meeting with no known date is neither: pages list it apart.
    """

    def _today(self):
        return timezone.now().astimezone(datetime.UTC).date()

    def upcoming(self):
        today = self._today()
        dated = Q(start_date__isnull=False) & (Q(end_date__gte=today) | Q(end_date__isnull=True, start_date__gte=today))
        year_only = Q(start_date__isnull=True, year__gte=today.year)
        return self.filter(dated | year_only).order_by("year", "start_date", "pk")

    def past(self):
        today = self._today()
        dated = Q(start_date__isnull=False) & (Q(end_date__lt=today) | Q(end_date__isnull=True, start_date__lt=today))
        year_only = Q(start_date__isnull=True, year__lt=today.year)
        return self.filter(dated | year_only).order_by("-year", "-start_date", "-pk")

    def undated(self):
        return self.filter(year__isnull=True)

    def global_events(self):
        """The annual conference and the forums: the meetings of no HUB."""
        return self.filter(hub__isnull=True)

    def visible_to(self, user):
        """Every meeting is public: a meeting is the network's own event, no group's home.
        Its reports and photos are served by this rule (habitat.uploads)."""
        return self.all()

    def in_calendar(self):
        """Meetings with known days. Those known only by their year, or not at all, cannot
        be put in a calendar without inventing a day, so they are left out."""
        return self.filter(start_date__isnull=False)


class Meeting(models.Model):
    class Kind(models.TextChoices):
        HUB_MEETING = "hub_meeting", _("HUB meeting")
        CONFERENCE = "conference", pgettext_lazy("meeting kind", "conference")
        FORUM = "forum", pgettext_lazy("meeting kind", "forum")

    name = translated(models.CharField(_("name"), max_length=300, blank=True))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    original_language = OriginalLanguageField()
    description = translated(models.TextField(_("description"), blank=True))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HUB_MEETING)
    hub = models.ForeignKey(
        Hub,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("HUB"),
        help_text=_("Empty for the annual conference and the forums, which belong to no region."),
    )
    # Dates: a meeting known to the day has start_date (and end_date if it lasts more than
    # a day); one known only by its year has the year alone, and no day is ever made up
    # for it. ``year`` is kept from start_date on save, so lists and the conference pages
    # sort and filter on one column.
    start_date = models.DateField(_("first day"), null=True, blank=True)
    end_date = models.DateField(_("last day"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        help_text=_("Alone when only the year is known; filled from the first day otherwise."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        choices=time_zone_choices,
        validators=[validate_time_zone],
        help_text=_("The time zone of the place, in which the programme's times are given."),
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    # The centre of the city, public: a meeting is no one's home.
    location = models.PointField(_("place"), srid=4326, null=True, blank=True)
    organisers = models.ManyToManyField(
        Organisation,
        related_name="organised_meetings",
        blank=True,
        verbose_name=_("organisers"),
        limit_choices_to=PUBLIC_ORGANISATIONS,
    )
    participants = models.ManyToManyField(
        Organisation,
        related_name="attended_meetings",
        blank=True,
        verbose_name=_("participating organisations"),
        limit_choices_to=PUBLIC_ORGANISATIONS,
    )
    visited_projects = models.ManyToManyField(
        Project, related_name="visiting_meetings", blank=True, verbose_name=_("projects visited")
    )
    source_url = models.TextField(
        _("sources"), blank=True, help_text=_("Where the facts come from: addresses separated by “ ; ”.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-year", "-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__isnull=False, end_date__gte=models.F("start_date")),
                name="meeting_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["year", "start_date"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("hubs:meeting", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.end_date and not self.start_date:
            raise ValidationError({"start_date": _("Give the first day as well as the last.")})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot come before the first.")})
        if self.start_date and self.year and self.year != self.start_date.year:
            raise ValidationError({"year": _("The year must be the first day's year.")})

    def save(self, *args, **kwargs):
        if self.start_date:
            self.year = self.start_date.year
        super().save(*args, **kwargs)

    @property
    def is_global(self):
        return self.hub_id is None

    @property
    def last_day(self):
        return self.end_date or self.start_date

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone or "UTC")

    def dates_text(self):
        """The dates as a reader wants them: a day, a span of days, a year alone, or ""."""
        if self.start_date:
            start = formats.date_format(self.start_date, "DATE_FORMAT")
            if not self.end_date or self.end_date == self.start_date:
                return start
            return gettext("%(start)s to %(end)s") % {
                "start": start,
                "end": formats.date_format(self.end_date, "DATE_FORMAT"),
            }
        return str(self.year) if self.year else ""

    def source_urls(self):
        return [url.strip() for url in self.source_url.split(";") if url.strip()]

    def has_timed_sessions(self):
        """Whether any item of the programme has a time (the prefetched sessions, if fetched)."""
        return any(session.is_timed for session in self.sessions.all())

    def place_text(self):
        return ", ".join(part for part in [self.city, self.country.name if self.country else ""] if part)


class Session(models.Model):
    """One slot of a meeting's programme. Times are wall-clock times in the meeting's time zone.

    A programme often gives an item by its day alone ("Wed. 9: peer visit"): such an item has
    no start time, and no time is made up for it. Pages say so, and calendars get it as an
    all-day event. Within its day it comes before the timed items, where calendars put their
    all-day events, so the page and the subscriber's calendar read in the same order.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    day = models.DateField(_("day"))
    start_time = models.TimeField(
        _("starts at"), null=True, blank=True, help_text=_("Leave empty when only the day is known.")
    )
    end_time = models.TimeField(_("ends at"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    speakers = models.TextField(_("speakers"), blank=True, help_text=_("Names, one per line."))
    organisations = models.ManyToManyField(
        Organisation,
        related_name="meeting_sessions",
        blank=True,
        verbose_name=_("organisations"),
        limit_choices_to=PUBLIC_ORGANISATIONS,
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["day", models.F("start_time").asc(nulls_first=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(start_time__isnull=False, end_time__gt=models.F("start_time")),
                name="session_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.end_time and self.start_time is None:
            raise ValidationError({"start_time": _("Give the start time as well as the end, or neither.")})
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The session must end after it starts.")})
        meeting = self.meeting if self.meeting_id else None
        if meeting and self.day and meeting.start_date and not meeting.start_date <= self.day <= meeting.last_day:
            raise ValidationError({"day": _("The day must be one of the meeting's days.")})

    def speaker_list(self):
        return [line.strip() for line in self.speakers.splitlines() if line.strip()]

    @property
    def is_timed(self):
        return self.start_time is not None

    def starts(self):
        """When it starts, in the meeting's time zone; None for an item known by its day only."""
        if self.start_time is None:
            return None
        return datetime.datetime.combine(self.day, self.start_time, tzinfo=self.meeting.zone)

    def ends(self):
        if self.start_time is not None and self.end_time:
            return datetime.datetime.combine(self.day, self.end_time, tzinfo=self.meeting.zone)
        return None


class MeetingDocument(Document):
    """A report or other PDF from a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")

    upload_folder = "meetings/documents"
    owner = "meeting"

    class Meta(Document.Meta):
        verbose_name = _("report")
        verbose_name_plural = _("reports")


class MeetingPhoto(Photo):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos")

    upload_folder = "meetings/photos"
    owner = "meeting"

    class Meta(Photo.Meta):
        pass
