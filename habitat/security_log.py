"""Security events, one line each, on the ``habitat.security`` logger (ASVS 16.3): sign-ins
and their failures, sign-outs, changes of password, e-mail address and second factor.

A line says what happened, to which account (its number: logs never hold an e-mail address)
and from which client address; the time comes from the log handler (the journal)."""

import logging

from allauth.account import signals as account_signals
from allauth.account.adapter import get_adapter
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals

logger = logging.getLogger("habitat.security")


def _client(request):
    if request is None:
        return "?"
    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:  # a misconfigured proxy count must not break a sign-in
        return request.META.get("REMOTE_ADDR", "?")


def _account(user):
    return f"account #{user.pk}" if user is not None and user.pk else "no account"


def _logged_in(sender, request, user, **kwargs):
    logger.info("sign-in succeeded: %s from %s", _account(user), _client(request))


def _login_failed(sender, credentials, request=None, **kwargs):
    # `credentials` holds the address typed: it stays out of the log.
    logger.warning("sign-in failed from %s", _client(request))


def _logged_out(sender, request, user, **kwargs):
    logger.info("sign-out: %s from %s", _account(user), _client(request))


def _event(description, level=logging.INFO):
    def receiver(sender, request=None, user=None, **kwargs):
        logger.log(level, "%s: %s from %s", description, _account(user), _client(request))

    return receiver


EVENTS = [
    (auth_signals.user_logged_in, _logged_in),
    (auth_signals.user_login_failed, _login_failed),
    (auth_signals.user_logged_out, _logged_out),
    (account_signals.password_changed, _event("password changed")),
    (account_signals.password_set, _event("password set")),
    (account_signals.password_reset, _event("password reset")),
    (account_signals.email_added, _event("e-mail address added")),
    (account_signals.email_changed, _event("e-mail address changed")),
    (account_signals.email_removed, _event("e-mail address removed")),
    (mfa_signals.authenticator_added, _event("second factor added")),
    (mfa_signals.authenticator_removed, _event("second factor removed")),
    (mfa_signals.authenticator_reset, _event("second factor reset")),
    (mfa_signals.authentication_failed, _event("second factor code refused", logging.WARNING)),
]


def connect_signals():
    """Called once, from habitat's AppConfig.ready()."""
    for signal, receiver in EVENTS:
        signal.connect(receiver, dispatch_uid=f"security_log_{id(receiver)}", weak=False)
