"""A person downloads everything the platform holds about them, and nothing about others."""

import json

import reversion
from allauth.mfa.models import Authenticator

from projects.models import EditorInvitation, ModerationEvent, ProjectReport, Status
from subscriptions.models import Follow, Subscription
from tests.factories import make_project
from tests.habitat.support import PASSWORD, make_verified_user

DATA = "/en/accounts/data/"


def download(client):
    response = client.get(DATA)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="sph-platform-personal-data-')
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


def test_the_download_holds_the_account_and_everything_tied_to_it(user_client, user):
    user.display_name = "Ana"
    user.language = "fr"
    user.save()
    co_editor = make_verified_user(email="bruno@example.org", display_name="Bruno")
    project = make_project(name_en="La Borda", status=Status.DRAFT)
    project.editors.add(user, co_editor)
    ModerationEvent.objects.create(
        project=project, actor=user, action=ModerationEvent.Action.SUBMITTED, message="Ready"
    )
    EditorInvitation.objects.create(project=project, email="carla@example.org", invited_by=user)
    ProjectReport.objects.create(project=project, kind="other", message="My own report", email="ANA@example.org")
    ProjectReport.objects.create(project=project, kind="spam", message="Somebody else's", email="x@example.org")
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment("Project created")
        reversion.add_to_revision(project)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "TOPSECRETSEED"})

    data = download(user_client)

    assert data["account"]["email"] == "ana@example.org"
    assert data["account"]["display_name"] == "Ana"
    assert data["account"]["language"] == "fr"
    assert data["email_addresses"] == [{"email": "ana@example.org", "verified": True, "primary": True}]
    [edited] = data["projects_edited"]
    assert (edited["name"], edited["status"], edited["co_editors"]) == ("La Borda", "draft", ["Bruno"])
    assert [(step["action"], step["message"]) for step in data["moderation_steps"]] == [("submitted", "Ready")]
    assert [invitation["email"] for invitation in data["invitations_sent"]] == ["carla@example.org"]
    assert [report["message"] for report in data["problem_reports_sent"]] == ["My own report"]
    assert [change["what"] for change in data["changes_saved"]] == ["Project created"]
    assert [factor["type"] for factor in data["second_factors"]] == ["totp"]

    text = json.dumps(data)
    # Secrets stay out, and so does what belongs to others.
    for secret in ("TOPSECRETSEED", user.password, "bruno@example.org", "x@example.org", "Somebody else's"):
        assert secret not in text
    assert PASSWORD not in text


def test_someone_else_s_data_is_not_in_the_download(client, user):
    other = make_verified_user(email="other@example.org", display_name="Other")
    make_project(name_en="Not mine").editors.add(user)
    client.force_login(other)

    data = download(client)

    assert data["account"]["email"] == "other@example.org"
    assert data["projects_edited"] == []
    assert "ana@example.org" not in json.dumps(data)


def test_the_download_needs_a_signed_in_person(client):
    response = client.get(DATA)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_the_profile_links_the_download(user_client):
    assert 'href="/en/accounts/data/"' in user_client.get("/en/accounts/profile/").content.decode()


def test_a_deleted_account_leaves_nothing_to_download(client, user):
    client.force_login(user)
    client.post("/en/accounts/delete/", {"password": PASSWORD})
    assert client.get(DATA).status_code == 302


def test_the_download_holds_what_the_person_follows_and_the_subscriptions_of_their_address(user_client, user):
    project = make_project(name_en="Kalkbreite")
    Follow.objects.create(user=user, project=project)
    Subscription.objects.create(email="Ana@Example.org", query="country=BR", language="en")
    Subscription.objects.create(email="someone@example.org", query="country=CH", language="en")

    data = download(user_client)

    assert [follow["follows"] for follow in data["follows"]] == ["Kalkbreite"]
    assert [(item["email"], item["filters"]) for item in data["email_subscriptions"]] == [
        ("Ana@Example.org", "country=BR")
    ]
    assert "someone@example.org" not in json.dumps(data)
