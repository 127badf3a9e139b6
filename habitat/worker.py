"""The e-mail worker: django-tasks-db's `db_worker`, plus what it lacks when a worker dies.

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED when
the task ends. A worker killed in between (out of memory, SIGKILL, the machine restarting)
leaves the task RUNNING for ever, and no worker ever looks at it again: an e-mail lost.

So each task runs while its worker holds a PostgreSQL advisory lock named after the task,
which PostgreSQL releases by itself when the worker's connection ends, however it ends. When
a worker starts (`manage.py db_worker`, habitat/management/commands/db_worker.py), a RUNNING
task whose lock nobody holds was left by a dead worker: it is made READY again, and runs once
more. Only tasks that may safely run again are recovered: send_email, which never sends a
message that an earlier run already sent (habitat.mail).
"""

import logging
import time
from datetime import timedelta

from django.db import DatabaseError, connections, router, transaction
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django_tasks_db.backend import TaskResult as QueuedTaskResult
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Tasks that may run again after their worker died in the middle.
RESTARTABLE_TASKS = {"habitat.mail.send_email"}
# The worker claims a task (a committed RUNNING row) a moment before it takes the task's lock;
# a task claimed this recently is left alone.
CLAIM_GRACE_SECONDS = 2


def _lock_key(task_id):
    """The advisory lock's key: a signed 64-bit number from the task's UUID."""
    return int.from_bytes(task_id.bytes[:8], "big", signed=True)


def _connection():
    return connections[router.db_for_write(DBTaskResult)]


def take_task_lock(sender, task_result, **kwargs):
    """On task_started, in the worker: hold the task's advisory lock while it runs, on the
    worker's own connection (the one that ends if the worker dies)."""
    if not isinstance(task_result, QueuedTaskResult):
        return  # another backend's task (the immediate one of the tests): no row to recover
    try:
        with _connection().cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_lock_key(task_result.db_result.pk)])
    except DatabaseError:
        # Failing here would fail the task for good; it runs unlocked (the database is
        # failing, and the worker will likely lose the task's row anyway).
        logger.warning("Task %s runs without its lock: the database did not answer", task_result.id)


def release_task_lock(sender, task_result, **kwargs):
    """On task_finished: the task is SUCCESSFUL or FAILED, its lock is no longer needed."""
    if not isinstance(task_result, QueuedTaskResult):
        return
    try:
        with _connection().cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(task_result.db_result.pk)])
    except DatabaseError:
        # The connection is gone (PostgreSQL restarted), and the lock with it.
        logger.warning("Lock of task %s not released: the database connection is gone", task_result.id)


def lock_tasks_while_running():
    """Called by the worker command: from now on, each task runs under its lock."""
    task_started.connect(take_task_lock, dispatch_uid="habitat_take_task_lock")
    task_finished.connect(release_task_lock, dispatch_uid="habitat_release_task_lock")


def recover_abandoned_tasks():
    """Make READY again the restartable tasks left RUNNING by workers that died; returns how many."""
    recovered = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, task_path__in=RESTARTABLE_TASKS)
    if running.filter(started_at__gte=timezone.now() - timedelta(seconds=CLAIM_GRACE_SECONDS)).exists():
        # A worker may have died right after claiming one: wait until it is old enough to judge.
        time.sleep(CLAIM_GRACE_SECONDS)
    claimed_before = timezone.now() - timedelta(seconds=CLAIM_GRACE_SECONDS)
    for task_id in running.filter(started_at__lt=claimed_before).values_list("pk", flat=True):
        key = _lock_key(task_id)
        with _connection().cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            (free,) = cursor.fetchone()
        if not free:
            continue  # a live worker is running it
        try:
            with transaction.atomic(using=router.db_for_write(DBTaskResult)):
                recovered += DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
                    status=TaskResultStatus.READY, started_at=None
                )
        finally:
            with _connection().cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    if recovered:
        logger.warning("%d task(s) left running by a worker that stopped are queued again", recovered)
    return recovered
