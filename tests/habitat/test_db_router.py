"""Reads of visitors' pages go to the replica; writes, changes and the people who make them, to
the primary (habitat.db_router); the settings switch it on from DATABASE_REPLICA_URL alone."""

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse
from django.test import RequestFactory
from django_tasks_db.models import DBTaskResult

from habitat.db_router import (
    PIN_COOKIE,
    REPLICA_DB_ALIAS,
    PrimaryReplicaMiddleware,
    PrimaryReplicaRouter,
    reads_from_replica,
)
from habitat.models import User
from projects.models import Project, ProjectPhoto

ROOT = Path(settings.BASE_DIR)
router = PrimaryReplicaRouter()


@pytest.fixture
def replica_alias():
    """A ``replica`` alias beside the test database (never connected to), removed afterwards."""
    connections.settings[REPLICA_DB_ALIAS] = {**connections[DEFAULT_DB_ALIAS].settings_dict, "NAME": "elsewhere"}
    yield connections.settings[REPLICA_DB_ALIAS]
    with contextlib.suppress(AttributeError):
        del connections[REPLICA_DB_ALIAS]
    del connections.settings[REPLICA_DB_ALIAS]


@pytest.fixture(autouse=True)
def _a_replica_of_its_own(request):
    # When the suite itself runs with DATABASE_REPLICA_URL, its replica alias mirrors the test
    # database, which the router reads as the primary; these tests are about a real replica.
    if REPLICA_DB_ALIAS in connections.settings:
        saved = connections.settings[REPLICA_DB_ALIAS]
        connections.settings[REPLICA_DB_ALIAS] = {**saved, "NAME": "elsewhere"}
        with contextlib.suppress(AttributeError):
            del connections[REPLICA_DB_ALIAS]
        yield
        with contextlib.suppress(AttributeError):
            del connections[REPLICA_DB_ALIAS]
        connections.settings[REPLICA_DB_ALIAS] = saved
    else:
        yield


def read_database_during(request):
    """The alias a read of projects would use while the middleware handles ``request``, and
    the response."""
    seen = []

    def view(request):
        seen.append(router.db_for_read(Project))
        return HttpResponse("ok")

    response = PrimaryReplicaMiddleware(view)(request)
    return seen[0], response


def visitor_get(path="/en/projects/", **cookies):
    request = RequestFactory().get(path)
    request.COOKIES.update(cookies)
    request.user = AnonymousUser()
    return request


def test_reads_go_to_the_primary_outside_a_request():
    # The worker, commands, migrations and the shell never read a lagging copy.
    assert router.db_for_read(Project) == "default"


def test_reads_go_to_the_replica_only_where_allowed_and_writes_always_to_the_primary():
    with reads_from_replica():
        assert router.db_for_read(Project) == "replica"
        assert router.db_for_write(Project) == "default"
        with reads_from_replica(False):
            assert router.db_for_read(Project) == "default"
        assert router.db_for_read(ProjectPhoto) == "replica"


@pytest.mark.parametrize("model", [Session, DBTaskResult])
def test_sessions_and_the_task_queue_are_read_from_the_primary_even_where_replica_reads_are_allowed(model):
    with reads_from_replica():
        assert router.db_for_read(model) == "default"


@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_on_it():
    # pytest-django runs this test inside a transaction of the primary.
    with reads_from_replica():
        assert router.db_for_read(Project) == "default"


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "projects", "project") is True
    assert router.allow_migrate("replica", "projects", "project") is False


def test_rows_of_the_primary_and_the_replica_may_be_related():
    project, photo = Project(), ProjectPhoto()
    project._state.db, photo._state.db = "replica", "default"
    assert router.allow_relation(project, photo) is True


def test_a_visitors_get_reads_from_the_replica_and_sets_no_cookie():
    database, response = read_database_during(visitor_get())
    assert database == "replica"
    assert PIN_COOKIE not in response.cookies


def test_a_post_reads_from_the_primary_and_pins_the_browser_for_a_few_seconds(settings):
    settings.DATABASE_REPLICA_PIN_SECONDS = 7
    request = RequestFactory().post("/en/projects/some-project/report/")
    request.user = AnonymousUser()
    database, response = read_database_during(request)
    assert database == "default"
    assert response.cookies[PIN_COOKIE]["max-age"] == 7
    assert response.cookies[PIN_COOKIE]["httponly"] is True

    # The next request of that browser reads the primary too.
    database, _ = read_database_during(visitor_get(**{PIN_COOKIE: response.cookies[PIN_COOKIE].value}))
    assert database == "default"


