from django.test import Client

from habitat.models import User

PROFILE = "/en/accounts/profile/"


def test_profile_shows_the_address_and_the_account_links(user_client):
    response = user_client.get(PROFILE)

    assert response.status_code == 200
    page = response.content.decode()
    assert "ana@example.org" in page
    for url in [
        "/en/accounts/password/change/",
        "/en/accounts/email/",
        "/en/accounts/2fa/",
        "/en/accounts/delete/",
        "/en/my/",
    ]:
        assert f'href="{url}"' in page


def test_profile_saves_the_name(user_client, user):
    response = user_client.post(PROFILE, {"first_name": "Ana", "last_name": "Souza"}, follow=True)

    assert response.redirect_chain == [(PROFILE, 302)]
    assert [str(message) for message in response.context["messages"]] == ["Your name is saved."]
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Ana", "Souza")


def test_profile_refuses_a_post_without_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(PROFILE, {"first_name": "Mallory", "last_name": ""})

    assert response.status_code == 403
    assert User.objects.get(pk=user.pk).first_name == ""


def test_profile_sends_visitors_to_log_in(client, db):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == f"/en/accounts/login/?next={PROFILE}"
