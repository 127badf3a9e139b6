"""Uploaded files in a private bucket of an S3-compatible store (habitat.media_storage)."""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """django-storages' S3 storage, whose files are linked at /media/<name> like local ones.

    The page of a draft shows its photos to its editors; were the link a signed URL of the
    bucket, whoever got it could fetch the file for its lifetime without being asked who they
    are, and the Content-Security-Policy (img-src 'self') would block it anyway. So the site
    only ever links to ``habitat.views.media``, which checks and streams the file."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))
