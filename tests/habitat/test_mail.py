"""E-mail goes through the database queue and its worker; a message that fails is retried later."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from habitat.mail import RETRY_DELAYS, Recipient, queue_email, send_to_each
from tests.habitat.support import DATABASE_QUEUE, MAIL_SERVER_DOWN, MAIL_SERVER_UP, MESSAGE


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    return settings


def task_rows():
    return list(DBTaskResult.objects.order_by("enqueued_at"))


@pytest.mark.django_db
def test_queue_email_sends_once_the_transaction_commits(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(**MESSAGE)
        assert mailoutbox == []

    (message,) = mailoutbox
    assert message.to == ["group@example.org"]
    assert (message.subject, message.body) == ("Your project", "It is published.")
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


@pytest.mark.django_db
def test_send_to_each_writes_one_message_per_person_in_their_language(mailoutbox, django_capture_on_commit_callbacks):
    people = [
        Recipient(address="ana@example.org", language="es", name="Ana"),
        Recipient(address="ANA@example.org", language="fr", name="Ana again"),  # the same address
        Recipient(address="luc@example.org", language="fr", name="Luc"),
        Recipient(address="group@example.org", language="en"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        send_to_each(
            people,
            subject=lambda: gettext("Search"),
            template="email/base.txt",
            context={},
            reply_to=["visitor@example.net"],
        )

    assert [(m.to, m.subject, m.body.splitlines()[0]) for m in mailoutbox] == [
        (["ana@example.org"], "Buscar", "Hola, Ana:"),
        (["luc@example.org"], "Rechercher", "Bonjour Luc,"),
        (["group@example.org"], "Search", "Hello,"),
    ]
    assert all(m.reply_to == ["visitor@example.net"] and m.cc == [] and m.bcc == [] for m in mailoutbox)


@pytest.mark.django_db(transaction=True)
def test_queue_email_in_a_rolled_back_transaction_sends_nothing(mailoutbox, database_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email(**MESSAGE)
        raise RuntimeError("the change failed")

    assert task_rows() == []
    assert mailoutbox == []


@pytest.mark.django_db
def test_queue_email_without_recipients_queues_nothing(database_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queue_email(**{**MESSAGE, "to": ""})
    assert callbacks == []
    assert task_rows() == []


# The worker commits as it claims and finishes tasks, as in production: these tests use real
# transactions rather than the test's rolled-back one.


@pytest.mark.django_db(transaction=True)
def test_queued_email_waits_in_the_database_until_the_worker_sends_it(database_queue, run_worker, mailoutbox):
    queue_email(**MESSAGE, reply_to=["visitor@example.org"])

    (row,) = task_rows()
    assert row.status == TaskResultStatus.READY
    assert row.task_path == "habitat.mail.send_email"
    assert mailoutbox == []

    run_worker()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    (message,) = mailoutbox
    assert (message.to, message.reply_to) == (["group@example.org"], ["visitor@example.org"])


@pytest.mark.django_db(transaction=True)
def test_email_that_cannot_be_sent_is_retried_later_not_lost(database_queue, run_worker, mailoutbox):
    database_queue.MAILERS = MAIL_SERVER_DOWN
    queue_email(**MESSAGE, reply_to=["visitor@example.org"])

    run_worker()

    first, retry = task_rows()
    assert first.status == TaskResultStatus.SUCCESSFUL  # it handled the failure by queueing a retry
    assert retry.status == TaskResultStatus.READY
    # The retry is the same message: the same Message-ID, one more attempt.
    message_id = first.args_kwargs["kwargs"]["message_id"]
    assert message_id.endswith("@sph-platform.test>")
    assert retry.args_kwargs == {
        "args": [],
        "kwargs": {**MESSAGE, "reply_to": ["visitor@example.org"], "attempt": 1, "message_id": message_id},
    }
    wait = retry.run_after - timezone.now()
    assert timedelta(seconds=RETRY_DELAYS[0] - 10) < wait <= timedelta(seconds=RETRY_DELAYS[0])
    assert mailoutbox == []

    # The retry is not due yet: the worker leaves it alone.
    run_worker()
    assert DBTaskResult.objects.get(pk=retry.pk).status == TaskResultStatus.READY

    # A minute later the mail server is back.
    database_queue.MAILERS = MAIL_SERVER_UP
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()

    assert DBTaskResult.objects.get(pk=retry.pk).status == TaskResultStatus.SUCCESSFUL
    (message,) = mail.outbox
    assert (message.subject, message.to, message.reply_to) == (
        "Your project",
        ["group@example.org"],
        ["visitor@example.org"],
    )
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_email_retries_wait_longer_each_time_then_stop(database_queue, run_worker):
    database_queue.MAILERS = MAIL_SERVER_DOWN
    queue_email(**MESSAGE)

    waits = []
    for _attempt in range(len(RETRY_DELAYS) + 1):
        run_worker()
        due = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        for row in due:
            waits.append(round((row.run_after - timezone.now()).total_seconds(), -1))
        due.update(run_after=timezone.now())

    assert waits == [float(delay) for delay in RETRY_DELAYS]
    # After the last try the task fails for good, with its error kept in the admin's task list.
    last = DBTaskResult.objects.order_by("enqueued_at").last()
    assert last.status == TaskResultStatus.FAILED
    assert last.args_kwargs["kwargs"]["attempt"] == len(RETRY_DELAYS)
    assert "ConnectionRefusedError" in last.exception_class_path
