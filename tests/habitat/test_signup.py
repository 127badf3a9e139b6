from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail

from habitat.models import User
from tests.habitat.support import PASSWORD, link_in, logged_in_user_id, make_verified_user

SIGNUP = "/en/accounts/signup/"


def sign_up(client, email, *, url=SIGNUP, display_name="Ana of La Borda"):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD, "display_name": display_name}
    return client.post(url, data)


def test_signup_sends_a_link_that_verifies_the_address(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, "ana@example.org")

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert logged_in_user_id(client) is None
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    link = link_in(mail.outbox[0])
    assert link.startswith("/en/accounts/confirm-email/")

    # Opening the link shows a button; only pressing it confirms (mail scanners open links).
    page = client.get(link)
    assert page.status_code == 200
    assert EmailAddress.objects.get(email="ana@example.org").verified is False
    response = client.post(link)

    assert EmailAddress.objects.get(email="ana@example.org").verified is True
    # Confirmed in the browser that signed up: signed in, and sent to their projects.
    assert response["Location"] == "/en/my/"
    assert logged_in_user_id(client) == str(User.objects.get(email="ana@example.org").pk)


def test_signup_then_verified_address_can_log_in(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "ana@example.org")
    client.post(link_in(mail.outbox[0]))
    client.logout()

    response = client.post("/en/accounts/login/", {"login": "ana@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/en/my/"
    assert logged_in_user_id(client) == str(User.objects.get(email="ana@example.org").pk)


def test_signup_with_a_known_address_answers_like_a_new_one(client, db, django_capture_on_commit_callbacks):
    known = make_verified_user(email="known@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response_known = sign_up(client, "known@example.org")
        response_new = sign_up(client, "new@example.org")

    assert response_known.status_code == response_new.status_code == 302
    assert response_known["Location"] == response_new["Location"]
    # The owner of the known address hears of the attempt; no second account appears.
    assert sorted(message.to[0] for message in mail.outbox) == ["known@example.org", "new@example.org"]
    assert list(User.objects.filter(email="known@example.org")) == [known]


def test_signup_with_different_passwords_keeps_the_address(client, db):
    response = client.post(
        SIGNUP,
        {"email": "ana@example.org", "password1": PASSWORD, "password2": "something-else-1", "display_name": "Ana"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password2"]
    assert 'value="ana@example.org"' in response.content.decode()
    assert 'value="Ana"' in response.content.decode()
    assert not User.objects.exists()
    assert mail.outbox == []


def test_signup_asks_for_the_name_others_will_see_and_keeps_what_was_typed(client, db):
    response = sign_up(client, "ana@example.org", display_name="")

    assert response.status_code == 200
    assert response.context["form"].errors["display_name"] == [
        "Choose the name that the other people on the platform will see."
    ]
    assert 'value="ana@example.org"' in response.content.decode()
    assert not User.objects.exists()


def test_signup_keeps_the_chosen_name_and_no_username_made_from_the_address(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "ana.souza@example.org", display_name="Ana (La Borda)")

    user = User.objects.get(email="ana.souza@example.org")
    assert user.display_name == "Ana (La Borda)"
    assert str(user) == "Ana (La Borda)"
    assert "ana" not in user.username.lower() and "souza" not in user.username.lower()
    # allauth's own messages name the person by the display name too.
    assert "Ana (La Borda)" in mail.outbox[0].body


def test_signup_in_french_keeps_french_as_the_language_of_the_emails(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "ana@example.org", url="/fr/accounts/signup/", display_name="Ana")

    assert User.objects.get(email="ana@example.org").language == "fr"
    (message,) = mail.outbox
    assert message.body.startswith("Bonjour Ana,")
    assert "Confirmez" in message.subject or "Confirmer" in message.subject
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "localhost" not in message.from_email
    assert "Hello from" not in message.body and "Bonjour de" not in message.body


def test_a_password_that_is_mostly_the_sites_name_is_refused_in_the_readers_language(client, db):
    data = {"email": "ana@example.org", "password1": "Habitat2026!", "password2": "Habitat2026!", "display_name": "Ana"}
    response = client.post("/fr/accounts/signup/", data)

    assert response.status_code == 200
    assert response.context["form"].errors["password1"] == [
        "Ce mot de passe est trop facile à deviner ici : c’est surtout le mot « habitat »."
    ]
    assert not User.objects.exists()


def test_a_long_password_of_digits_only_or_one_that_merely_contains_a_site_word_is_accepted(client, db):
    for n, password in enumerate(["482917365028", "habitat-for-my-neighbours"]):
        data = {"email": f"ana{n}@example.org", "password1": password, "password2": password, "display_name": "Ana"}
        assert client.post(SIGNUP, data).status_code == 302, password
    assert User.objects.count() == 2


def test_passwords_are_hashed_with_argon2_and_older_hashes_upgraded_at_sign_in(client, db):
    from django.contrib.auth.hashers import make_password

    from tests.habitat.support import make_verified_user

    assert sign_up(client, "ana@example.org").status_code == 302
    assert User.objects.get(email="ana@example.org").password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")

    older = make_verified_user(email="joan@example.org")
    User.objects.filter(pk=older.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    assert client.post("/en/accounts/login/", {"login": "joan@example.org", "password": PASSWORD}).status_code == 302
    assert User.objects.get(pk=older.pk).password.startswith("argon2$argon2id$")
