"""The import itself, on the worker: a network's list of thousands of projects takes minutes,
longer than a request may. It goes CHUNK rows at a time, each chunk in a transaction that also
counts it on the batch, so that the batch's page shows the rows done as they are committed, and
a run cut short (its worker died, habitat.worker runs the task again) starts after the last
chunk it committed. A row imported twice would be found again by its key anyway.
"""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from imports.models import BatchStatus, ImportBatch
from imports.resources import Outcome, ProjectResource

logger = logging.getLogger(__name__)

CHUNK = 100
# The messages of failed rows kept on the batch: enough to fix a file, not a second copy of it.
KEPT_ERRORS = 500
COUNTS = {
    Outcome.NEW: "created_count",
    Outcome.UPDATE: "updated_count",
    Outcome.UNCHANGED: "unchanged_count",
    Outcome.DUPLICATE: "duplicate_count",
    Outcome.ERROR: "error_count",
}


def start(batch, *, included_duplicates):
    """Queue the import of ``batch`` (previewed), with the probable duplicates staff chose."""
    batch.included_duplicates = sorted(included_duplicates)
    batch.status = BatchStatus.QUEUED
    batch.total_rows = len(batch.rows)
    batch.save(update_fields=["included_duplicates", "status", "total_rows"])
    # With the database's queue the worker sees the task once the request's transaction commits.
    run_import.enqueue(batch_id=batch.pk)


@task()
def run_import(*, batch_id):
    batch = ImportBatch.objects.select_related("network", "created_by").get(pk=batch_id)
    if not batch.is_in_progress:
        return batch.status
    batch.status = BatchStatus.RUNNING
    batch.started_at = batch.started_at or timezone.now()
    batch.save(update_fields=["status", "started_at"])
    resource = ProjectResource(batch=batch, by=batch.created_by)
    try:
        while batch.rows_done < batch.total_rows:
            numbers = range(batch.rows_done + 1, min(batch.rows_done + CHUNK, batch.total_rows) + 1)
            with transaction.atomic():
                reports = resource.reports(numbers, dry_run=False)
                for report in reports:
                    counter = COUNTS[report.outcome]
                    setattr(batch, counter, getattr(batch, counter) + 1)
                    if report.outcome == Outcome.ERROR and len(batch.run_errors) < KEPT_ERRORS:
                        batch.run_errors.extend(report.messages)
                batch.rows_done = numbers[-1]
                batch.save()
    except Exception as error:
        logger.exception("Import %s stopped", batch.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, failure=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    batch.status = BatchStatus.DONE
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "finished_at"])
    logger.info("Import %s done: %d rows", batch.pk, batch.total_rows)
    return batch.status
