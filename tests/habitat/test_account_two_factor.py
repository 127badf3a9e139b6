import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import SESSION_KEY

from tests.habitat.support import PASSWORD, make_verified_user

ACTIVATE_TOTP = "/en/accounts/2fa/totp/activate/"


@pytest.fixture
def staff(db):
    return make_verified_user(email="staff@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_staff_without_totp_are_sent_to_set_it_up_when_required(staff_client, settings):
    settings.STAFF_REQUIRE_MFA = True

    response = staff_client.get("/admin/", follow=True)

    assert response.redirect_chain[0] == (ACTIVATE_TOTP, 302)
    assert [str(message) for message in response.context["messages"]] == [
        "Staff accounts need two-factor authentication before they can use the administration. "
        "Set up an authenticator app to continue."
    ]


def test_staff_with_totp_reach_the_admin_when_required(staff_client, staff, settings):
    settings.STAFF_REQUIRE_MFA = True
    TOTP.activate(staff, generate_totp_secret())

    response = staff_client.get("/admin/")

    assert response.status_code == 200


def test_staff_without_totp_reach_the_admin_when_not_required(staff_client, settings):
    settings.STAFF_REQUIRE_MFA = False

    response = staff_client.get("/admin/")

    assert response.status_code == 200


def test_staff_totp_rule_leaves_the_rest_of_the_site_alone(staff_client, settings):
    settings.STAFF_REQUIRE_MFA = True

    response = staff_client.get("/en/accounts/profile/")

    assert response.status_code == 200


def test_admin_login_form_sends_visitors_to_the_site_login(client, db):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=%2Fadmin%2F"


def test_admin_login_form_is_refused_to_signed_in_people_who_are_not_staff(user_client):
    response = user_client.get("/admin/login/?next=/admin/")

    assert response.status_code == 403


def test_admin_login_form_cannot_be_used_to_skip_the_second_factor(client, staff):
    TOTP.activate(staff, generate_totp_secret())

    client.post("/admin/login/", {"username": staff.username, "password": PASSWORD})

    assert SESSION_KEY not in client.session


def test_login_of_staff_with_totp_asks_for_the_code(client, staff):
    TOTP.activate(staff, generate_totp_secret())

    response = client.post("/en/accounts/login/", {"login": "staff@example.org", "password": PASSWORD})

    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    assert SESSION_KEY not in client.session
