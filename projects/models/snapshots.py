"""Dated snapshots of the open data: a zip of the whole directory as it was published on a
day, which researchers can cite (``manage.py make_open_data_snapshot``, run by a timer)."""

import hashlib
import tempfile

from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from habitat.uploads import StoredFile


class SnapshotQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Open data: everyone may download every snapshot."""
        return self.all()


class OpenDataSnapshot(StoredFile):
    upload_folder = "open-data"
    download = True

    made_on = models.DateField(_("day"), unique=True)
    archive = models.FileField(_("archive"), upload_to="open-data/")
    projects = models.PositiveIntegerField(_("projects"))
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("open data snapshot")
        verbose_name_plural = _("open data snapshots")
        ordering = ["-made_on"]

    def __str__(self):
        return f"{self.made_on:%Y-%m-%d}"

    @classmethod
    def make(cls, *, on=None):
        """Today's snapshot, made once: a second run on the same day gives the same one."""
        from projects import opendata
        from projects.models.project import Project

        made_on = on or timezone.localdate()
        existing = cls.objects.filter(made_on=made_on).first()
        if existing:
            return existing, False
        public = Project.objects.public()
        merged = Project.objects.filter(merged_into__in=public).order_by("pk").values_list("pk", "merged_into_id")
        with tempfile.TemporaryFile() as archive:
            opendata.write_snapshot(archive, public, merged.iterator(), made_on)
            size = archive.tell()
            archive.seek(0)
            digest = hashlib.file_digest(archive, "sha256").hexdigest()
            archive.seek(0)
            with transaction.atomic():
                snapshot = cls(made_on=made_on, projects=public.count(), size=size, sha256=digest)
                snapshot.archive.save(f"sph-projects-{made_on:%Y-%m-%d}.zip", File(archive), save=False)
                snapshot.save()
        return snapshot, True
