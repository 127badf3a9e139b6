import pytest

from tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(media_root):
    (media_root / "documents").mkdir(parents=True)
    (media_root / "photos").mkdir()
    (media_root / "documents" / "abc.pdf").write_bytes(b"%PDF-1.4 test")
    (media_root / "photos" / "abc.jpg").write_bytes(b"\xff\xd8\xff")
    (media_root / "secret.txt").write_text("not to be served")
    return media_root


def test_documents_are_downloaded_as_attachments_with_nosniff(client, stored):
    response = client.get("/media/documents/abc.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_photos_are_shown_inline(client, stored):
    response = client.get("/media/photos/abc.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.parametrize("path", ["secret.txt", "documents/../secret.txt", "photos/missing.jpg", "other/x.pdf"])
def test_nothing_else_is_served(client, stored, path):
    make_project()
    assert client.get(f"/media/{path}").status_code == 404
