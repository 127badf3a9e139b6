"""Working copies and merges: how a published project changes without the public seeing an
unreviewed version, and how a duplicate is folded into another project.

A published project is never changed in place by its group: its editors work on a working
copy (a Project row with ``revision_of`` set) that a moderator publishes, which copies it
over the original (``apply_revision``). A duplicate is merged into another project by the
``merge`` step of moderation; nothing the group typed is deleted.
"""

import secrets

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.models.moderation import MERGE_TARGET_STATES, Action, InvalidTransition, Status

# The rows that travel with a project when it is copied or a copy is applied.
PARTS = ("photos", "documents", "actors")
# What stays the original's own when a working copy is applied to it.
KEPT_BY_THE_ORIGINAL = {
    "id",
    "slug",
    "status",
    "published_at",
    "created_at",
    "revision_of",
    "merged_into",
    "submitted_at",
    "confirmed_at",
    "confirmation_requested_at",
}


class WorkingCopies:
    """Working copies and merges, mixed into ``Project``."""

    def editable_version(self, *, by):
        """What an editor's forms change: the project itself, or for a published project a
        working copy that the public does not see until a moderator publishes it."""
        if not self.can_edit(by):
            raise PermissionDenied
        if self.status != Status.PUBLISHED or self.revision_of_id:
            return self
        return self.working_copy() or self.start_revision(by=by)

    def working_copy(self):
        """The pending change of a published project, or None."""
        try:
            return self.pending_revision
        except type(self).DoesNotExist:
            return None

    @transaction.atomic
    def start_revision(self, *, by):
        revision = type(self).objects.get(pk=self.pk)
        revision.pk = revision.id = None
        revision._state.adding = True
        revision.slug = f"{self.slug[:70]}-change-{secrets.token_hex(4)}"
        revision.status = Status.DRAFT
        revision.revision_of = self
        revision.submitted_at = None
        revision.save()
        for related in PARTS:
            for item in getattr(self, related).all():
                item.pk = item.id = None
                item._state.adding = True
                item.project = revision
                item.save()  # a photo's file is already stored: it is shared, not re-encoded
        self.record(Action.CHANGE_STARTED, by=by)
        # The published version as it stands, so that the history can later say what the
        # change changed, even for a project whose earlier versions were never recorded.
        with reversion.create_revision():
            reversion.set_user(by)
            reversion.set_comment("Change started")
            reversion.add_to_revision(self)
        return revision

    def apply_revision(self, revision):
        """Make ``revision`` (a working copy of this project) the public version."""
        for field in type(self)._meta.concrete_fields:
            if field.name not in KEPT_BY_THE_ORIGINAL:
                setattr(self, field.attname, getattr(revision, field.attname))
        self.version += 1
        # The group changed its entry and a moderator published the change: current as of now.
        self.confirmed_at = timezone.now()
        self.save()
        for related in PARTS:
            # The rows go; their files stay, now used by the revision's copies of the rows.
            getattr(self, related).all().delete()
            getattr(revision, related).update(project=self)
        # The change's own history (its submission, the moderators' requests) stays with the project.
        revision.events.update(project=self)
        revision.delete()

    @transaction.atomic
    def merge_into(self, target, *, by, message=""):
        """Fold this duplicate into ``target``: the ``merge`` step of moderation. It is kept,
        not deleted (nothing the group typed is lost), its address redirects to the target and
        its editors become editors of the target."""

        def target_can_receive():
            if target.pk == self.pk:
                raise InvalidTransition(_("A project cannot be merged into itself."))
            if target.revision_of_id:
                raise InvalidTransition(_("A pending change cannot be merged: publish or reject it instead."))
            if target.status not in MERGE_TARGET_STATES:
                raise InvalidTransition(
                    _("A project cannot be merged into one that is %(state)s.") % {"state": target.get_status_display()}
                )

        event = self._take(
            "merge",
            by=by,
            message=message or gettext("Merged into “%(name)s”.") % {"name": target.name},
            validate=target_can_receive,
            merged_into=target,
        )
        # Earlier duplicates of this one now lead straight to the target: one redirect, no chains.
        self.merged_projects.update(merged_into=target)
        target.editors.add(*self.editors.all())
        target.record(
            Action.MERGED,
            by=by,
            message=gettext("“%(name)s” was merged into this project.") % {"name": self.name},
        )
        return event

    merge_into.alters_data = True
