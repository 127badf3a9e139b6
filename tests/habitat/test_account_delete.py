from habitat.models import User
from projects.models import ModerationEvent, Project, Status
from tests.factories import make_project
from tests.habitat.support import PASSWORD, logged_in_user_id, make_verified_user

DELETE = "/en/accounts/delete/"


def test_delete_account_keeps_the_projects(user_client, user):
    co_editor = make_verified_user(email="co@example.org")
    shared = make_project(name_en="Shared co-operative")
    shared.editors.add(user, co_editor)
    alone = make_project(name_en="Left to staff", status=Status.DRAFT)
    alone.editors.add(user)
    event = ModerationEvent.objects.create(project=alone, actor=user, action=ModerationEvent.Action.SUBMITTED)

    response = user_client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert not User.objects.filter(pk=user.pk).exists()
    assert logged_in_user_id(user_client) is None
    assert list(Project.objects.get(pk=shared.pk).editors.all()) == [co_editor]
    # Nobody edits this one any more: it stays, for staff to look after.
    assert list(Project.objects.get(pk=alone.pk).editors.all()) == []
    event.refresh_from_db()
    assert event.actor is None


def test_delete_account_page_counts_the_projects_left_to_staff(user_client, user):
    shared = make_project()
    shared.editors.add(user, make_verified_user())
    make_project().editors.add(user)

    response = user_client.get(DELETE)

    assert (response.context["project_count"], response.context["sole_editor_count"]) == (2, 1)
    assert "You are the only editor of one project" in response.content.decode()


def test_delete_account_with_a_wrong_password_deletes_nothing(user_client, user):
    response = user_client.post(DELETE, {"password": "not-the-password"})

    assert response.status_code == 200
    assert response.context["form"].errors["password"] == ["This is not your password."]
    assert User.objects.filter(pk=user.pk).exists()
    assert logged_in_user_id(user_client) == str(user.pk)


def test_delete_account_password_guesses_are_throttled(user_client, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reauthenticate": "2/m/user"}
    for _attempt in range(2):
        user_client.post(DELETE, {"password": "guess"})

    response = user_client.post(DELETE, {"password": PASSWORD})

    assert response.status_code == 429
    assert User.objects.filter(pk=user.pk).exists()
