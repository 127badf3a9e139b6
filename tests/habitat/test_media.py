"""Uploaded files are served to whoever may see what they belong to, and to nobody else."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from habitat.models import Organisation
from hubs.models import MeetingDocument
from projects.models import ProjectDocument, ProjectPhoto, Status
from tests.factories import make_moderator, make_project, make_user
from tests.factories.files import jpeg, pdf
from tests.factories.hubs import make_meeting

pytestmark = pytest.mark.django_db


def photo_of(project):
    photo = ProjectPhoto(project=project, image=SimpleUploadedFile("front.jpg", jpeg()), alt_text="The front")
    photo.full_clean()
    photo.save()
    return f"/media/{photo.image.name}"


def document_of(project):
    document = ProjectDocument(project=project, file=SimpleUploadedFile("statutes.pdf", pdf()), title="Statutes")
    document.full_clean()
    document.save()
    return f"/media/{document.file.name}"


@pytest.fixture
def editor():
    return make_user()


def test_photos_of_a_published_project_are_shown_inline_with_nosniff(client, media_root):
    url = photo_of(make_project())
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "sandbox" in csp and "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
    assert "attachment" not in response.get("Content-Disposition", "")


def test_documents_of_a_published_project_are_downloaded_as_attachments(client, media_root):
    response = client.get(document_of(make_project()))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("state", [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED])
def test_files_of_a_project_that_is_not_public_reach_its_editors_and_moderators_only(client, media_root, editor, state):
    project = make_project(status=state)
    project.editors.add(editor)
    urls = [photo_of(project), document_of(project)]
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(make_user())
    for url in urls:
        assert client.get(url).status_code == 404, url
    for person in [editor, make_moderator()]:
        client.force_login(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Cache-Control"] == "private, no-store"


def test_files_become_public_when_the_project_is_published(client, media_root, editor):
    project = make_project(status=Status.SUBMITTED)
    url = photo_of(project)
    assert client.get(url).status_code == 404
    project.publish(by=make_moderator())
    assert client.get(url).status_code == 200


def test_a_photo_added_to_a_pending_change_stays_private_until_the_change_is_published(client, media_root, editor):
    project = make_project()
    project.editors.add(editor)
    shared = photo_of(project)
    change = project.editable_version(by=editor)
    added = photo_of(change)
    assert client.get(shared).status_code == 200  # the published version's photo, copied
    assert client.get(added).status_code == 404
    change.submit(by=editor)
    change.publish(by=make_moderator())
    assert client.get(added).status_code == 200


def test_files_of_archived_and_merged_projects_are_no_longer_public(client, media_root):
    moderator = make_moderator()
    archived, merged = make_project(), make_project()
    urls = [photo_of(archived), photo_of(merged)]
    archived.archive(by=moderator)
    merged.merge_into(make_project(), by=moderator)
    assert [client.get(url).status_code for url in urls] == [404, 404]


def test_meeting_reports_are_public_like_their_meeting(client, media_root):
    meeting = make_meeting(start_date=datetime.date(2019, 10, 8), end_date=None)
    report = MeetingDocument(meeting=meeting, file=SimpleUploadedFile("report.pdf", pdf()), title="Report")
    report.full_clean()
    report.save()
    response = client.get(f"/media/{report.file.name}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    report.delete()
    assert client.get(f"/media/{report.file.name}").status_code == 404


def test_logo_of_an_organisation_waiting_for_review_is_not_served(client, media_root):
    organisation = Organisation.objects.create_for_review(name="Named by a group")
    organisation.logo = SimpleUploadedFile("logo.png", jpeg())
    organisation.save()
    url = f"/media/{organisation.logo.name}"
    assert client.get(url).status_code == 404
    Organisation.objects.filter(pk=organisation.pk).update(reviewed=True)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("path", ["secret.txt", "photos/../secret.txt", "photos/missing.jpg", "other/x.pdf"])
def test_files_that_no_row_names_are_never_served(client, media_root, path):
    (media_root / "photos").mkdir(parents=True)
    (media_root / "secret.txt").write_text("not to be served")
    (media_root / "photos" / "stray.jpg").write_bytes(jpeg())
    make_project()
    assert client.get(f"/media/{path}").status_code == 404
    assert client.get("/media/photos/stray.jpg").status_code == 404
