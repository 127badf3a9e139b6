"""The digests of the e-mail subscriptions, and the messages that go with them.

`manage.py send_digests` (once a day: deploy/sph-platform-digests.timer) queues the task
``send_digests`` on the database-backed worker. Each subscription that is due gets one
message with the projects published since its last digest that match its filters, and the
meetings announced since then in its countries or its area; a subscription with nothing new
gets no message, but its period moves on. The task may run any number of times: a
subscription served is not due again before its next day or week (``SubscriptionQuerySet.due``).
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from habitat.mail import Recipient, layout_context, queue_email
from hubs.models import Meeting
from projects.filters import ProjectFilter
from projects.models import Project
from subscriptions.models import Subscription

logger = logging.getLogger(__name__)

# The most projects and meetings a message lists; it links to the list for the rest.
LISTED_AT_MOST = 30
# Subscriptions served per transaction: a long run commits as it goes.
BATCH = 200


def filters_of(query, queryset=None):
    return ProjectFilter(QueryDict(query), queryset=Project.objects.public() if queryset is None else queryset)


def describe(filterset):
    """The filters of ``filterset`` as people read them, in the active language."""
    labels = filterset.chosen_labels()
    if not labels:
        return str(_("All new projects and meetings"))
    return ", ".join(capfirst(label) for label in labels)


def describe_query(query):
    return describe(filters_of(query))


def list_url(query):
    path = reverse("projects:list")
    return settings.SITE_URL + (f"{path}?{query}" if query else path)


def absolute(path):
    return settings.SITE_URL + path


@dataclass
class News:
    """What is new for a subscription in a period: its filters read once (``filterset``), the
    public projects they match first published then, and the upcoming meetings announced then
    where it looks."""

    filterset: ProjectFilter
    projects: QuerySet
    meetings: QuerySet


def news_between(subscription, since, until):
    """The ``News`` of ``subscription`` in (since, until]. Meetings are those in its countries,
    or in its area of the map; everywhere when it names no place."""
    recent = Project.objects.public().filter(published_at__gt=since, published_at__lte=until)
    filterset = filters_of(subscription.query, recent)
    meetings = Meeting.objects.upcoming().filter(created_at__gt=since, created_at__lte=until)
    countries = [code for code in filterset.data.getlist("country") if code]
    if countries:
        meetings = meetings.filter(country__in=countries)
    if filterset.is_valid():
        projects = filterset.qs.order_by("-published_at", "-pk")
        area = filterset.form.cleaned_data.get("area")
    else:
        # A filter that no longer holds (a country left the directory): no project matches it.
        projects, area = Project.objects.none(), None
    if area is not None and not area.is_whole_world:
        condition = Q()
        for polygon in area.polygons():
            condition |= Q(location__bboverlaps=polygon)
        meetings = meetings.filter(condition)
    return News(filterset=filterset, projects=projects, meetings=meetings.order_by("start_date", "year", "pk"))


def digest_message(subscription, filterset, projects, meetings, project_count):
    """The subject and body of a digest, in the subscription's language."""
    recipient = Recipient(address=subscription.email, language=subscription.language)
    with translation.override(subscription.language):
        context = {
            "subscription": subscription,
            "description": describe(filterset),
            "projects": [(project, absolute(project.get_absolute_url())) for project in projects],
            "more_projects": max(project_count - len(projects), 0),
            "meetings": [(meeting, absolute(meeting.get_absolute_url())) for meeting in meetings],
            "list_url": list_url(subscription.query),
            "unsubscribe_url": unsubscribe_url(subscription),
            **layout_context(recipient),
        }
        subject = _("New on the map: %(description)s") % {"description": context["description"]}
        body = render_to_string("subscriptions/email/digest.txt", context).strip() + "\n"
    return subject, body


def unsubscribe_url(subscription):
    return absolute(reverse("subscriptions:unsubscribe", args=[subscription.token]))


def unsubscribe_headers(subscription):
    """RFC 8058: mail programs show an "Unsubscribe" button that works in one click."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscription)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def serve(subscription, now):
    """Queue ``subscription``'s digest for the period ending ``now`` (if anything is new) and
    move its period on. Returns whether a message was queued."""
    news = news_between(subscription, subscription.last_sent_at or subscription.confirmed_at, now)
    listed = list(news.projects[:LISTED_AT_MOST])
    project_count = len(listed) if len(listed) < LISTED_AT_MOST else news.projects.count()
    meetings = list(news.meetings[:LISTED_AT_MOST])
    subscription.last_sent_at = now
    subscription.save(update_fields=["last_sent_at"])
    if not listed and not meetings:
        return False
    subject, body = digest_message(subscription, news.filterset, listed, meetings, project_count)
    queue_email(subject=subject, body=body, to=subscription.email, headers=unsubscribe_headers(subscription))
    return True


@task()
def send_digests():
    """Serve every subscription that is due, and forget the addresses that never confirmed.
    Returns how many messages were queued."""
    now = timezone.now()
    forgotten, _counts = Subscription.objects.abandoned(now).delete()
    if forgotten:
        logger.info("Forgot %d subscriptions never confirmed", forgotten)
    sent = 0
    while True:
        with transaction.atomic():
            # Locked and skipped by a second run at the same moment, which serves the others.
            batch = list(Subscription.objects.due(now).select_for_update(skip_locked=True).order_by("pk")[:BATCH])
            for subscription in batch:
                sent += serve(subscription, now)
        if len(batch) < BATCH:
            return sent


def send_confirmation(subscription):
    """Ask the address's owner to confirm (double opt-in); an address already confirmed for
    these filters is told so instead, so that the page never says which addresses subscribe."""
    recipient = Recipient(address=subscription.email, language=subscription.language)
    with translation.override(subscription.language):
        context = {
            "description": subscription.describe(),
            "confirm_url": absolute(reverse("subscriptions:confirm", args=[subscription.token])),
            "unsubscribe_url": unsubscribe_url(subscription),
            "frequency": subscription.get_frequency_display(),
            "already": subscription.is_confirmed,
            **layout_context(recipient),
        }
        if subscription.is_confirmed:
            subject = _("You already receive news of: %(description)s") % {"description": context["description"]}
        else:
            subject = _("Confirm your subscription: %(description)s") % {"description": context["description"]}
        body = render_to_string("subscriptions/email/confirm.txt", context).strip() + "\n"
    queue_email(subject=subject, body=body, to=subscription.email)
