"""What a signed-in person sees stays out of caches, and signing out clears the browser's."""

from tests.factories import make_user


def test_pages_seen_signed_in_are_never_stored(client, db):
    client.force_login(make_user())
    for path in ["/en/my/", "/en/accounts/profile/", "/en/projects/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], path


def test_public_pages_seen_by_a_visitor_may_be_cached(client, db):
    assert "no-store" not in client.get("/en/projects/").get("Cache-Control", "")


def test_signing_out_clears_what_the_browser_kept(client, db):
    client.force_login(make_user())
    response = client.post("/en/accounts/logout/")

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session


def test_a_request_that_does_not_sign_out_clears_nothing(client, db):
    client.force_login(make_user())
    assert "Clear-Site-Data" not in client.get("/en/my/")
