"""Helpers for the account tests."""

import re
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress

from tests.factories import make_user

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
