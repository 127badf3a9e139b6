"""E-mail goes out through Django's tasks framework, never inside a request.

A message that cannot be sent now (the mail server is down, refuses, times out) is
enqueued again with a growing delay, so it is retried later rather than lost. The worker
(`manage.py db_worker`) runs beside the web server; `make run` starts both.
"""

import logging
import smtplib
from datetime import timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone

logger = logging.getLogger(__name__)

# Seconds before each new try: a minute, five minutes, half an hour, two hours, six hours.
RETRY_DELAYS = [60, 300, 1800, 7200, 21600]


@task()
def send_email(*, subject, body, to, reply_to=None, attempt=0):
    message = EmailMessage(subject=subject, body=body, to=to, reply_to=reply_to or [])
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        if attempt >= len(RETRY_DELAYS) or not default_task_backend.supports_defer:
            raise
        delay = RETRY_DELAYS[attempt]
        # Logged without the addresses: the log must not collect personal data.
        logger.warning("E-mail %r not sent (%s); try %d in %d s", subject, error, attempt + 2, delay)
        send_email.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
            subject=subject, body=body, to=to, reply_to=reply_to, attempt=attempt + 1
        )


def queue_email(*, subject, body, to, reply_to=None):
    """Send after the current transaction commits, so a rolled-back change sends nothing."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    transaction.on_commit(lambda: send_email.enqueue(subject=str(subject), body=body, to=recipients, reply_to=reply_to))
