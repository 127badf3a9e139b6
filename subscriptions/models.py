"""People follow what matters to them.

* A visitor subscribes by e-mail, with no account, to the projects of any filter of the list
  or any area of the map: a daily or weekly digest of the projects newly published there and
  of the meetings announced there (subscriptions.digests). The address is asked to confirm
  first (double opt-in), and every message has its one-click unsubscribe.
* A signed-in user follows a project, an organisation or a HUB, and reads their news on
  /my/ (subscriptions.news).
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# An address that never confirms is forgotten after this many days.
UNCONFIRMED_DAYS = 7


def new_token():
    # The secret of the links in a subscriber's messages: whoever holds it is the mailbox's
    # owner (or someone they forwarded a message to), and may confirm or unsubscribe.
    return secrets.token_urlsafe(32)


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def abandoned(self, now=None):
        """Subscriptions never confirmed within UNCONFIRMED_DAYS: the address is not kept."""
        now = now or timezone.now()
        return self.filter(confirmed_at__isnull=True, created_at__lt=now - timedelta(days=UNCONFIRMED_DAYS))

    def due(self, now=None):
        """Confirmed subscriptions whose next digest is due at ``now``.

        A digest covers what was published since the last one. The daily run is started once
        a day at a slightly varying time (deploy/sph-platform-digests.timer), so "a day" is
        anything over 20 hours and "a week" anything over 6 days and a half: no digest is
        skipped for a timer that ran early, and none goes twice in a day.
        """
        now = now or timezone.now()
        since_daily = now - timedelta(hours=20)
        since_weekly = now - timedelta(days=6, hours=12)
        sent_before = Q(frequency=Subscription.Frequency.DAILY, last_sent_at__lte=since_daily) | Q(
            frequency=Subscription.Frequency.WEEKLY, last_sent_at__lte=since_weekly
        )
        return self.confirmed().filter(sent_before)


class Subscription(models.Model):
    """An e-mail address that receives the digest of one filter of the project list."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Every day (when there is news)")
        WEEKLY = "weekly", _("Every week (when there is news)")

    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    # The list's filters as its query string (projects.filters.ProjectFilter.filter_query),
    # the map's area among them: empty for the whole directory.
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    # The end of the period the last digest covered (the confirmation, before the first).
    last_sent_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail subscription")
        verbose_name_plural = _("e-mail subscriptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), "query", name="subscription_unique_per_address_and_filters"),
        ]
        indexes = [models.Index(fields=["frequency", "last_sent_at"], name="subscription_due_idx")]

    def __str__(self):
        return self.describe()

    def describe(self):
        """What the subscription follows, as people read it ("Community land trust, Brazil")."""
        from subscriptions.digests import describe_query

        return describe_query(self.query)

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    def confirm(self, *, now=None):
        """The address's owner said yes. The first digest covers what comes after this."""
        if self.is_confirmed:
            return False
        now = now or timezone.now()
        self.confirmed_at = self.last_sent_at = now
        self.save(update_fields=["confirmed_at", "last_sent_at"])
        return True

    confirm.alters_data = True


class Follow(models.Model):
    """A signed-in user follows one project, organisation or HUB (exactly one of the three)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    organisation = models.ForeignKey(
        "habitat.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    hub = models.ForeignKey("hubs.Hub", null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    TARGETS = ("project", "organisation", "hub")

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(project__isnull=False, organisation__isnull=True, hub__isnull=True)
                    | Q(project__isnull=True, organisation__isnull=False, hub__isnull=True)
                    | Q(project__isnull=True, organisation__isnull=True, hub__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(fields=["user", "project"], name="follow_project_once"),
            models.UniqueConstraint(fields=["user", "organisation"], name="follow_organisation_once"),
            models.UniqueConstraint(fields=["user", "hub"], name="follow_hub_once"),
        ]

    def __str__(self):
        return str(self.target)

    @property
    def target(self):
        return self.project or self.organisation or self.hub
