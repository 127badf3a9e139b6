import re

import pytest


@pytest.mark.parametrize("path", ["/en/accounts/login/", "/en/accounts/signup/", "/en/accounts/password/reset/"])
def test_account_page_uses_the_site_layout(client, db, path):
    response = client.get(path)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert page.count("<main ") == 1
    assert 'class="site-header"' in page and 'class="site-footer"' in page
    assert len(re.findall(r"<h1>", page)) == 1


def test_login_page_is_in_french_under_fr(client, db):
    response = client.get("/fr/accounts/login/")

    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert re.search(r"<h1>\s*Connexion\s*</h1>", page)
    # The form posts back to the French address.
    assert 'action="/fr/accounts/login/"' in page


def test_header_offers_log_in_and_sign_up_to_visitors(client, db):
    page = client.get("/en/").content.decode()

    assert 'href="/en/accounts/login/"' in page
    assert 'href="/en/accounts/signup/"' in page
    assert 'action="/en/accounts/logout/"' not in page


def test_header_offers_projects_account_and_log_out_when_signed_in(user_client):
    page = user_client.get("/en/").content.decode()

    assert 'href="/en/my/"' in page
    assert 'href="/en/accounts/profile/"' in page
    # Logging out changes state, so it is a form with the CSRF token, not a link.
    logout_form = re.search(r'<form method="post" action="/en/accounts/logout/">(.*?)</form>', page, re.S)
    assert logout_form and 'name="csrfmiddlewaretoken"' in logout_form.group(1)
    assert 'href="/en/accounts/login/"' not in page


@pytest.mark.parametrize(
    "path",
    [
        "/en/accounts/profile/",
        "/en/accounts/delete/",
        "/en/accounts/password/change/",
        "/en/accounts/email/",
        "/en/accounts/2fa/",
    ],
)
def test_account_management_page_renders_for_the_owner(user_client, path):
    response = user_client.get(path)

    assert response.status_code == 200
    assert response.content.decode().count("<main ") == 1
