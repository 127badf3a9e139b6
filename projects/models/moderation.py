"""Moderation: the states of a project, the one table of steps between them, who may take
each step, and what is recorded (events), reported (visitors' reports) and who is invited.

Nobody assigns ``Project.status``: the step methods of ``Moderated`` do, and each one goes
through ``Moderated._take``, which reads ``STEPS``, checks who asks and from which state,
saves, records an event and tells the people concerned. The admin offers the buttons that
``STEPS`` allows, and the tests walk the same table.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from habitat.models import Language
from projects import notifications


class Status(models.TextChoices):
    """Moderation states; only ``published`` is visible to the public."""

    DRAFT = "draft", pgettext_lazy("moderation status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("moderation status", "submitted")
    CHANGES_REQUESTED = "changes_requested", pgettext_lazy("moderation status", "changes requested")
    PUBLISHED = "published", pgettext_lazy("moderation status", "published")
    REJECTED = "rejected", pgettext_lazy("moderation status", "rejected")
    ARCHIVED = "archived", pgettext_lazy("moderation status", "archived")
    # A duplicate folded into another project: kept (nothing is lost), never public, and its
    # address leads to the other project.
    MERGED = "merged", pgettext_lazy("moderation status", "merged into another")


class InvalidTransition(ValidationError):
    """A moderation step that the project's state does not allow."""


def can_moderate(user):
    return user.is_authenticated and user.has_perm("projects.moderate_project")


class Role:
    EDITOR = "editor"  # the project's editors, and moderators
    MODERATOR = "moderator"


@dataclass(frozen=True)
class Step:
    """One moderation step: who takes it, from which states, and where it leads.

    ``sources`` are the states a project may take it from; ``copy_sources`` those of a
    working copy (a change to a published project, see ``revisions``), which is never public
    itself and so can never be archived, restored or merged.
    """

    name: str
    role: str
    sources: frozenset
    target: str
    action: str
    refusal: Promise
    copy_sources: frozenset = frozenset()
    message_required: bool = False
    missing_message: Promise = ""
    # Whether the listing must be complete enough for a moderator to review it.
    needs_complete_listing: bool = False

    def allows(self, project):
        """Whether the project's state allows this step (whoever asks)."""
        return project.status in (self.copy_sources if project.revision_of_id else self.sources)

    def may_be_taken_by(self, project, user):
        return project.can_edit(user) if self.role == Role.EDITOR else can_moderate(user)

    def check(self, project, *, by, message=""):
        """Raise PermissionDenied for the wrong person, InvalidTransition for the wrong state
        or a message that the step needs and did not get."""
        if not self.may_be_taken_by(project, by):
            raise PermissionDenied
        if not self.allows(project):
            raise InvalidTransition(self.refusal)
        if self.message_required and not message.strip():
            raise InvalidTransition(self.missing_message)
        missing = project.missing_for_review() if self.needs_complete_listing else []
        if missing:
            raise InvalidTransition(
                _("Before submitting, add: %(missing)s.") % {"missing": ", ".join(map(str, missing))}
            )


class Action(models.TextChoices):
    SUBMITTED = "submitted", _("submitted for review")
    PUBLISHED = "published", _("published")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    REJECTED = "rejected", _("rejected")
    ARCHIVED = "archived", _("archived")
    RESTORED = "restored", _("restored")
    CHANGE_STARTED = "change_started", _("change started")
    CHANGE_PUBLISHED = "change_published", _("change published")
    MERGED = "merged", _("merged")


