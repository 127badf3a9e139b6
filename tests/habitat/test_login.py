from django.core import mail

from tests.factories import make_user
from tests.habitat.support import PASSWORD, logged_in_user_id

LOGIN = "/en/accounts/login/"


def test_login_with_a_verified_address_goes_to_my_projects(client, user):
    response = client.post(LOGIN, {"login": "ana@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/en/my/"
    assert logged_in_user_id(client) == str(user.pk)


def test_login_with_an_unverified_address_does_not_log_in(client, db, django_capture_on_commit_callbacks):
    make_user(email="new@example.org", password=PASSWORD)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LOGIN, {"login": "new@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert logged_in_user_id(client) is None
    # A new link goes out, so that the person can still finish.
    assert [message.to for message in mail.outbox] == [["new@example.org"]]


def test_login_wrong_password_message_is_the_same_for_unknown_addresses(client, user):
    wrong_password = client.post(LOGIN, {"login": "ana@example.org", "password": "not-the-password"})
    unknown_address = client.post(LOGIN, {"login": "nobody@example.org", "password": "not-the-password"})

    assert wrong_password.status_code == unknown_address.status_code == 200
    errors = wrong_password.context["form"].non_field_errors()
    assert errors == unknown_address.context["form"].non_field_errors()
    assert list(errors) == ["The email address and/or password you specified are not correct."]
    assert logged_in_user_id(client) is None


def test_logout_is_a_post_and_ends_the_session(user_client):
    page = user_client.get("/en/accounts/logout/")
    assert page.status_code == 200
    assert user_client.session.get("_auth_user_id") is not None

    response = user_client.post("/en/accounts/logout/")

    assert response.status_code == 302
    assert logged_in_user_id(user_client) is None
