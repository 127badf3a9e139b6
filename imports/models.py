"""Imports of networks' lists of projects: a batch per file, a row per project it created or
updated (with the row's stable key, so that a re-run finds them again), and the revisions it
wrote to the projects' history (so that undoing it can tell its own changes from people's).

An import is read (``files``), its columns matched to our fields (``columns``), previewed and
run (``resources``, on the worker: ``tasks``), and undone here (``ImportBatch.undo``).
"""

import reversion
from django.conf import settings
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision, Version

from habitat.models import Language, Organisation
from projects.models import Project, ProjectActor


class BatchStatus(models.TextChoices):
    MAPPING = "mapping", pgettext_lazy("import status", "columns to match")
    QUEUED = "queued", pgettext_lazy("import status", "waiting for the worker")
    RUNNING = "running", pgettext_lazy("import status", "importing")
    DONE = "done", pgettext_lazy("import status", "imported")
    FAILED = "failed", pgettext_lazy("import status", "stopped by an error")
    UNDONE = "undone", pgettext_lazy("import status", "undone")


class FileFormat(models.TextChoices):
    CSV = "csv", "CSV"
    GEOJSON = "geojson", "GeoJSON"


class ImportBatch(models.Model):
    """One file of projects from a network, from its upload to its import (and its undoing).

    The file's cells are kept (``headers``, ``rows``): the preview reads them again, and a run
    cut short (its worker died) starts again where it stopped (``rows_done``)."""

    network = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="import_batches",
        verbose_name=_("network"),
        help_text=_("The organisation the list comes from: it is named as the network of every project imported."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10, choices=FileFormat.choices)
    language = models.CharField(
        _("language of the texts"),
        max_length=2,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text=_("The language the names and descriptions of the file are written in."),
    )
    publish = models.BooleanField(
        _("publish the projects"), default=False, help_text=_("Otherwise they are imported as drafts.")
    )
    headers = models.JSONField(default=list, editable=False)
    rows = models.JSONField(default=list, editable=False)
    # What was wrong with a row as the file was read (a GeoJSON feature that is not a point):
    # {row number: message}.
    row_problems = models.JSONField(default=dict, editable=False)
    # {column of the file: our field (columns.TARGETS)}; columns left out are ignored.
    mapping = models.JSONField(default=dict, editable=False)
    # Rows that the preview found to be probable duplicates and that staff chose to import.
    included_duplicates = models.JSONField(default=list, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.MAPPING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicates skipped"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    # The messages of the rows that could not be imported, as the preview words them.
    run_errors = models.JSONField(default=list, editable=False)
    failure = models.TextField(_("failure"), blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        permissions = [("undo_importbatch", _("Can undo an import"))]

    def __str__(self):
        return gettext("%(file)s from %(network)s") % {"file": self.file_name, "network": self.network}

    @property
    def is_in_progress(self):
        return self.status in (BatchStatus.QUEUED, BatchStatus.RUNNING)

    @property
    def can_be_undone(self):
        return self.status in (BatchStatus.DONE, BatchStatus.FAILED) and self.imported_rows.exists()

    @property
    def percent_done(self):
        return round(100 * self.rows_done / self.total_rows) if self.total_rows else 100

    def undo(self, *, by):
        """Take the import back: remove the projects it created and put back what it changed in
        the ones it updated, except those that people (or a later import) changed since, which
        are kept and named (``ImportedRow.undo``). Returns the rows' outcomes; undoing an import
        already undone does nothing."""
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().get(pk=self.pk)
            if batch.status == BatchStatus.UNDONE:
                return []
            if batch.is_in_progress:
                raise ValueError("An import still running cannot be undone.")
            outcomes = [row.undo(by=by) for row in batch.imported_rows.select_related("project").order_by("-pk")]
            batch.status = BatchStatus.UNDONE
            batch.undone_at = timezone.now()
            batch.undone_by = by
            batch.save(update_fields=["status", "undone_at", "undone_by"])
        self.refresh_from_db()
        return outcomes


class ImportedRow(models.Model):
    """A project that an import created or updated, found again by the row's ``key`` when the
    network's updated list is imported again."""

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("imported project", "created")
        UPDATED = "updated", pgettext_lazy("imported project", "updated")

    class Undo(models.TextChoices):
        REMOVED = "removed", pgettext_lazy("undone import", "removed")
        RESTORED = "restored", pgettext_lazy("undone import", "put back as it was")
        KEPT = "kept", pgettext_lazy("undone import", "kept")
        GONE = "gone", pgettext_lazy("undone import", "already deleted")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="imported_rows")
    row_number = models.PositiveIntegerField(_("row"))
    # The external id of the row ("id:…") if the file has one, else its normalised name and
    # country ("name:…|FR"): the same project in the network's next list has the same key.
    key = models.CharField(_("key"), max_length=255, db_index=True)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("project")
    )
    project_name = models.CharField(_("name"), max_length=200)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # For an update: the fields it changed, and the version of the project before it.
    changed_fields = models.JSONField(default=list, blank=True)
    previous_version = models.ForeignKey(Version, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The revision the import wrote to the project's history.
    revision = models.ForeignKey(Revision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_network = models.BooleanField(default=False)
    undo_outcome = models.CharField(_("when undone"), max_length=10, choices=Undo.choices, blank=True)
    undo_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("imported project")
        verbose_name_plural = _("imported projects")
        ordering = ["row_number", "pk"]

    def __str__(self):
        return self.project_name

    def reason_to_keep(self):
        """Why undoing the import must leave the project as it is, or "": people changed it since
        (a version of it in the history that no import wrote, a pending change), a group now
        edits it, or a later import that is not undone changed it too."""
        project = self.project
        later_people = Version.objects.get_for_object(project).filter(revision__import_record__isnull=True)
        if self.revision_id:
            later_people = later_people.filter(revision_id__gt=self.revision_id)
        if later_people.exists() or project.working_copy() is not None:
            return gettext("it was changed after the import")
        if project.editors.exists():
            return gettext("a group now edits it")
        later_import = (
            ImportedRow.objects.filter(project=project, pk__gt=self.pk)
            .exclude(batch__status=BatchStatus.UNDONE)
            .exclude(batch=self.batch)
            .select_related("batch")
            .first()
        )
        if later_import:
            return gettext("a later import (%(batch)s) changed it: undo that one first") % {"batch": later_import.batch}
        return ""

    def undo(self, *, by):
        """Take this row's import back (see ``ImportBatch.undo``), record and return the outcome."""
        if self.project is None:
            return self._undone(self.Undo.GONE)
        reason = self.reason_to_keep()
        if reason:
            return self._undone(self.Undo.KEPT, reason)
        project = self.project
        if self.action == self.Action.CREATED:
            try:
                # A savepoint: a project that other records hold on to stays, the others go.
                with transaction.atomic():
                    project.delete()
            except (ProtectedError, RestrictedError):
                return self._undone(self.Undo.KEPT, gettext("other records refer to it"))
            self.project = None  # the database has let go of it (SET_NULL)
            return self._undone(self.Undo.REMOVED)
        previous = self.previous_version.field_dict if self.previous_version else {}
        for attname in self.changed_fields:
            if attname in previous:
                setattr(project, attname, previous[attname])
        with reversion.create_revision():
            reversion.set_user(by)
            reversion.set_comment(gettext("Import undone: %(batch)s") % {"batch": self.batch})
            reversion.add_meta(ImportRevision, batch=self.batch)
            project.save()
            if self.added_network:
                project.actors.filter(organisation=self.batch.network, role=ProjectActor.Role.NETWORK).delete()
            reversion.add_to_revision(project)
        return self._undone(self.Undo.RESTORED)

    def _undone(self, outcome, note=""):
        self.undo_outcome = outcome
        self.undo_note = note
        self.save(update_fields=["undo_outcome", "undo_note"])
        return self


class ImportRevision(models.Model):
    """Marks a revision of the history as written by an import (or by its undoing), so that
    undoing an import tells its own changes from those of people."""

    revision = models.OneToOneField(Revision, on_delete=models.CASCADE, related_name="import_record")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="revisions")

    class Meta:
        verbose_name = _("revision written by an import")
        verbose_name_plural = _("revisions written by imports")

    def __str__(self):
        return str(self.revision)