S = Status
STEPS = {
    step.name: step
    for step in [
        Step(
            "submit",
            Role.EDITOR,
            sources=frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
            # A rejected change stays the project's one working copy (revision_of is one-to-one):
            # its editors must be able to rework it and submit again, or they could never change
            # their published project any more.
            copy_sources=frozenset({S.DRAFT, S.CHANGES_REQUESTED, S.REJECTED}),
            target=S.SUBMITTED,
            action=Action.SUBMITTED,
            refusal=_("Only a draft or a project sent back for changes can be submitted."),
            needs_complete_listing=True,
        ),
        Step(
            "publish",
            Role.MODERATOR,
            sources=frozenset({S.SUBMITTED}),
            copy_sources=frozenset({S.SUBMITTED}),
            target=S.PUBLISHED,
            action=Action.PUBLISHED,
            refusal=_("Only a submitted project can be published."),
        ),
        Step(
            "request_changes",
            Role.MODERATOR,
            sources=frozenset({S.SUBMITTED}),
            copy_sources=frozenset({S.SUBMITTED}),
            target=S.CHANGES_REQUESTED,
            action=Action.CHANGES_REQUESTED,
            refusal=_("Only a submitted project can be sent back for changes."),
            message_required=True,
            missing_message=_("Say what the group should change."),
        ),
        Step(
            "reject",
            Role.MODERATOR,
            sources=frozenset({S.SUBMITTED}),
            copy_sources=frozenset({S.SUBMITTED}),
            target=S.REJECTED,
            action=Action.REJECTED,
            refusal=_("Only a submitted project can be rejected."),
            message_required=True,
            missing_message=_("Give the reason for the rejection."),
        ),
        Step(
            "archive",
            Role.MODERATOR,
            sources=frozenset({S.PUBLISHED}),
            target=S.ARCHIVED,
            action=Action.ARCHIVED,
            refusal=_("Only a published project can be archived."),
        ),
        # The group itself takes its project off the directory (it has ended, or the group is
        # gone): from the editor, or from the yearly reminder (projects.confirmation).
        Step(
            "withdraw",
            Role.EDITOR,
            sources=frozenset({S.PUBLISHED}),
            target=S.ARCHIVED,
            action=Action.ARCHIVED,
            refusal=_("Only a published project can be archived."),
        ),
        Step(
            "restore",
            Role.MODERATOR,
            sources=frozenset({S.ARCHIVED}),
            target=S.PUBLISHED,
            action=Action.RESTORED,
            refusal=_("Only an archived project can be restored."),
        ),
        Step(
            "merge",
            Role.MODERATOR,
            sources=frozenset({S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.PUBLISHED, S.REJECTED, S.ARCHIVED}),
            target=S.MERGED,
            action=Action.MERGED,
            refusal=_("Only a project, not a pending change, and one not merged already, can be merged."),
        ),
    ]
}
# A duplicate is merged into a project that lives on: never one that is rejected, archived
# or itself merged, whose address would lead nowhere public.
MERGE_TARGET_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.PUBLISHED})
del S


def _tell_nobody(project, event):
    """What a step that tells nobody sends: nothing."""


