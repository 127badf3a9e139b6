import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from habitat import documents, images
from habitat.uploads import PhotoField
from projects.models import ProjectDocument, ProjectPhoto
from tests.factories import make_project, make_user
from tests.factories.files import pdf

pytestmark = pytest.mark.django_db


def jpeg_with_gps():
    image = Image.new("RGB", (64, 48), "#8a3b12")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "S", 2: (1.0, 17.0, 31.4), 3: "E", 4: (36.0, 49.0, 19.0)}
    exif[0x8825] = gps  # GPSInfo
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def test_photo_upload_is_reencoded_without_exif_or_gps(media_root):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    photo = ProjectPhoto(project=make_project(), image=SimpleUploadedFile("IMG_0001.jpg", original), alt_text="Houses")
    photo.full_clean()
    photo.save()
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (64, 48)
        assert dict(stored.getexif()) == {}
        assert "exif" not in stored.info
    assert "IMG_0001" not in photo.image.name


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not an image at all", "not an image we can read"),
        (b"GIF89a" + b"\0" * 40, "not an image we can read"),
    ],
)
def test_photo_that_is_not_an_accepted_image_is_refused_with_a_reason(media_root, content, message):
    photo = ProjectPhoto(project=make_project(), image=SimpleUploadedFile("x.jpg", content), alt_text="x")
    with pytest.raises(ValidationError) as error:
        photo.full_clean()
    assert message in " ".join(error.value.message_dict["image"])


def test_photo_in_a_format_we_do_not_take_is_refused(media_root):
    output = io.BytesIO()
    Image.new("RGB", (8, 8)).save(output, format="GIF")
    photo = ProjectPhoto(project=make_project(), image=SimpleUploadedFile("x.gif", output.getvalue()), alt_text="x")
    with pytest.raises(ValidationError) as error:
        photo.full_clean()
    assert "Only JPEG, PNG and WebP" in " ".join(error.value.message_dict["image"])


def test_project_page_shows_photos_with_alt_text_caption_and_credit(client, media_root):
    project = make_project()
    photo = ProjectPhoto(
        project=project,
        image=SimpleUploadedFile("a.jpg", jpeg_with_gps()),
        alt_text="Two-storey row houses around a courtyard",
        caption="The courtyard in 2019",
        credit="The inhabitants",
    )
    photo.full_clean()
    photo.save()
    response = client.get(project.get_absolute_url())
    assert f'<img src="{photo.image.url}" width="64" height="48" alt="Two-storey row houses around a courtyard"' in (
        response.text
    )
    assert "The courtyard in 2019" in response.text and "The inhabitants" in response.text


# --- Checked and cleaned once, in one place, whoever saves -----------------------------------


@pytest.fixture
def reencodings(monkeypatch):
    """How many times an upload is decoded and re-encoded (habitat.images.reencode)."""
    calls = []

    def counted(file):
        calls.append(file)
        return images.reencode(file)

    monkeypatch.setattr(PhotoField, "clean_file", staticmethod(counted))
    return calls


def test_photo_sent_through_the_groups_form_is_reencoded_once(client, media_root, reencodings):
    editor = make_user()
    draft = make_project(status="draft")
    draft.editors.add(editor)
    client.force_login(editor)
    upload = SimpleUploadedFile("site.jpg", jpeg_with_gps())
    response = client.post(
        f"/en/projects/{draft.slug}/edit/photos/", {"action": "add", "new-image": upload, "new-alt_text": "Site"}
    )
    assert response.status_code == 302
    assert len(reencodings) == 1
    assert draft.photos.count() == 1


def test_photo_saved_without_a_form_is_still_cleaned(media_root, reencodings):
    """A loader or a shell that forgets full_clean() cannot store the original file."""
    photo = ProjectPhoto(project=make_project(), image=SimpleUploadedFile("raw.jpg", jpeg_with_gps()), alt_text="x")
    photo.save()
    assert len(reencodings) == 1
    with Image.open(photo.image.path) as stored:
        assert dict(stored.getexif()) == {}


def test_photo_limits_hold_without_a_form(media_root, settings, monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 100)
    photo = ProjectPhoto(project=make_project(), image=SimpleUploadedFile("big.jpg", jpeg_with_gps()), alt_text="x")
    with pytest.raises(ValidationError) as error, transaction.atomic():
        photo.save()
    assert error.value.messages == ["“big.jpg” was refused: This image has too many pixels (40 million at most)."]
    assert not ProjectPhoto.objects.exists()


def test_document_over_the_size_limit_is_refused_naming_the_file(media_root, monkeypatch):
    monkeypatch.setattr(documents, "MAX_BYTES", 10)
    document = ProjectDocument(project=make_project(), file=SimpleUploadedFile("plan.pdf", pdf()), title="Plan")
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert error.value.message_dict["file"] == ["“plan.pdf” was refused: This document is larger than 20 MB."]
