"""E-mail: one message per person, in their language, sent by a worker, never inside a request.

* ``send_to_each`` writes one message to each recipient (nobody ever sees another
  recipient's address), in the recipient's own language, in our layout (``email/base.txt``:
  our greeting, our signature, from ``DEFAULT_FROM_EMAIL``).
* Messages go out through Django's tasks framework after the transaction commits. One that
  cannot be sent now (the mail server is down, refuses, times out) is enqueued again with a
  growing delay, so it is retried later rather than lost. The worker (`manage.py db_worker`)
  runs beside the web server; `make run` starts both.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import default_task_backend, task
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

# Seconds before each new try: a minute, five minutes, half an hour, two hours, six hours.
RETRY_DELAYS = [60, 300, 1800, 7200, 21600]


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
def send_email(*, subject, body, to, reply_to=None, attempt=0):
    message = EmailMessage(subject=subject, body=body, to=[to], reply_to=reply_to or [])
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        if attempt >= len(RETRY_DELAYS) or not default_task_backend.supports_defer:
            raise
        delay = RETRY_DELAYS[attempt]
        # Logged without the address: the log must not collect personal data.
        logger.warning("E-mail %r not sent (%s); try %d in %d s", subject, error, attempt + 2, delay)
        send_email.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
            subject=subject, body=body, to=to, reply_to=reply_to, attempt=attempt + 1
        )


def queue_email(*, subject, body, to, reply_to=None):
    """Send to the one address ``to`` after the current transaction commits, so a rolled-back
    change sends nothing. A message never has more than one recipient."""
    if not to:
        return
    transaction.on_commit(
        lambda: send_email.enqueue(subject=str(subject), body=body, to=to, reply_to=list(reply_to or []) or None)
    )
