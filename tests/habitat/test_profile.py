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


def test_profile_saves_the_display_name_and_the_language_of_the_emails(user_client, user):
    data = {"display_name": "Ana (La Borda)", "language": "es"}
    response = user_client.post(PROFILE, data, follow=True)

    assert response.redirect_chain == [(PROFILE, 302)]
    assert [str(message) for message in response.context["messages"]] == ["Your profile is saved."]
    user.refresh_from_db()
    assert (user.display_name, user.language) == ("Ana (La Borda)", "es")


def test_profile_needs_a_display_name_and_keeps_what_was_typed(user_client, user):
    response = user_client.post(PROFILE, {"display_name": "", "language": "es"})

    assert response.status_code == 200
    assert response.context["form"].errors["display_name"] == [
        "Choose the name that the other people on the platform will see."
    ]
    assert '<option value="es" selected>' in response.content.decode()


def test_profile_refuses_a_post_without_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(PROFILE, {"display_name": "Mallory", "language": "en"})

    assert response.status_code == 403
    assert User.objects.get(pk=user.pk).display_name == user.display_name


def test_profile_sends_visitors_to_log_in(client, db):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == f"/en/accounts/login/?next={PROFILE}"


def test_profile_with_an_unknown_language_says_so_and_keeps_the_name(user_client, user):
    response = user_client.post(PROFILE, {"display_name": "Ana (La Borda)", "language": "xx"})

    assert response.status_code == 200
    assert response.context["form"].errors["language"] == [
        "Select a valid choice. xx is not one of the available choices."
    ]
    assert 'value="Ana (La Borda)"' in response.content.decode()
    user.refresh_from_db()
    assert user.language == "en"
