"""Where uploaded files are kept: the local disk (MEDIA_ROOT) by default, or a private bucket
of an S3-compatible store when MEDIA_S3_BUCKET is set, so that several app servers share them.

Either way every file is read through the storage API (open, exists, size) by
``habitat.views.media``, which decides who may download it: the bucket is private, objects are
written without any public grant, and the site never links to the bucket (see
``habitat.s3_storage``)."""

import environ

S3_BACKEND = "habitat.s3_storage.PrivateS3Storage"
FILESYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"


def storage_from_env(env: environ.Env):
    """STORAGES["default"] as the environment asks."""
    bucket = env.str("MEDIA_S3_BUCKET", default="")
    if not bucket:
        return {"BACKEND": FILESYSTEM_BACKEND}
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            # Empty: Amazon S3 itself; otherwise MinIO, Garage, Ceph, a provider's endpoint.
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            # Empty: boto3's own chain (instance role, ~/.aws, AWS_* variables).
            "access_key": env.str("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
            # A folder of the bucket, when it is shared with other things.
            "location": env.str("MEDIA_S3_PREFIX", default=""),
            # "path" for most self-hosted stores; empty lets boto3 choose (virtual hosts on AWS).
            "addressing_style": env.str("MEDIA_S3_ADDRESSING_STYLE", default="") or None,
            "signature_version": "s3v4",
            # Never readable without our credentials, whatever the bucket's defaults.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            # Names are random (habitat.uploads); never replace an object in place.
            "file_overwrite": False,
            # A file read to be served is kept in memory up to this size, then on local disk.
            "max_memory_size": 2 * 1024 * 1024,
        },
    }
