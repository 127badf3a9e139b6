"""Helpers for the account tests."""

import re
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress

from tests.factories import make_user

# The e-mail queue's tests (test_mail.py, test_mail_recovery.py).
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Nothing listens on the discard port: connecting fails at once, like a mail server that is down.
MAIL_SERVER_DOWN = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
    }
}
MAIL_SERVER_UP = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MESSAGE = {"subject": "Your project", "body": "It is published.", "to": "group@example.org"}

PASSWORD = "a-long-test-password"

# E-mails are queued once the transaction commits (habitat.mail). Each test runs inside a
# transaction, so a test wraps a request that sends in django_capture_on_commit_callbacks(execute=True).


def make_verified_user(**fields):
    """An account whose address was confirmed, as after a finished sign-up."""
    user = make_user(password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def link_in(message):
    """The path of the link in an e-mail."""
    url = re.search(r"https?://\S+", message.body).group(0)
    return urlsplit(url).path


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")
