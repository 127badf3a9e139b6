from django.db import connection
from django.test import Client

from tests.habitat.support import PASSWORD, logged_in_user_id

LOGIN = "/en/accounts/login/"
SIGNUP = "/en/accounts/signup/"
TOO_MANY = "Too many failed login attempts. Try again later."


def rate_limit_rows(action):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM habitat_cache WHERE cache_key LIKE %s",
            [f"%allauth:rl:allauth.account:{action}:%"],
        )
        return cursor.fetchone()[0]


def test_login_failures_are_throttled_even_with_the_right_password(client, user):
    for _attempt in range(5):
        response = client.post(LOGIN, {"login": "ana@example.org", "password": "guess"})
        assert list(response.context["form"].non_field_errors()) != [TOO_MANY]

    response = client.post(LOGIN, {"login": "ana@example.org", "password": PASSWORD})

    assert list(response.context["form"].non_field_errors()) == [TOO_MANY]
    assert logged_in_user_id(client) is None


def test_login_failure_counts_are_kept_in_the_database_cache(client, user):
    for _attempt in range(5):
        client.post(LOGIN, {"login": "ana@example.org", "password": "guess"})

    # A new browser (no cookies, no session) is still refused: the count is in PostgreSQL.
    fresh = Client()
    response = fresh.post(LOGIN, {"login": "ana@example.org", "password": PASSWORD})

    assert list(response.context["form"].non_field_errors()) == [TOO_MANY]
    assert rate_limit_rows("login_failed") >= 1


def test_login_throttle_answers_alike_for_an_unknown_address(client, db):
    for _attempt in range(5):
        client.post(LOGIN, {"login": "nobody@example.org", "password": "guess"})

    response = client.post(LOGIN, {"login": "nobody@example.org", "password": "guess"})

    assert list(response.context["form"].non_field_errors()) == [TOO_MANY]


def test_password_reset_requests_are_throttled(client, user, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "20/m/ip,2/m/key"}
    for _attempt in range(2):
        assert client.post("/en/accounts/password/reset/", {"email": "ana@example.org"}).status_code == 302

    response = client.post("/en/accounts/password/reset/", {"email": "ana@example.org"})

    assert response.status_code == 429
    assert rate_limit_rows("reset_password") >= 1


def test_signups_are_throttled_per_address_of_origin(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    for n in range(2):
        client.post(SIGNUP, {"email": f"a{n}@example.org", "password1": PASSWORD, "password2": PASSWORD})

    response = client.post(SIGNUP, {"email": "a3@example.org", "password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
