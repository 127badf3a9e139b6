"""Entries stay current (projects.confirmation): a year after its last confirmation each editor
of a project is asked, alone and in their language, whether it is still current; a link
answers with one button (still current, or archive it); with no answer a month later the page
says "not confirmed since …" and the marker fades; staff filter by it in the admin.

Time moves forward by moving the project's dates back: the rules read the database's clock."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django.utils.formats import date_format
from django_tasks_db.models import DBTaskResult

from projects import confirmation
from projects.models import Project, Status
from projects.models.moderation import Action
from tests.factories import make_moderator, make_project, make_user

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/confirm/\S+/")


def aged(project, *, confirmed_days_ago, asked_days_ago=None):
    """``project`` as it stands that many days after its last confirmation (and reminder)."""
    now = timezone.now()
    Project.objects.filter(pk=project.pk).update(
        confirmed_at=now - timedelta(days=confirmed_days_ago),
        confirmation_requested_at=None if asked_days_ago is None else now - timedelta(days=asked_days_ago),
    )
    project.refresh_from_db()
    return project


@pytest.fixture
def ana():
    return make_user(email="ana@example.org", language="es", display_name="Ana")


@pytest.fixture
def luc():
    return make_user(email="luc@example.org", language="fr", display_name="Luc")


@pytest.fixture
def project(ana, luc):
    project = make_project(name_en="Kalkbreite")
    project.editors.add(ana, luc)
    return project


def test_a_new_publication_is_current_as_of_its_publication():
    project = make_project(status=Status.SUBMITTED, published_at=None)
    assert project.confirmed_at is None
    project.publish(by=make_moderator())
    assert project.confirmed_at == project.published_at
    assert not Project.objects.due_for_confirmation().exists()


def test_a_published_change_confirms_the_entry(project, ana):
    aged(project, confirmed_days_ago=300)
    working = project.start_revision(by=ana)
    working.submit(by=ana)
    working.publish(by=make_moderator())
    project.refresh_from_db()
    assert timezone.now() - project.confirmed_at < timedelta(minutes=1)


def test_a_year_on_each_editor_is_asked_alone_in_their_language_and_only_once(
    project, django_capture_on_commit_callbacks
):
    aged(project, confirmed_days_ago=366)
    recent = aged(make_project(name_en="Recent"), confirmed_days_ago=200)
    recent.editors.add(make_user(email="recent@example.org"))
    make_project(name_en="Draft", status=Status.DRAFT, published_at=None).editors.add(make_user())

    with django_capture_on_commit_callbacks(execute=True):
        assert confirmation.send_reminders.call() == 1

    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["ana@example.org", "luc@example.org"]
    assert all(len(message.to) == 1 for message in mail.outbox)
    assert by_address["ana@example.org"].subject == "¿Sigue vigente «Kalkbreite»?"
    assert by_address["luc@example.org"].subject == "«\u00a0Kalkbreite\u00a0» est-il toujours d’actualité\u00a0?"
    assert by_address["ana@example.org"].body.startswith("Hola, Ana:")
    (spanish_link,) = LINK.findall(by_address["ana@example.org"].body)
    (french_link,) = LINK.findall(by_address["luc@example.org"].body)
    assert f"/es/projects/{project.slug}/confirm/" in spanish_link
    assert f"/fr/projects/{project.slug}/confirm/" in french_link
    assert f"/es/projects/{project.slug}/edit/" in by_address["ana@example.org"].body
    # Each link is its reader's own, and names nobody else.
    assert spanish_link != french_link
    assert "luc@example.org" not in by_address["ana@example.org"].body
    project.refresh_from_db()
    assert project.confirmation_requested_at is not None

    # The next day's run asks nobody twice.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert confirmation.send_reminders.call() == 0
    assert mail.outbox == []


def test_the_link_confirms_the_entry_with_one_button(client, project, ana, django_capture_on_commit_callbacks):
    aged(project, confirmed_days_ago=380, asked_days_ago=15)
    with django_capture_on_commit_callbacks(execute=True):
        confirmation.remind(project)
    link = LINK.findall(next(m for m in mail.outbox if m.to == ["ana@example.org"]).body)[0]
    path = link[link.index("/es/") :]

    page = client.get(path)
    assert page.status_code == 200
    assert "¿Sigue vigente «Kalkbreite»?" in page.content.decode()
    project.refresh_from_db()
    assert timezone.now() - project.confirmed_at > timedelta(days=300)  # opening the link alone changes nothing

    response = client.post(path, {"answer": "current"})
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    project.refresh_from_db()
    assert timezone.now() - project.confirmed_at < timedelta(minutes=1)
    assert not Project.objects.unconfirmed().exists()
    assert not Project.objects.due_for_confirmation().exists()


def test_with_no_answer_a_month_on_the_page_says_not_confirmed_since_and_the_marker_fades(client, project):
    aged(project, confirmed_days_ago=400, asked_days_ago=29)
    assert "Not confirmed since" not in client.get(project.get_absolute_url()).content.decode()

    aged(project, confirmed_days_ago=400, asked_days_ago=31)
    date = date_format(timezone.localtime(project.confirmed_at), "DATE_FORMAT")
    page = " ".join(client.get(project.get_absolute_url()).content.decode().split())
    assert f"Not confirmed since {date}" in page
    assert f"Last confirmed</dt><dd>{date}</dd>" in page
    french = " ".join(client.get(f"/fr/projects/{project.slug}/").content.decode().split())
    assert "Non confirmé depuis le" in french

    features = client.get("/projects/map.json", {"bbox": "-180,-85,180,85", "zoom": 2}).json()["features"]
    (marker,) = [
        feature["properties"] for feature in features if feature["properties"].get("url") == project.get_absolute_url()
    ]
    assert marker["unconfirmed"] is True
    assert Project.objects.unconfirmed().get() == project


def test_the_group_can_archive_its_project_from_the_link(client, project, ana, luc, django_capture_on_commit_callbacks):
    aged(project, confirmed_days_ago=370, asked_days_ago=3)
    path = f"/en/projects/{project.slug}/confirm/{confirmation.token_for(project, luc)}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"answer": "archive"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.ARCHIVED
    assert not Project.objects.public().filter(pk=project.pk).exists()
    event = project.events.get()
    assert (event.action, event.actor) == (Action.ARCHIVED, luc)
    assert sorted(message.to[0] for message in mail.outbox) == ["ana@example.org", "luc@example.org"]
    assert "“Kalkbreite” is archived" in client.get(response["Location"]).content.decode()
    # The link now says there is nothing to confirm, without naming the project.
    page = client.get(path).content.decode()
    assert "This project is no longer listed" in page and "Kalkbreite" not in page
    assert client.post(path, {"answer": "current"}).status_code == 200
    project.refresh_from_db()
    assert project.status == Status.ARCHIVED


def test_a_link_is_refused_once_its_reader_no_longer_edits_the_project_or_altered_or_old(
    client, project, ana, luc, monkeypatch
):
    token = confirmation.token_for(project, luc)
    project.editors.remove(luc)
    for path in [
        f"/en/projects/{project.slug}/confirm/{token}/",
        f"/en/projects/{project.slug}/confirm/{confirmation.token_for(project, ana)[:-2]}xx/",
        f"/en/projects/another-slug/confirm/{confirmation.token_for(project, ana)}/",
    ]:
        response = client.post(path, {"answer": "current"})
        assert response.status_code == 404
        assert "This link no longer works" in response.content.decode()
    monkeypatch.setattr(confirmation, "LINK_DAYS", -1)
    assert client.get(f"/en/projects/{project.slug}/confirm/{confirmation.token_for(project, ana)}/").status_code == 404
    project.refresh_from_db()
    assert project.confirmation_requested_at is None


def test_the_daily_command_queues_the_task_for_the_worker_or_runs_it(project, settings, capsys):
    aged(project, confirmed_days_ago=366)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("remind_editors")
    assert DBTaskResult.objects.get().task_path == "projects.confirmation.send_reminders"
    call_command("remind_editors", "--now")
    assert "Asked the editors of 1 projects." in capsys.readouterr().out


def test_staff_see_which_entries_are_not_confirmed(client, project):
    waiting = aged(make_project(name_en="Zarzamora"), confirmed_days_ago=370, asked_days_ago=5)
    due = aged(make_project(name_en="Abasolo"), confirmed_days_ago=370)
    aged(project, confirmed_days_ago=400, asked_days_ago=40)
    client.force_login(make_user(is_staff=True, is_superuser=True))
    for value, expected in [("unconfirmed", project), ("asked", waiting), ("due", due)]:
        page = client.get("/admin/projects/project/", {"confirmation": value}).content.decode()
        assert expected.name in page
        assert sum(name in page for name in ("Kalkbreite", "Zarzamora", "Abasolo")) == 1, value
