"""Uploaded images are checked and re-encoded before they are stored.

A fresh image is written from the decoded pixels, so nothing of the original file's
metadata survives: no EXIF, above all no GPS position of a group that hides where it lives.
"""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ACCEPTED_TYPES = ["image/jpeg", "image/png", "image/webp"]
MAX_BYTES = 10 * 1024 * 1024
# Far below Pillow's own decompression-bomb limit (about 179 million pixels).
MAX_PIXELS = 40_000_000
HELP_TEXT = gettext_lazy("JPEG, PNG or WebP, 10 MB at most. Location data in the file is removed.")


def reencode(file):
    """Check ``file`` and return a metadata-free copy as a ContentFile named ``*.<ext>``.

    Raises ValidationError with a message for the person who uploaded it.
    """
    if file.size is not None and file.size > MAX_BYTES:
        raise ValidationError(_("This image is larger than 10 MB."), code="too_large")
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns about a decompression bomb below twice its limit.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise ValidationError(_("Only JPEG, PNG and WebP images are accepted."), code="format")
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError(_("This image has too many pixels (40 million at most)."), code="pixels")
                image_format = image.format
                image.load()
                fresh = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("This file is not an image we can read."), code="invalid") from None
    finally:
        file.seek(0)
    if image_format == "JPEG" and fresh.mode not in ("RGB", "L"):
        fresh = fresh.convert("RGB")
    elif fresh.mode not in ("RGB", "RGBA", "L", "LA"):
        fresh = fresh.convert("RGBA")
    # A new image made of the pixels alone: no info dict, no EXIF, no XMP, no ICC profile.
    clean = Image.new(fresh.mode, fresh.size)
    clean.paste(fresh)
    output = io.BytesIO()
    options = {"quality": 88} if image_format in ("JPEG", "WEBP") else {"optimize": True}
    clean.save(output, format=image_format, **options)
    return ContentFile(output.getvalue(), name=f"image.{ALLOWED_FORMATS[image_format]}")
