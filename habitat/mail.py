"""E-mail: one message per person, in their language, sent by a worker, never inside a request.

* ``send_to_each`` writes one message to each recipient (nobody ever sees another
  recipient's address), in the recipient's own language, in our layout (``email/base.txt``:
  our greeting, our signature, from ``DEFAULT_FROM_EMAIL``).
* Messages go out through Django's tasks framework after the transaction commits. One that
  cannot be sent now (the mail server is down, refuses, times out) is enqueued again with a
  growing delay, so it is retried later rather than lost. The worker (`manage.py db_worker`)
  runs beside the web server; `make run` starts both.
* Each message gets its Message-ID when it is queued, and keeps it through every try. A try
  that finds its message already sent, or already handed to a later try, sends nothing: a
  worker that died in the middle of a task has that task run again (habitat.worker), and the
  run must not send twice what the mail server already accepted.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import Q
from django.tasks import default_task_backend, task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Seconds before each new try: a minute, five minutes, half an hour, two hours, six hours.
# settings.MAIL_RETRY_DELAYS replaces them (the fault checks use a few seconds).
RETRY_DELAYS = [60, 300, 1800, 7200, 21600]
# What a try of send_email returns, kept in its task's row.
SENT, RETRY_QUEUED, ALREADY_HANDLED = "sent", "retry queued", "already handled"


def retry_delays():
    return getattr(settings, "MAIL_RETRY_DELAYS", None) or RETRY_DELAYS


@dataclass(frozen=True)
class Recipient:
    """Someone we write to: the address, the language to write in, the name to greet."""

    address: str
    language: str
    name: str = ""

    @classmethod
    def of(cls, user):
        return cls(address=user.email, language=user.language, name=user.public_name)


def recipients(*groups):
    """Recipients from users and ``Recipient``s, each address once (the first one wins:
    an account's language and name over a bare address)."""
    found = {}
    for group in groups:
        for item in group:
            recipient = item if isinstance(item, Recipient) else Recipient.of(item)
            key = recipient.address.strip().lower()
            if key and key not in found:
                found[key] = recipient
    return list(found.values())


def layout_context(recipient):
    """What every message's layout needs: the greeting's name, the platform's name and address."""
    return {"recipient_name": recipient.name, "site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}


def send_to_each(people, *, subject, template, context, reply_to=None):
    """Queue one message to each of ``people`` (users or Recipients), in their language.

    ``subject`` is a function called in the recipient's language (names of projects and
    labels of decisions are translated too); ``template`` extends ``email/base.txt``.
    """
    for recipient in recipients(people):
        with translation.override(recipient.language):
            queue_email(
                subject=str(subject()),
                body=render_to_string(template, {**context, **layout_context(recipient)}).strip() + "\n",
                to=recipient.address,
                reply_to=reply_to,
            )


@task()
def send_email(*, subject, body, to, reply_to=None, attempt=0, message_id=None, headers=None):
    if message_id and _already_handled(message_id, attempt):
        return ALREADY_HANDLED
    extra_headers = dict(headers or {})
    headers = {**extra_headers, "Message-ID": message_id} if message_id else extra_headers
    message = EmailMessage(subject=subject, body=body, to=[to], reply_to=reply_to or [], headers=headers)
    try:
        _send(message)
    except (smtplib.SMTPException, OSError) as error:
        delays = retry_delays()
        if attempt >= len(delays) or not default_task_backend.supports_defer:
            raise
        delay = delays[attempt]
        # Logged without the address: the log must not collect personal data.
        logger.warning("E-mail %r not sent (%s); try %d in %d s", subject, error, attempt + 2, delay)
        send_email.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
            subject=subject,
            body=body,
            to=to,
            reply_to=reply_to,
            attempt=attempt + 1,
            message_id=message_id,
            **({"headers": extra_headers} if extra_headers else {}),
        )
        return RETRY_QUEUED
    return SENT


def _send(message):
    """Send ``message``; once the server has accepted it, a failure to end the conversation
    (QUIT refused or timed out) is not a failure to send, or the message would go twice."""
    connection = mailers.default
    connection.open()
    try:
        connection.send_messages([message])
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError) as error:
            logger.info("Mail server connection not closed cleanly (%s)", error)


def _already_handled(message_id, attempt):
    """Whether another try of this message sent it, or a later try was queued: the task that
    queued it was cut off (its worker died) before it could finish, and is being run again."""
    if not isinstance(send_email.get_backend(), DatabaseBackend):
        return False
    tries = DBTaskResult.objects.filter(task_path=send_email.module_path, args_kwargs__kwargs__message_id=message_id)
    return tries.filter(Q(return_value=SENT) | Q(args_kwargs__kwargs__attempt__gt=attempt)).exists()


def queue_email(*, subject, body, to, reply_to=None, headers=None):
    """Send to the one address ``to`` after the current transaction commits, so a rolled-back
    change sends nothing. A message never has more than one recipient. ``headers``: more
    headers of the message (a digest's List-Unsubscribe)."""
    if not to:
        return
    message_id = new_message_id()
    transaction.on_commit(
        lambda: send_email.enqueue(
            subject=str(subject),
            body=body,
            to=to,
            reply_to=list(reply_to or []) or None,
            message_id=message_id,
            **({"headers": dict(headers)} if headers else {}),
        )
    )


def new_message_id():
    """A Message-ID in the sender's own domain, made once per message (every try keeps it)."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or None
    return make_msgid(domain=domain)
