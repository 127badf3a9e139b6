from django.core import mail

from tests.habitat.support import PASSWORD, link_in, logged_in_user_id

RESET = "/en/accounts/password/reset/"
NEW_PASSWORD = "another-long-password-42"


def test_password_reset_answers_unknown_addresses_exactly_like_known_ones(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(RESET, {"email": "ana@example.org"})
        unknown = client.post(RESET, {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/en/accounts/password/reset/done/"
    # Only the account's owner is written to; a stranger's address receives nothing.
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]


def test_password_reset_link_sets_a_new_password(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"email": "ana@example.org"})
    # The link carries the key once; allauth then keeps it in the session and redirects.
    form_page = client.get(link_in(mail.outbox[0]), follow=True)
    assert form_page.status_code == 200

    response = client.post(form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_needs_the_old_password_and_keeps_the_session(
    user_client, user, django_capture_on_commit_callbacks
):
    url = "/en/accounts/password/change/"
    wrong = user_client.post(url, {"oldpassword": "not-it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["oldpassword"]

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(
            url, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert logged_in_user_id(user_client) == str(user.pk)
    # The owner is told, in case it was not them.
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
