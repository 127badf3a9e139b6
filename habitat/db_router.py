"""Reads of public pages from a PostgreSQL streaming replica; everything else on the primary.

Switched on by ``DATABASE_REPLICA_URL`` (habitat/settings.py adds the ``replica`` alias and
this router; without it there is one database and no router). A replica lags the primary by
a moment, so it may only answer what nobody is waiting to see change:

* ``PrimaryReplicaMiddleware`` decides once per request. Reads go to the replica only for a
  visitor who is not signed in, asking with a safe method (GET, HEAD, OPTIONS), outside the
  admin, and who has not sent a change (POST, …) in the last ``DATABASE_REPLICA_PIN_SECONDS``
  (a signed cookie says when). Signed-in people (editors, staff) are few and read their own
  changes, drafts and the review queue: always the primary.
* Outside a request (the e-mail worker, commands, migrations, the shell, tests) nothing
  decided otherwise, so everything reads the primary.
* Inside a transaction on the primary, reads stay on it: they must see its uncommitted rows.
  So do reads of a replica alias that names the primary's own database (tests: TEST MIRROR).
* Sessions, cache entries (rate limits), the task queue and account state change on almost
  every request that touches them, and a stale answer there is wrong, not merely old:
  always the primary.
"""

import contextlib
import contextvars
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http.request import HttpRequest

REPLICA_DB_ALIAS = "replica"
PIN_COOKIE = "habitat_primary"
_PIN_SALT = "habitat.db_router.pin"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# Models whose rows are per-visitor state rather than published content.
ALWAYS_PRIMARY_APPS = {"sessions", "django_cache", "django_tasks_database", "account", "mfa", "admin"}

# Whether reads of this request (or task, or thread) may go to the replica. A context variable,
# so that each thread of a gunicorn worker (and each asyncio task) has its own.
_replica_reads = contextvars.ContextVar("habitat_replica_reads", default=False)


@contextlib.contextmanager
def reads_from_replica(allowed=True):
    """Within the block, reads may (True) or may not (False) go to the replica."""
    token = _replica_reads.set(allowed)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def _replica_is_the_primary():
    """Whether the replica alias names the primary's own database: in tests, where it mirrors
    the test database (TEST["MIRROR"]) on a connection of its own, which would not see the
    test's uncommitted rows nor be allowed by the test's list of databases."""
    if REPLICA_DB_ALIAS not in connections.settings:
        return False
    replica = connections[REPLICA_DB_ALIAS].settings_dict
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    return all(replica.get(key) == primary.get(key) for key in ("HOST", "PORT", "NAME"))


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _replica_reads.get()
            and model._meta.app_label not in ALWAYS_PRIMARY_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and not _replica_is_the_primary()
        ):
            return REPLICA_DB_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        databases = {DEFAULT_DB_ALIAS, REPLICA_DB_ALIAS}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A replica replays the primary's migrations; it cannot run its own.
        return db == DEFAULT_DB_ALIAS


def pinned_to_primary(request: HttpRequest):
    """Whether this client changed something less than DATABASE_REPLICA_PIN_SECONDS ago.

    The cookie's signature carries the time it was made, so an old cookie that a client keeps
    sending pins nothing."""
    return (
        request.get_signed_cookie(
            PIN_COOKIE, default=None, salt=_PIN_SALT, max_age=settings.DATABASE_REPLICA_PIN_SECONDS
        )
        is not None
    )


def may_read_replica(request: HttpRequest):
    return (
        request.method in SAFE_METHODS
        and not request.path.startswith(settings.DATABASE_REPLICA_PRIMARY_PATHS)
        and not pinned_to_primary(request)
        # Read from the primary (nothing is decided yet): the session and the user.
        and not request.user.is_authenticated
    )


class PrimaryReplicaMiddleware:
    """Send this request's reads to the replica when nobody is waiting to see a change; after a
    change, pin the client to the primary for a few seconds, longer than the replica lags.

    Placed after AuthenticationMiddleware (it asks whether someone is signed in) and before
    everything that reads content."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with reads_from_replica(may_read_replica(request)):
            response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            response.set_signed_cookie(
                PIN_COOKIE,
                str(int(time.time())),
                salt=_PIN_SALT,
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