class Moderated:
    """The moderation steps of a project, mixed into ``Project``.

    Each step is a method named after it, with ``alters_data`` so that templates never
    call it; every one goes through ``_take``.
    """

    def steps_allowed(self, user, *, role=None):
        """The names of the steps that this project's state allows ``user`` to take."""
        return [
            step.name
            for step in STEPS.values()
            if (role is None or step.role == role) and step.allows(self) and step.may_be_taken_by(self, user)
        ]

    def take(self, name, *, by, message="", target=None):
        """Take the step ``name`` of ``STEPS``: what the admin's buttons and the tests call."""
        if name == "merge":
            return self.merge_into(target, by=by, message=message)
        if name in ("submit", "withdraw"):
            return getattr(self, name)(by=by)
        return getattr(self, name)(by=by, message=message)

    take.alters_data = True

    def _take(self, name, *, by, message="", notify=None, validate=None, **changes):
        """Take step ``name``: check it (and ``validate()``, the step's own conditions), set the
        new state and ``changes``, save, record the event and tell the people concerned. The
        one way a project's state changes."""
        step = STEPS[name]
        step.check(self, by=by, message=message)
        if validate is not None:
            validate()
        self.status = step.target
        fields = {"status", "updated_at", *changes}
        for field, value in changes.items():
            setattr(self, field, value)
        if step.target == Status.SUBMITTED:
            self.submitted_at = timezone.now()
            fields.add("submitted_at")
        if step.target == Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
            fields.add("published_at")
        self.save(update_fields=fields)
        event = self.record(step.action, by=by, message=message)
        (notify or notifications.decided)(self, event)
        return event

    def missing_for_review(self):
        """What the group still has to fill in before a moderator can review the project."""
        missing = []
        if not getattr(self, f"name_{self.original_language}"):
            missing.append(_("the project's name in its original language"))
        if not getattr(self, f"summary_{self.original_language}"):
            missing.append(_("a short summary in the original language"))
        if not self.country:
            missing.append(_("the country"))
        if self.location is None:
            missing.append(_("where it is on the map"))
        return missing

    @transaction.atomic
    def submit(self, *, by, message="", notify_moderators=True):
        """The group asks for review: its first listing, or a change to a published project.
        A staff import that publishes at once (imports) submits without telling the moderators."""
        notify = notifications.submitted if notify_moderators else _tell_nobody
        return self._take("submit", by=by, notify=notify, message=message)

    submit.alters_data = True

    @transaction.atomic
    def publish(self, *, by, message=""):
        """Approve a submission. For a pending change, the change replaces the public version."""
        if self.revision_of_id:
            STEPS["publish"].check(self, by=by, message=message)
            original = self.revision_of
            original.apply_revision(self)
            event = original.record(Action.CHANGE_PUBLISHED, by=by, message=message)
            notifications.decided(original, event)
            return event
        return self._take("publish", by=by, message=message)

    publish.alters_data = True

    @transaction.atomic
    def request_changes(self, *, by, message):
        """Send a submission back to the group with what to change; nothing is lost."""
        return self._take("request_changes", by=by, message=message)

    request_changes.alters_data = True

    @transaction.atomic
    def reject(self, *, by, message):
        """Refuse a submission, with the reason (``message``). The texts stay, visible to the group."""
        return self._take("reject", by=by, message=message)

    reject.alters_data = True

    @transaction.atomic
    def archive(self, *, by, message=""):
        return self._take("archive", by=by, message=message)

    archive.alters_data = True

    @transaction.atomic
    def withdraw(self, *, by):
        """The group archives its own project; a moderator can restore it."""
        return self._take("withdraw", by=by)

    withdraw.alters_data = True

    @transaction.atomic
    def restore(self, *, by, message=""):
        return self._take("restore", by=by, message=message)

    restore.alters_data = True

    def record(self, action, *, by, message=""):
        actor = by if by is not None and by.is_authenticated else None
        return ModerationEvent.objects.create(project=self, actor=actor, action=action, message=message)


class ModerationEvent(models.Model):
    """One step in a project's life: who did what, when, and what they said."""

    Action = Action

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d})"


class ProjectReportQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(handled_at__isnull=True)

    def handled(self):
        return self.filter(handled_at__isnull=False)

    def mark_handled(self, *, by):
        """Close the waiting reports among these; returns how many were closed."""
        return self.waiting().update(handled_at=timezone.now(), handled_by=by)


class ProjectReport(models.Model):
    """A visitor's report of a problem on a public project page, for the moderators."""

    class Kind(models.TextChoices):
        WRONG_FACTS = "wrong_facts", _("wrong or outdated facts")
        SPAM = "spam", _("spam or advertising")
        SAFETY = "safety", _("safety concern (for example the group's location)")
        OTHER = "other", pgettext_lazy("report kind", "other")

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("problem"), max_length=20, choices=Kind.choices)
    message = models.TextField(_("what is wrong"), max_length=3000)
    email = models.EmailField(_("your e-mail (optional)"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProjectReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        # Waiting reports first, the longest-waiting at the top (a plain ascending order would
        # put the empty handled_at last in PostgreSQL); then the most recently handled.
        ordering = [models.F("handled_at").desc(nulls_first=True), "created_at"]
        indexes = [models.Index(fields=["handled_at", "created_at"], name="report_queue")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.project}"


class EditorInvitation(models.Model):
    """An editor's invitation to a co-editor, accepted through a link sent by e-mail.

    The address is seen by the editor who typed it and by staff only; the other editors see
    who sent the invitation and when.
    """

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    # The invited person may have no account yet: the inviter says in which language to write.
    language = models.CharField(_("language of the invitation"), max_length=2, choices=Language.choices, default="en")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("editor invitation")
        verbose_name_plural = _("editor invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return gettext("Invitation to edit “%(name)s”") % {"name": self.project}
