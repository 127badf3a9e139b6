"""A photo is stored with smaller copies (WebP, 320, 640 and 1280 pixels wide), made once on
upload: pages send the copy that fits the slot, and the copies are served to whoever may see
the photo, like the original."""

import io
import os
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from habitat import images
from projects.models import ProjectPhoto, Status
from tests.factories import make_project, make_user
from tests.factories.files import jpeg

pytestmark = pytest.mark.django_db


def add_photo(project, size=(1600, 1200), alt="The courtyard", order=0):
    photo = ProjectPhoto(project=project, image=SimpleUploadedFile("IMG.jpg", jpeg(size)), alt_text=alt, order=order)
    photo.full_clean()
    photo.save()
    return photo


class Images(HTMLParser):
    """The ``<img>`` of a page, each with its attributes and, under "card", the title of the
    project card it is in (None outside cards)."""

    def __init__(self, page):
        super().__init__()
        self.found, self.card, self.in_title = [], None, False
        self.feed(page.decode())
        for img in self.found:
            img["card"] = img["card"] and img["card"]["title"]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article" and "project-card" in attrs.get("class", ""):
            self.card = {"title": ""}
        elif tag == "h3" and self.card:
            self.in_title = True
        elif tag == "img":
            self.found.append({**attrs, "card": self.card})

    def handle_endtag(self, tag):
        if tag == "h3":
            self.in_title = False
        elif tag == "article":
            self.card = None

    def handle_data(self, data):
        if self.in_title:
            self.card["title"] += data.strip()


def stored(photo, width):
    return photo.image.storage.path(images.rendition_name(photo.image.name, width))


def test_an_upload_is_stored_with_its_smaller_copies_and_its_size(media_root):
    photo = add_photo(make_project())
    assert (photo.width, photo.height) == (1600, 1200)
    assert ProjectPhoto.objects.get(pk=photo.pk).width == 1600
    for width in (320, 640, 1280):
        with Image.open(stored(photo, width)) as copy:
            assert copy.format == "WEBP"
            assert copy.size == (width, width * 3 // 4)
            assert dict(copy.getexif()) == {}
    assert photo.copy_widths() == [320, 640, 1280]


def test_a_small_photo_gets_only_the_copies_smaller_than_itself(media_root):
    photo = add_photo(make_project(), size=(500, 300))
    assert photo.copy_widths() == [320]
    assert photo.srcset() == f"{photo.copy_url(320)} 320w, {photo.image.url} 500w"
    tiny = add_photo(make_project(), size=(200, 100))
    assert tiny.copy_widths() == []
    assert tiny.thumbnail_url() == tiny.image.url


def test_the_copies_are_a_fraction_of_the_original(media_root):
    # A photograph-like image (noise compresses as badly as a photo does).
    output = io.BytesIO()
    Image.effect_noise((1600, 1200), 40).convert("RGB").save(output, format="JPEG", quality=90)
    photo = ProjectPhoto(project=make_project(), image=SimpleUploadedFile("x.jpg", output.getvalue()), alt_text="x")
    photo.full_clean()
    photo.save()
    original = photo.image.size
    thumbnail = photo.image.storage.size(images.rendition_name(photo.image.name, 320))
    assert thumbnail * 10 < original


def test_the_copies_are_served_to_whoever_may_see_the_photo(client, media_root):
    draft = make_project(status=Status.DRAFT)
    photo = add_photo(draft)
    editor = make_user()
    draft.editors.add(editor)
    copy = photo.copy_url(640)
    assert client.get(copy).status_code == 404
    client.force_login(editor)
    response = client.get(copy)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    client.logout()
    draft.status = Status.PUBLISHED
    draft.save()
    assert client.get(copy).status_code == 200


@pytest.mark.parametrize("suffix", [".w333.webp", ".w320.jpg", ".w320.webp.w320.webp", "x.w320.webp"])
def test_a_name_that_is_not_one_of_the_copies_is_not_served(client, media_root, suffix):
    photo = add_photo(make_project())
    assert client.get(photo.image.url + suffix).status_code == 404


def test_the_project_page_offers_the_copies_with_the_size_of_the_photo(client, media_root):
    project = make_project()
    photo = add_photo(project)
    (img,) = [img for img in Images(client.get(project.get_absolute_url()).content).found if "srcset" in img]
    assert img.get("alt") == "The courtyard"
    assert (img.get("width"), img.get("height")) == ("1600", "1200")
    assert img.get("loading") == "lazy"
    sources = [source.split() for source in img.get("srcset").split(",")]
    assert sources == [[photo.copy_url(w), f"{w}w"] for w in (320, 640, 1280)] + [[photo.image.url, "1600w"]]
    assert img.get("sizes")
    for address, _width in sources:
        assert client.get(address).status_code == 200


def test_cards_show_the_first_photo_as_a_thumbnail(client, media_root, django_assert_max_num_queries):
    with_photos = make_project(name_en="With photos")
    add_photo(with_photos, alt="Second", order=2)
    add_photo(with_photos, alt="First", order=1)
    make_project(name_en="Without photos")
    in_cards = [img for img in Images(client.get("/en/projects/").content).found if img["card"] is not None]
    (thumb,) = in_cards
    assert (thumb["card"], thumb["class"], thumb["alt"]) == ("With photos", "card-thumb", "First")
    assert thumb["src"] == ProjectPhoto.objects.get(alt_text="First").copy_url(320)


def test_the_list_reads_the_photos_of_all_its_cards_in_one_query(client, media_root, django_assert_num_queries):
    projects = [make_project(name_en=f"Project {number}") for number in range(3)]
    add_photo(projects[0])
    client.get("/en/projects/")  # the filters' choices, remembered
    with CaptureQueriesContext(connection) as one_photo:
        client.get("/en/projects/?sort=name")
    for project in projects[1:]:
        add_photo(project)
        add_photo(project, order=1)
    with django_assert_num_queries(len(one_photo.captured_queries)):
        client.get("/en/projects/?sort=name")


# Zoom 2 is answered from the map's counts in advance, zoom 14 from the projects themselves.
@pytest.mark.parametrize("zoom", [2, 14])
def test_the_map_popup_has_the_thumbnail_and_its_alternative_text(client, media_root, zoom):
    project = make_project()
    photo = add_photo(project, alt="Houses around a courtyard")
    add_photo(project, alt="Second", order=1)
    data = client.get("/projects/map.json", {"zoom": zoom, "bbox": "-180,-85,180,85", "lang": "en"}).json()
    (feature,) = [f for f in data["features"] if f["properties"]["kind"] == "project"]
    assert feature["properties"]["photo"] == {"url": photo.copy_url(320), "alt": "Houses around a courtyard"}


def test_photos_stored_before_their_copies_get_them_from_the_command(media_root):
    photo = add_photo(make_project())
    copy = stored(photo, 320)
    os.remove(copy)
    ProjectPhoto.objects.filter(pk=photo.pk).update(width=None, height=None)
    photo.refresh_from_db()
    assert photo.srcset() == ""
    call_command("make_photo_copies", stdout=io.StringIO())
    photo.refresh_from_db()
    assert (photo.width, photo.height) == (1600, 1200)
    assert os.path.exists(copy)
    output = io.StringIO()
    call_command("make_photo_copies", stdout=output)
    assert output.getvalue() == ""
