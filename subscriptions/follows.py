"""What a signed-in user follows, and the news of it on their page (/my/).

The news is read from what the directory already records, nothing is copied: the
publications and archiving of followed projects (their moderation history), the projects
newly published by followed organisations, and the meetings of followed HUBs, organised or
attended by followed organisations or visiting followed projects.
"""

import datetime
import re
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habitat.models import Organisation
from hubs.models import Hub, Meeting
from projects.models import ModerationEvent, Project, ProjectActor
from subscriptions.models import Follow

SLUG = re.compile(r"[-\w]{1,200}")

# How far back the news goes, and how much of it the page shows.
NEWS_DAYS = 90
NEWS_AT_MOST = 30

# What a project's history says, for its followers.
EVENT_NEWS = {
    ModerationEvent.Action.PUBLISHED: _("Published in the directory"),
    ModerationEvent.Action.CHANGE_PUBLISHED: _("Its page was updated"),
    ModerationEvent.Action.ARCHIVED: _("Archived: it no longer shows in the directory"),
    ModerationEvent.Action.RESTORED: _("Back in the directory"),
}


def follow_target(kind, slug):
    """The public project, organisation or HUB of ``kind`` at ``slug``, or None."""
    if not SLUG.fullmatch(slug):
        return None
    querysets = {
        "project": Project.objects.public(),
        "organisation": Organisation.objects.public(),
        "hub": Hub.objects.all(),
    }
    return querysets[kind].filter(slug=slug).first()


def is_following(user, target):
    if not user.is_authenticated:
        return False
    kind = {Project: "project", Organisation: "organisation", Hub: "hub"}[type(target)]
    return Follow.objects.filter(user=user, **{kind: target}).exists()


@dataclass(frozen=True)
class NewsItem:
    when: datetime.date
    about: object  # the followed project, organisation or HUB, or a meeting
    text: str
    url: str = ""


def follows_of(user):
    return list(
        Follow.objects.filter(user=user).select_related("project", "organisation", "hub").order_by("-created_at")
    )


def news_for(follows, *, now=None):
    """The news of what ``follows`` name, newest first: four queries whatever they follow."""
    now = now or timezone.now()
    since = now - timedelta(days=NEWS_DAYS)
    projects = [follow.project_id for follow in follows if follow.project_id]
    organisations = [follow.organisation_id for follow in follows if follow.organisation_id]
    hubs = [follow.hub_id for follow in follows if follow.hub_id]
    items = []
    if projects:
        items += _project_news(projects, since)
    if organisations:
        items += _organisation_news(organisations, since)
    if projects or organisations or hubs:
        items += _meeting_news(projects, organisations, hubs, now, since)
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:NEWS_AT_MOST]


def _project_news(project_ids, since):
    events = (
        ModerationEvent.objects.filter(project_id__in=project_ids, action__in=EVENT_NEWS, created_at__gte=since)
        .select_related("project")
        .order_by("-created_at")[:NEWS_AT_MOST]
    )
    public = set(Project.objects.public().filter(pk__in=project_ids).values_list("pk", flat=True))
    return [
        NewsItem(
            when=event.created_at.date(),
            about=event.project,
            text=str(EVENT_NEWS[event.action]),
            url=event.project.get_absolute_url() if event.project_id in public else "",
        )
        for event in events
    ]


def _organisation_news(organisation_ids, since):
    actors = ProjectActor.objects.filter(project=OuterRef("pk"), organisation_id__in=organisation_ids)
    projects = (
        Project.objects.public()
        .filter(Exists(actors), published_at__gte=since)
        .order_by("-published_at")[:NEWS_AT_MOST]
    )
    return [
        NewsItem(
            when=project.published_at.date(),
            about=project,
            text=str(_("A new project of an organisation you follow")),
            url=project.get_absolute_url(),
        )
        for project in projects
    ]


def _meeting_news(project_ids, organisation_ids, hub_ids, now, since):
    related = Q(hub_id__in=hub_ids) | Q(organisers__in=organisation_ids) | Q(participants__in=organisation_ids)
    related |= Q(visited_projects__in=project_ids)
    recent = Q(created_at__gte=since)
    meetings = Meeting.objects.filter(pk__in=Meeting.objects.filter(related).values("pk"))
    upcoming = set(meetings.upcoming().values_list("pk", flat=True)[:NEWS_AT_MOST])
    shown = meetings.filter(Q(pk__in=upcoming) | recent).order_by("-created_at")[:NEWS_AT_MOST]
    return [
        NewsItem(
            when=meeting.created_at.date(),
            about=meeting,
            text=str(
                (_("A coming meeting (%(dates)s)") if meeting.pk in upcoming else _("A meeting added (%(dates)s)"))
                % {"dates": meeting.dates_text()}
            ),
            url=meeting.get_absolute_url(),
        )
        for meeting in shown
    ]
