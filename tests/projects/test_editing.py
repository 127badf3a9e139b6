"""The group's own space: listing a project, section by section, and who may do it."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from habitat.models import Organisation
from projects.models import LocationPrecision, Project, Status
from tests.factories import make_organisation, make_project, make_user
from tests.projects.support import jpeg, login, pdf_with_author, texts_data

pytestmark = pytest.mark.django_db


# --- Creating a draft ---------------------------------------------------------------------


def test_create_needs_an_account(client):
    response = client.get("/en/projects/new/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_create_makes_a_draft_edited_by_its_creator(client, editor):
    response = login(client, editor).post(
        "/en/projects/new/",
        {"original_language": "es", "name_es": "Cooperativa Nueva", "country": "UY", "city": "Montevideo"},
    )
    project = Project.objects.get(name_es="Cooperativa Nueva")
    assert response.status_code == 302 and response["Location"] == f"/en/projects/{project.slug}/edit/"
    assert project.status == Status.DRAFT
    assert list(project.editors.all()) == [editor]
    assert project.location is None
    assert not Project.objects.public().filter(pk=project.pk).exists()


def test_create_without_the_name_in_its_language_keeps_what_was_typed(client, editor):
    response = login(client, editor).post(
        "/en/projects/new/", {"original_language": "fr", "name_en": "Only English", "country": "FR", "city": "Lyon"}
    )
    assert response.status_code == 200
    assert "name_fr" in response.context["form"].errors
    assert 'value="Only English"' in response.text and 'value="Lyon"' in response.text
    assert not Project.objects.exists()


# --- Sections -------------------------------------------------------------------------------


def test_texts_section_saves_and_records_history(client, editor, draft):
    import reversion

    response = login(client, editor).post(
        f"/en/projects/{draft.slug}/edit/texts/", texts_data(draft, summary_en="Thirty families, one building.")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary_en == "Thirty families, one building."
    assert draft.version == 2
    (version,) = reversion.models.Version.objects.get_for_object(draft)
    assert version.revision.user == editor


def test_section_with_bad_input_shows_the_error_and_keeps_the_input(client, editor, draft):
    response = login(client, editor).post(
        f"/en/projects/{draft.slug}/edit/facts/",
        {
            "stage": "inhabited",
            "dwellings": "many",
            "start_year": "2010",
            "completion_year": "2001",
            "website": "not a url",
            "contact_email": "group@example.org",
            "project-version": draft.version,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"dwellings", "website"} <= set(errors)
    assert 'value="group@example.org"' in response.text and 'value="2010"' in response.text


def test_location_section_reads_plain_coordinates(client, editor, draft):
    login(client, editor).post(
        f"/en/projects/{draft.slug}/edit/location/",
        {
            "address": "Calle 1",
            "city": "Montevideo",
            "country": "UY",
            "latitude": "-34.9011",
            "longitude": "-56.1645",
            "location_precision": "approximate",
            "project-version": draft.version,
        },
    )
    draft.refresh_from_db()
    assert draft.location.coords == (-56.1645, -34.9011)
    assert draft.location_precision == LocationPrecision.APPROXIMATE
    assert draft.public_location.coords != draft.location.coords


def test_location_out_of_range_is_refused_with_the_input_kept(client, editor, draft):
    response = login(client, editor).post(
        f"/en/projects/{draft.slug}/edit/location/",
        {
            "city": "Montevideo",
            "country": "UY",
            "latitude": "-134.9",
            "longitude": "-56.1",
            "location_precision": "exact",
            "project-version": draft.version,
        },
    )
    assert response.status_code == 200
    assert "latitude" in response.context["form"].errors
    assert 'value="-134.9"' in response.text


def test_two_editors_saving_one_section_the_second_sees_both_versions(client, editor, draft):
    co_editor = make_user()
    draft.editors.add(co_editor)
    started_from = draft.version
    login(client, editor).post(
        f"/en/projects/{draft.slug}/edit/texts/", texts_data(draft, summary_en="Version of the first editor.")
    )
    response = login(client, co_editor).post(
        f"/en/projects/{draft.slug}/edit/texts/",
        texts_data(draft, summary_en="Version of the second editor.", version=started_from),
    )
    assert response.status_code == 200
    assert [row[1:] for row in response.context["conflict"]] == [
        ("Version of the first editor.", "Version of the second editor.")
    ]
    assert "Version of the second editor." in response.text
    draft.refresh_from_db()
    assert draft.summary_en == "Version of the first editor."
    # Saving again, knowingly, keeps the second version.
    data = texts_data(
        draft, summary_en="Version of the second editor.", version=response.context["versioned"]["version"].value()
    )
    client.post(f"/en/projects/{draft.slug}/edit/texts/", data)
    draft.refresh_from_db()
    assert draft.summary_en == "Version of the second editor."


def test_photo_upload_is_added_and_a_bad_file_says_why_and_keeps_the_text(client, editor, draft, media_root):
    login(client, editor)
    response = client.post(
        f"/en/projects/{draft.slug}/edit/photos/",
        {
            "action": "add",
            "new-image": SimpleUploadedFile("notes.jpg", b"plain text"),
            "new-alt_text": "Our houses",
            "new-caption": "Building day",
            "new-credit": "The group",
        },
    )
    assert response.status_code == 200
    assert "notes.jpg” was refused: This file is not an image we can read." in response.text
    assert 'value="Our houses"' in response.text and 'value="Building day"' in response.text
    response = client.post(
        f"/en/projects/{draft.slug}/edit/photos/",
        {"action": "add", "new-image": SimpleUploadedFile("a.jpg", jpeg()), "new-alt_text": "Our houses"},
    )
    assert response.status_code == 302
    (photo,) = draft.photos.all()
    assert photo.alt_text == "Our houses"


def test_document_upload_removes_the_author_and_refuses_what_is_not_a_pdf(client, editor, draft, media_root):
    login(client, editor)
    response = client.post(
        f"/en/projects/{draft.slug}/edit/documents/",
        {"new-file": SimpleUploadedFile("statutes.pdf", b"GIF89a not a pdf"), "new-title": "Statutes"},
    )
    assert response.status_code == 200
    assert "statutes.pdf” was refused: This file is not a PDF document." in response.text
    client.post(
        f"/en/projects/{draft.slug}/edit/documents/",
        {"new-file": SimpleUploadedFile("statutes.pdf", pdf_with_author()), "new-title": "Statutes"},
    )
    (document,) = draft.documents.all()
    with document.file.open("rb") as f:
        content = f.read()
    assert b"Maria Secret" not in content
    assert PdfReader(io.BytesIO(content)).metadata is None


def test_organisations_section_links_a_listed_one_and_names_a_new_one(client, editor, draft):
    fucvam = make_organisation(name_en="FUCVAM", slug="fucvam")
    login(client, editor)
    client.post(
        f"/en/projects/{draft.slug}/edit/organisations/",
        {
            "actors-TOTAL_FORMS": "1",
            "actors-INITIAL_FORMS": "0",
            "actors-0-organisation": fucvam.pk,
            "actors-0-role": "network",
            "actors-0-order": "0",
        },
    )
    client.post(
        f"/en/projects/{draft.slug}/edit/organisations/",
        {"action": "add", "new-name": "Cooperativa Nueva Esperanza", "new-role": "inhabitant_group"},
    )
    assert [(a.organisation.name, a.role) for a in draft.actors.select_related("organisation")] == [
        ("FUCVAM", "network"),
        ("Cooperativa Nueva Esperanza", "inhabitant_group"),
    ]
    assert Organisation.objects.get(name_en="Cooperativa Nueva Esperanza").reviewed is False


def test_co_editor_is_invited_by_email_and_accepts_by_the_link(
    client, editor, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(client, editor).post(f"/en/projects/{draft.slug}/edit/editors/", {"email": "friend@example.org"})
    (message,) = mail.outbox
    assert message.to == ["friend@example.org"]
    link = next(line for line in message.body.splitlines() if "/invitations/" in line).strip()
    friend = make_user(email="friend@example.org")
    login(client, friend).post(link.replace("http://testserver", ""))
    assert set(draft.editors.all()) == {editor, friend}


def test_submit_needs_the_essentials_then_tells_the_moderators(
    client, editor, moderator, draft, django_capture_on_commit_callbacks
):
    draft.location = None
    draft.save()
    login(client, editor).post(f"/en/projects/{draft.slug}/edit/submit/")
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    draft.location = "POINT(-56.16 -34.90)"
    draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/projects/{draft.slug}/edit/submit/")
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert [m.to for m in mail.outbox] == [["moderator@example.org"]]


# --- Changes to a published project --------------------------------------------------------


def test_change_to_a_published_project_waits_for_review(client, editor, moderator, published):
    login(client, editor)
    assert client.get(f"/en/projects/{published.slug}/edit/texts/").status_code == 302
    client.post(f"/en/projects/{published.slug}/edit/start-change/")
    working = published.pending_revision
    client.post(f"/en/projects/{published.slug}/edit/texts/", texts_data(working, summary_en="The new summary."))
    client.post(f"/en/projects/{published.slug}/edit/submit/")
    public_page = client.get(published.get_absolute_url())
    assert "The published summary." in public_page.text and "The new summary." not in public_page.text
    working.refresh_from_db()
    working.publish(by=moderator)
    assert "The new summary." in client.get(published.get_absolute_url()).text
    assert not Project.objects.filter(revision_of=published).exists()


# --- Who may do what ----------------------------------------------------------------------

EDIT_URLS = [
    "edit/",
    "edit/texts/",
    "edit/facts/",
    "edit/location/",
    "edit/photos/",
    "edit/documents/",
    "edit/organisations/",
    "edit/editors/",
]


@pytest.mark.parametrize("path", EDIT_URLS + ["edit/submit/", "edit/start-change/"])
def test_strangers_cannot_edit_a_draft_or_a_published_project(client, draft, published, path):
    login(client, make_user())
    assert client.post(f"/en/projects/{draft.slug}/{path}").status_code == 404
    assert client.post(f"/en/projects/{published.slug}/{path}").status_code == 403
    if not path.endswith(("submit/", "start-change/")):
        assert client.get(f"/en/projects/{draft.slug}/{path}").status_code == 404


@pytest.mark.parametrize("path", EDIT_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, draft, path):
    response = client.get(f"/en/projects/{draft.slug}/{path}")
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("path", EDIT_URLS)
def test_editors_and_moderators_can_open_every_section(client, editor, moderator, draft, path):
    for user in (editor, moderator):
        assert login(client, user).get(f"/en/projects/{draft.slug}/{path}").status_code == 200


# --- The group's own space ------------------------------------------------------------------


def test_my_projects_lists_the_users_projects_with_state_and_the_moderators_message(client, editor, moderator):
    project = make_project(name_en="Waiting project", status=Status.SUBMITTED)
    project.editors.add(editor)
    project.request_changes(by=moderator, message="Please add a photo of the site.")
    make_project(name_en="Someone else's project").editors.add(make_user())
    response = login(client, editor).get("/en/my/")
    assert [p.name for p in response.context["projects"]] == ["Waiting project"]
    assert "Please add a photo of the site." in response.text
    assert "Changes requested" in response.text or "changes requested" in response.text


def test_my_projects_queries_do_not_grow(client, editor, moderator):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/en/my/").status_code == 200
        return len(context)

    login(client, editor)
    make_project(status=Status.SUBMITTED).editors.add(editor)
    few = queries()
    for _ in range(6):
        project = make_project(status=Status.SUBMITTED)
        project.editors.add(editor)
        project.request_changes(by=moderator, message="More detail, please.")
    assert queries() == few


def test_project_page_offers_editing_to_its_editors_only(client, editor, published):
    edit_link = f'href="/en/projects/{published.slug}/edit/"'
    assert edit_link not in client.get(published.get_absolute_url()).text
    assert edit_link not in login(client, make_user()).get(published.get_absolute_url()).text
    assert edit_link in login(client, editor).get(published.get_absolute_url()).text


def test_two_editors_changing_photo_captions_the_second_sees_both(client, editor, draft, media_root):
    from projects.models import ProjectPhoto

    photo = ProjectPhoto(project=draft, image=SimpleUploadedFile("a.jpg", jpeg()), alt_text="Houses", caption="Old")
    photo.full_clean()
    photo.save()
    draft.refresh_from_db()
    co_editor = make_user()
    draft.editors.add(co_editor)

    def photos_data(caption, version):
        return {
            "action": "save",
            "project-version": version,
            "photos-TOTAL_FORMS": "1",
            "photos-INITIAL_FORMS": "1",
            "photos-0-id": photo.pk,
            "photos-0-alt_text": "Houses",
            "photos-0-caption": caption,
            "photos-0-credit": "",
            "photos-0-order": "0",
        }

    opened_at = draft.version
    assert (
        login(client, editor)
        .post(f"/en/projects/{draft.slug}/edit/photos/", photos_data("First", opened_at))
        .status_code
        == 302
    )
    response = login(client, co_editor).post(
        f"/en/projects/{draft.slug}/edit/photos/", photos_data("Second", opened_at)
    )
    assert response.status_code == 200
    assert [row[1:] for row in response.context["conflict"]] == [("First", "Second")]
    photo.refresh_from_db()
    assert photo.caption == "First"
    again = client.post(
        f"/en/projects/{draft.slug}/edit/photos/",
        photos_data("Second", response.context["versioned"]["version"].value()),
    )
    assert again.status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "Second"
