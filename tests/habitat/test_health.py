"""The health endpoint, for monitors: the database, the cache and the queue of e-mails."""

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from habitat.mail import queue_email
from projects.models import Project
from tests.factories import make_project
from tests.shared import TEST_REDIS_URL

REDIS = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": TEST_REDIS_URL}
REDIS_OPTIONS = {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25, "IGNORE_EXCEPTIONS": True}


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {**settings.CACHES, "pages": {**REDIS, "OPTIONS": REDIS_OPTIONS}}


@pytest.fixture
def redis_down(settings):
    # Nothing listens on the discard port: as if Redis were stopped.
    down = {**REDIS, "LOCATION": "redis://127.0.0.1:9/1", "OPTIONS": REDIS_OPTIONS}
    settings.CACHES = {**settings.CACHES, "pages": down}


@pytest.mark.django_db
def test_health_says_ok_with_the_database_the_cache_and_the_queue(client, redis_cache):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"]["ok"] and data["cache"] == {**data["cache"], "ok": True, "backend": "redis"}
    assert data["queue"]["waiting"] == 0


@pytest.mark.django_db
def test_health_answers_head_without_a_body(client):
    response = client.head("/health/")
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.django_db(transaction=True)
def test_health_counts_the_e_mails_waiting_for_the_worker(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for n in range(3):
        queue_email(subject="Hello", body="Body", to=f"person{n}@example.org")
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 3
    assert client.get("/health/").json()["queue"]["waiting"] == 3


@pytest.mark.django_db
def test_health_with_redis_down_is_degraded_but_the_site_answers(client, redis_down):
    make_project(name_en="Kalkbreite")
    response = client.get("/health/")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "degraded"
    assert data["cache"]["ok"] is False
    assert data["database"]["ok"] is True
    assert "Kalkbreite" in client.get("/en/projects/").text


@pytest.mark.django_db(transaction=True)
def test_with_the_database_out_of_reach_pages_are_a_branded_503_and_health_says_down(client):
    make_project(name_en="Kalkbreite")
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "9"  # nothing listens there: as if PostgreSQL were down
    try:
        client.raise_request_exception = False
        page = client.get("/en/projects/")
        health = client.get("/health/")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "The platform is back in a moment" in page.text
    assert "Traceback" not in page.text and "OperationalError" not in page.text
    assert health.status_code == 503
    assert health.json()["status"] == "down"
    # Back, without restarting anything.
    assert client.get("/en/projects/").status_code == 200
    assert Project.objects.count() == 1
