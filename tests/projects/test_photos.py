import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from projects.models import ProjectPhoto
from tests.factories import make_project

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
    assert f'src="{photo.image.url}" alt="Two-storey row houses around a courtyard"' in response.text
    assert "The courtyard in 2019" in response.text and "The inhabitants" in response.text
