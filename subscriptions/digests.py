"""The digests of the e-mail subscriptions, and the messages that go with them.

`manage.py send_digests` (once a day: deploy/sph-platform-digests.timer) queues the task
``send_digests`` on the database-backed worker. Each subscription that is due gets one
message with the projects published since its last digest that match its filters, and the
meetings announced since then in its countries or its area; a subscription with nothing new
gets no message, but its period moves on. The task may run any number of times: a
subscription served is not due again before its next day or week (``SubscriptionQuerySet.due``).
"""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
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


def describe_query(query):
    """A subscription's filters as people read them, in the active language."""
    filterset = filters_of(query)
    labels = filterset.chosen_labels()
    if not labels:
        return str(_("All new projects and meetings"))
    return ", ".join(capfirst(label) for label in labels)


def query_is_valid(query):
    return filters_of(query).is_valid()


def list_url(query):
    path = reverse("projects:list")
    return settings.SITE_URL + (f"{path}?{query}" if query else path)


def absolute(path):
    return settings.SITE_URL + path


def new_projects(subscription, since, until):
    """The public projects matching the subscription's filters, first published in (since, until]."""
    recent = Project.objects.public().filter(published_at__gt=since, published_at__lte=until)
    filterset = filters_of(subscription.query, recent)
    if not filterset.is_valid():
        # A filter that no longer holds (a country left the directory): nothing matches it.
        return Project.objects.none()
    return filterset.qs.order_by("-published_at", "-pk")


def new_meetings(subscription, since, until):
    """Upcoming meetings announced in (since, until], where the subscription looks: in its
    countries, or in its area of the map; everywhere when it names no place."""
    data = subscription.filter_data
    meetings = Meeting.objects.upcoming().filter(created_at__gt=since, created_at__lte=until)
    countries = [code for code in data.getlist("country") if code]
    filterset = filters_of(subscription.query)
    area = filterset.form.cleaned_data.get("area") if filterset.is_valid() else None
    if countries:
        meetings = meetings.filter(country__in=countries)
    if area is not None and not area.is_whole_world:
        condition = Q()
        for polygon in area.polygons():
            condition |= Q(location__bboverlaps=polygon)
        meetings = meetings.filter(condition)
    return meetings.order_by("start_date", "year", "pk")


def digest_message(subscription, projects, meetings, project_count):
    """The subject and body of a digest, in the subscription's language."""
    recipient = Recipient(address=subscription.email, language=subscription.language)
    with translation.override(subscription.language):
        context = {
            "subscription": subscription,
            "description": subscription.describe(),
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
    since = subscription.last_sent_at or subscription.confirmed_at
    projects = new_projects(subscription, since, now)
    listed = list(projects[:LISTED_AT_MOST])
    project_count = len(listed) if len(listed) < LISTED_AT_MOST else projects.count()
    meetings = list(new_meetings(subscription, since, now)[:LISTED_AT_MOST])
    subscription.last_sent_at = now
    subscription.save(update_fields=["last_sent_at"])
    if not listed and not meetings:
        return False
    subject, body = digest_message(subscription, listed, meetings, project_count)
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
