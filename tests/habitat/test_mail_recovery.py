"""A worker that dies in the middle of sending loses no e-mail and sends none twice
(habitat.worker, habitat.mail); the fault checks (make faults) do the same with real processes."""

import smtplib
import time
from datetime import timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, connections
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from habitat.mail import ALREADY_HANDLED, RETRY_QUEUED, SENT, queue_email
from habitat.worker import _lock_key, recover_abandoned_tasks
from tests.habitat.support import DATABASE_QUEUE, MAIL_SERVER_DOWN, MAIL_SERVER_UP, MESSAGE

pytestmark = pytest.mark.django_db(transaction=True)


class GoodbyeFailsBackend(LocmemBackend):
    """A mail server that accepts the message, then fails to answer QUIT."""

    def close(self):
        raise smtplib.SMTPResponseException(421, b"Service closing transmission channel")


class LockWitnessBackend(LocmemBackend):
    """Looks, from a connection of its own, whether the task being run is locked."""

    locked = []

    def send_messages(self, messages):
        running = DBTaskResult.objects.get(status=TaskResultStatus.RUNNING)
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key(running.pk)])
                self.locked.append(not cursor.fetchone()[0])
        finally:
            other.close()
        return super().send_messages(messages)


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    settings.MAILERS = MAIL_SERVER_UP
    return settings


def rows():
    return list(DBTaskResult.objects.order_by("enqueued_at"))


def left_running_by_a_dead_worker(row):
    """What a worker killed in the middle of ``row``'s task leaves behind."""
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(seconds=30), worker_ids=["dead"]
    )


def test_email_left_running_by_a_dead_worker_is_sent_by_the_next_worker(database_queue, run_worker, mailoutbox):
    queue_email(**MESSAGE)
    (row,) = rows()
    left_running_by_a_dead_worker(row)

    run_worker()

    row.refresh_from_db()
    assert (row.status, row.return_value) == (TaskResultStatus.SUCCESSFUL, SENT)
    (message,) = mailoutbox
    assert message.to == ["group@example.org"]
    assert message.extra_headers["Message-ID"] == row.args_kwargs["kwargs"]["message_id"]


def test_worker_holds_the_lock_of_the_task_it_runs(database_queue, run_worker, mailoutbox):
    database_queue.MAILERS = {"default": {"BACKEND": f"{__name__}.LockWitnessBackend"}}
    LockWitnessBackend.locked.clear()
    queue_email(**MESSAGE)

    run_worker()

    assert LockWitnessBackend.locked == [True]
    assert len(mailoutbox) == 1
    # Released once the task ended.
    (row,) = rows()
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key(row.pk)])
            assert cursor.fetchone()[0] is True
    finally:
        other.close()


def test_task_a_live_worker_is_running_is_left_alone(database_queue):
    queue_email(**MESSAGE)
    (row,) = rows()
    left_running_by_a_dead_worker(row)
    # Another worker's connection holds the task's lock: it is running it right now.
    live_worker = connections.create_connection("default")
    try:
        with live_worker.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_lock_key(row.pk)])

        assert recover_abandoned_tasks() == 0
        row.refresh_from_db()
        assert row.status == TaskResultStatus.RUNNING
        pid = live_worker.connection.info.backend_pid
    finally:
        live_worker.close()
    # Closing returns before the server ends the session (and lets go of its locks): wait for it,
    # as a real worker's death is seen once its session is gone.
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == 0:
                break
        time.sleep(0.05)

    # Its connection ended (the worker died): now the task is queued again.
    assert recover_abandoned_tasks() == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY


def test_email_already_sent_is_not_sent_again_by_a_second_run(database_queue, run_worker, mailoutbox):
    queue_email(**MESSAGE)
    run_worker()
    (sent,) = rows()
    assert sent.return_value == SENT

    # The same message queued again (a task run a second time).
    DBTaskResult.objects.create(
        args_kwargs=sent.args_kwargs,
        task_path=sent.task_path,
        backend_name=sent.backend_name,
        queue_name=sent.queue_name,
        priority=sent.priority,
        run_after=timezone.now(),
    )
    run_worker()

    assert [row.return_value for row in rows()] == [SENT, ALREADY_HANDLED]
    assert len(mailoutbox) == 1


def test_try_that_died_after_queueing_its_retry_does_not_send_beside_the_retry(database_queue, run_worker, mailoutbox):
    database_queue.MAILERS = MAIL_SERVER_DOWN
    queue_email(**MESSAGE)
    run_worker()
    first, retry = rows()
    assert first.return_value == RETRY_QUEUED
    # Its worker died after queueing the retry, before marking the task done.
    left_running_by_a_dead_worker(first)
    database_queue.MAILERS = MAIL_SERVER_UP

    run_worker()  # recovers the first try, which sees the retry and sends nothing
    first.refresh_from_db()
    assert (first.status, first.return_value) == (TaskResultStatus.SUCCESSFUL, ALREADY_HANDLED)
    assert mailoutbox == []

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    assert DBTaskResult.objects.get(pk=retry.pk).return_value == SENT
    assert len(mailoutbox) == 1


def test_server_that_accepts_then_fails_to_say_goodbye_gets_the_message_once(database_queue, run_worker, mailoutbox):
    database_queue.MAILERS = {"default": {"BACKEND": f"{__name__}.GoodbyeFailsBackend"}}
    queue_email(**MESSAGE)

    run_worker()

    (row,) = rows()
    assert (row.status, row.return_value) == (TaskResultStatus.SUCCESSFUL, SENT)
    assert len(mailoutbox) == 1


def test_retry_delays_come_from_the_setting(database_queue, run_worker):
    database_queue.MAILERS = MAIL_SERVER_DOWN
    database_queue.MAIL_RETRY_DELAYS = [2, 3]
    queue_email(**MESSAGE)

    run_worker()

    _first, retry = rows()
    wait = retry.run_after - timezone.now()
    assert timedelta(0) < wait <= timedelta(seconds=2)