def test_a_pin_older_than_the_setting_no_longer_counts(settings, monkeypatch):
    settings.DATABASE_REPLICA_PIN_SECONDS = 5
    request = RequestFactory().post("/en/accounts/logout/")
    request.user = AnonymousUser()

    class TenSecondsAgo:
        @staticmethod
        def time():
            return time.time() - 10

    monkeypatch.setattr(signing, "time", TenSecondsAgo)
    _, response = read_database_during(request)
    monkeypatch.undo()
    database, _ = read_database_during(visitor_get(**{PIN_COOKIE: response.cookies[PIN_COOKIE].value}))
    assert database == "replica"


def test_a_forged_pin_cookie_is_ignored():
    database, _ = read_database_during(visitor_get(**{PIN_COOKIE: str(int(time.time()))}))
    assert database == "replica"


def test_signed_in_people_read_from_the_primary():
    request = visitor_get()
    request.user = User(username="editor")
    database, _ = read_database_during(request)
    assert database == "default"


def test_the_admin_reads_from_the_primary():
    database, _ = read_database_during(visitor_get("/admin/login/"))
    assert database == "default"


def test_a_replica_alias_that_names_the_primarys_own_database_is_read_as_the_primary(replica_alias):
    # The test mirror (TEST["MIRROR"]): a connection of its own would not see the test's rows.
    with reads_from_replica():
        assert router.db_for_read(Project) == "replica"
        replica_alias["NAME"] = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
        del connections[REPLICA_DB_ALIAS]
        assert router.db_for_read(Project) == "default"


def test_the_decision_ends_with_the_request():
    read_database_during(visitor_get())
    assert router.db_for_read(Project) == "default"


# --- The settings, read from a process started with the environment ---------------------------

READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "aliases": sorted(settings.DATABASES),
    "routers": settings.DATABASE_ROUTERS,
    "replica_test": settings.DATABASES.get("replica", {}).get("TEST", {}).get("MIRROR"),
    "middleware": settings.MIDDLEWARE,
    "options": {alias: db.get("OPTIONS", {}) for alias, db in settings.DATABASES.items()},
    "conn_max_age": {alias: db["CONN_MAX_AGE"] for alias, db in settings.DATABASES.items()},
    "health_checks": {alias: db["CONN_HEALTH_CHECKS"] for alias, db in settings.DATABASES.items()},
}))
"""


def settings_with(**environment):
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DATABASE_", "MEDIA_S3_"))}
    env.update(environment)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["DJANGO_SETTINGS_MODULE"] = "habitat.settings"
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    if result.returncode:
        return result.stderr
    return json.loads(result.stdout)


def test_by_default_one_database_with_persistent_connections_and_no_router():
    found = settings_with()
    assert found["aliases"] == ["default"]
    assert found["routers"] == []
    assert "habitat.db_router.PrimaryReplicaMiddleware" not in found["middleware"]
    assert found["conn_max_age"] == {"default": 60}
    assert found["health_checks"] == {"default": True}
    assert "pool" not in found["options"]["default"]


def test_a_replica_url_adds_the_alias_the_router_and_the_middleware_and_tests_mirror_the_primary():
    found = settings_with(DATABASE_REPLICA_URL="postgis://habitat:habitat@replica.internal:5432/habitat")
    assert found["aliases"] == ["default", "replica"]
    assert found["routers"] == ["habitat.db_router.PrimaryReplicaRouter"]
    assert found["replica_test"] == "default"
    middleware = found["middleware"]
    authentication = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware[authentication + 1] == "habitat.db_router.PrimaryReplicaMiddleware"


def test_the_pool_is_switched_on_for_every_database_without_persistent_connections():
    found = settings_with(
        DATABASE_REPLICA_URL="postgis://habitat:habitat@replica.internal:5432/habitat",
        DATABASE_POOL="true",
        DATABASE_POOL_MAX_SIZE="8",
    )
    assert found["conn_max_age"] == {"default": 0, "replica": 0}
    assert found["health_checks"] == {"default": True, "replica": True}
    for alias in ("default", "replica"):
        assert found["options"][alias]["pool"] == {"min_size": 2, "max_size": 8, "timeout": 10.0}


def test_the_pool_refuses_persistent_connections():
    found = settings_with(DATABASE_POOL="true", DATABASE_CONN_MAX_AGE="60")
    assert "DATABASE_CONN_MAX_AGE must be 0 with DATABASE_POOL=true" in found


def test_a_replica_must_be_postgis():
    found = settings_with(DATABASE_REPLICA_URL="postgres://habitat:habitat@replica.internal:5432/habitat")
    assert "must be postgis:// URLs" in found
