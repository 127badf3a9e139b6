"""Exchanges between groups: one public project asks another for a visit, a call, documents
or technical help, through the platform (issue 12 §3).

The request is relayed by e-mail without anyone's address; the asked project's editors
accept or decline it, and only an accepted exchange gives each side the other side's
editors' addresses. Nobody assigns ``Exchange.status``: ``accept``, ``decline`` and
``withdraw`` do, each checking who asks and from which state.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from projects import notifications
from projects.models.moderation import InvalidTransition
from projects.models.project import Project


def _editorships(user, project_field):
    """Whether ``user`` edits the project in ``project_field`` of the outer exchange."""
    return Exists(Project.editors.through.objects.filter(user=user.pk, project=OuterRef(project_field)))


class ExchangeQuerySet(models.QuerySet):
    def for_user(self, user):
        """The exchanges of the projects ``user`` edits, asked or asking, each with
        ``user_asks`` and ``user_is_asked`` (which side the user is on), the newest first.
        Moderators see every exchange in the admin, not here."""
        if not user.is_authenticated:
            return self.none()
        edited = Project.editors.through.objects.filter(user=user.pk).values("project")
        return (
            self.filter(Q(asking__in=edited) | Q(asked__in=edited))
            .annotate(user_asks=_editorships(user, "asking"), user_is_asked=_editorships(user, "asked"))
            .order_by("-created_at", "-pk")
        )

    def open(self):
        return self.filter(status=Exchange.Status.REQUESTED)


class Exchange(models.Model):
    """A group's request to another group, and its answer."""

    class Kind(models.TextChoices):
        VISIT = "visit", pgettext_lazy("exchange kind", "a visit")
        CALL = "call", pgettext_lazy("exchange kind", "a call")
        DOCUMENTS = "documents", pgettext_lazy("exchange kind", "documents")
        TECHNICAL_HELP = "technical_help", pgettext_lazy("exchange kind", "technical help")

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("exchange status", "waiting for an answer")
        ACCEPTED = "accepted", pgettext_lazy("exchange status", "accepted")
        DECLINED = "declined", pgettext_lazy("exchange status", "declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("exchange status", "withdrawn")

    asking = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="exchanges_asked", verbose_name=_("asking project")
    )
    asked = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="exchanges_received", verbose_name=_("asked project")
    )
    kind = models.CharField(_("what is asked"), max_length=20, choices=Kind.choices)
    message = models.TextField(_("message"), max_length=5000)
    # The person keeps the right to leave: their account's deletion leaves the exchange,
    # without them, to the two groups.
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchanges_asked",
        verbose_name=_("asked by"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True, db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )

    objects = ExchangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(asking=F("asked")),
                name="exchange_not_with_itself",
                violation_error_message=_("A project cannot ask itself for an exchange."),
            ),
            # Another request may follow once the first is answered or withdrawn.
            models.UniqueConstraint(
                fields=["asking", "asked"],
                condition=Q(status="requested"),
                name="exchange_one_open_request",
                violation_error_message=_(
                    "This project has already asked that group; the request waits for an answer."
                ),
            ),
        ]

    def __str__(self):
        return gettext("%(asking)s asks %(asked)s for %(kind)s") % {
            "asking": self.asking,
            "asked": self.asked,
            "kind": self.get_kind_display(),
        }

    # --- Who may do what. Views and the admin ask here. ---------------------------------------

    @staticmethod
    def may_ask(asking, asked):
        """Whether project ``asking`` may ask project ``asked``: both public, and two of them."""
        return asking.pk != asked.pk and Project.objects.public().filter(pk__in=[asking.pk, asked.pk]).count() == 2

    def can_answer(self, user):
        """Accept or decline: the asked project's editors."""
        return self.asked.is_editor(user)

    def can_withdraw(self, user):
        """Withdraw: the asking project's editors."""
        return self.asking.is_editor(user)

    @property
    def is_open(self):
        return self.status == self.Status.REQUESTED

    def addresses_for_asking(self):
        """The asked side's editors, whom the asking side may write to once accepted."""
        return self._addresses(self.asked)

    def addresses_for_asked(self):
        """The asking side's editors, whom the asked side may write to once accepted."""
        return self._addresses(self.asking)

    def _addresses(self, project):
        # Nothing before both sides agree: the one rule of the relay. The editors are read as
        # /my/ prefetched them (projects.exchanges.for_my_page: those notifications.reachable
        # keeps); the test here holds when they were not.
        if self.status != self.Status.ACCEPTED:
            return []
        return [editor for editor in project.editors.all() if editor.is_active and editor.email]

    # --- State changes --------------------------------------------------------------------------

    @classmethod
    def ask(cls, *, asking, asked, kind, message, by):
        """``by``, an editor of ``asking``, asks ``asked``; its editors hear of it by e-mail."""
        if not asking.is_editor(by):
            raise PermissionDenied
        if not cls.may_ask(asking, asked):
            raise InvalidTransition(_("Only a listed project can ask another listed project for an exchange."))
        exchange = cls(asking=asking, asked=asked, kind=kind, message=message, asked_by=by)
        with transaction.atomic():
            exchange.full_clean()
            exchange.save()
            notifications.exchange_asked(exchange)
        return exchange

    def _answer(self, target, *, by, allowed, refusal, validate=None, notify=None):
        """Move from ``requested`` to ``target`` on behalf of ``by`` (who answered, or who
        withdrew). The row is locked, so that two editors answering at once cannot both
        succeed (and mail twice)."""
        if not allowed(by):
            raise PermissionDenied
        with transaction.atomic():
            current = Exchange.objects.select_for_update().get(pk=self.pk)
            if current.status != self.Status.REQUESTED:
                self.status = current.status
                raise InvalidTransition(refusal)
            if validate is not None:
                validate()
            self.status = target
            self.answered_at = timezone.now()
            self.answered_by = by
            self.save(update_fields=["status", "answered_at", "answered_by"])
            if notify is not None:
                notify(self)

    def _both_listed(self):
        # Addresses go only between groups that are both in the directory.
        if not self.may_ask(self.asking, self.asked):
            raise InvalidTransition(_("One of the two projects is no longer listed: the exchange cannot be accepted."))

    def accept(self, *, by):
        """The asked group agrees: both sides get the other's editors' addresses."""
        self._answer(
            self.Status.ACCEPTED,
            by=by,
            allowed=self.can_answer,
            refusal=_("This request has already been answered or withdrawn."),
            validate=self._both_listed,
            notify=notifications.exchange_accepted,
        )

    accept.alters_data = True

    def decline(self, *, by):
        """The asked group says no; the asking group hears it, and nothing more."""
        self._answer(
            self.Status.DECLINED,
            by=by,
            allowed=self.can_answer,
            refusal=_("This request has already been answered or withdrawn."),
            notify=notifications.exchange_declined,
        )

    decline.alters_data = True

    def withdraw(self, *, by):
        """The asking group takes its request back before an answer."""
        self._answer(
            self.Status.WITHDRAWN,
            by=by,
            allowed=self.can_withdraw,
            refusal=_("Only a request still waiting for an answer can be withdrawn."),
        )

    withdraw.alters_data = True
