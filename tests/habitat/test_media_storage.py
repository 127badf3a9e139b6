"""Uploads kept elsewhere than the local disk (an S3-compatible bucket) are still served only by
the media view, to whoever may see what they belong to (habitat.media_storage, habitat.views)."""

import boto3
import environ
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from moto import mock_aws

from habitat.media_storage import FILESYSTEM_BACKEND, S3_BACKEND, storage_from_env
from habitat.s3_storage import PrivateS3Storage
from projects.models import ProjectPhoto, Status
from tests.factories import make_moderator, make_project, make_user
from tests.factories.files import jpeg

S3_ENVIRONMENT = {
    "MEDIA_S3_BUCKET": "sph-media",
    "MEDIA_S3_ENDPOINT_URL": "https://s3.example.org",
    "MEDIA_S3_REGION": "eu-west-3",
    "MEDIA_S3_ACCESS_KEY_ID": "key-id",
    "MEDIA_S3_SECRET_ACCESS_KEY": "secret",
}


@pytest.fixture
def environment(monkeypatch):
    for name in [*S3_ENVIRONMENT, "MEDIA_S3_PREFIX", "MEDIA_S3_ADDRESSING_STYLE"]:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_uploads_stay_on_the_local_disk_without_a_bucket(environment):
    assert storage_from_env(environ.Env()) == {"BACKEND": FILESYSTEM_BACKEND}


def test_a_bucket_switches_uploads_to_a_private_s3_storage(environment):
    for name, value in S3_ENVIRONMENT.items():
        environment.setenv(name, value)
    storage = storage_from_env(environ.Env())
    assert storage["BACKEND"] == S3_BACKEND == "habitat.s3_storage.PrivateS3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "sph-media"
    assert options["endpoint_url"] == "https://s3.example.org"
    assert options["region_name"] == "eu-west-3"
    assert (options["access_key"], options["secret_key"]) == ("key-id", "secret")
    # Never public: objects are written private, and any URL of the store itself is signed.
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True
    assert options["file_overwrite"] is False


def test_without_keys_boto3_finds_its_own_credentials(environment):
    environment.setenv("MEDIA_S3_BUCKET", "sph-media")
    options = storage_from_env(environ.Env())["OPTIONS"]
    assert options["access_key"] is None
    assert options["endpoint_url"] is None


def test_links_to_files_in_the_bucket_go_through_the_media_view():
    storage = PrivateS3Storage(bucket_name="sph-media", access_key="id", secret_key="secret", region_name="eu-west-3")
    assert storage.url("photos/abc.jpg") == "/media/photos/abc.jpg"


# --- The media view over a storage that is not a folder -------------------------------------


def photo_of(project):
    photo = ProjectPhoto(project=project, image=SimpleUploadedFile("front.jpg", jpeg()), alt_text="The front")
    photo.full_clean()
    photo.save()
    return photo.image.name


@pytest.fixture
def in_memory_storage(settings, media_root):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    return default_storage


@pytest.mark.django_db
def test_files_in_a_storage_without_paths_are_served_to_whoever_may_see_them(client, in_memory_storage, media_root):
    editor = make_user()
    public = photo_of(make_project())
    draft_project = make_project(status=Status.DRAFT)
    draft_project.editors.add(editor)
    draft = photo_of(draft_project)
    assert in_memory_storage.exists(draft)
    assert not media_root.exists()  # nothing on the disk

    response = client.get(f"/media/{public}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == in_memory_storage.open(public).read()
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"

    assert client.get(f"/media/{draft}").status_code == 404
    client.force_login(make_user())
    assert client.get(f"/media/{draft}").status_code == 404
    for person in [editor, make_moderator()]:
        client.force_login(person)
        response = client.get(f"/media/{draft}")
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_a_row_whose_file_is_missing_from_the_storage_is_a_404(client, in_memory_storage):
    name = photo_of(make_project())
    in_memory_storage.delete(name)
    assert client.get(f"/media/{name}").status_code == 404


@pytest.fixture
def bucket(settings, environment, media_root):
    """A private bucket of moto's S3 in this process, as the settings would configure it."""
    for name, value in S3_ENVIRONMENT.items():
        environment.setenv(name, value)
    environment.setenv("MEDIA_S3_ENDPOINT_URL", "")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="key-id", aws_secret_access_key="secret")
        s3.create_bucket(Bucket="sph-media")
        environment.setenv("MEDIA_S3_REGION", "us-east-1")
        settings.STORAGES = {**settings.STORAGES, "default": storage_from_env(environ.Env())}
        yield s3


@pytest.mark.django_db
def test_photos_in_a_bucket_are_private_objects_served_by_the_media_view_only_to_those_allowed(client, bucket):
    editor = make_user()
    draft_project = make_project(status=Status.DRAFT)
    draft_project.editors.add(editor)
    draft = photo_of(draft_project)
    public = photo_of(make_project())

    assert sorted(item["Key"] for item in bucket.list_objects_v2(Bucket="sph-media")["Contents"]) == sorted(
        [draft, public]
    )
    grants = bucket.get_object_acl(Bucket="sph-media", Key=draft)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers, no AuthenticatedUsers

    stored = bucket.get_object(Bucket="sph-media", Key=public)["Body"].read()
    response = client.get(f"/media/{public}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored
    assert client.get(f"/media/{draft}").status_code == 404
    client.force_login(editor)
    assert client.get(f"/media/{draft}").status_code == 200
