"""Uploaded images are checked and re-encoded before they are stored.

A fresh image is written from the decoded pixels, so nothing of the original file's
metadata survives: no EXIF, above all no GPS position of a group that hides where it lives.
"""

import io
import re
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


# Smaller copies of each photo, made once when it is stored, so that a phone is sent a photo
# of the size of its slot (srcset) rather than the original. WebP: a third of a JPEG's weight
# at the same look, read by every browser the platform supports.
RENDITION_WIDTHS = (320, 640, 1280)
RENDITION_QUALITY = 80
_RENDITION_NAME = re.compile(r"^(?P<original>.+)\.w(?P<width>\d+)\.webp$")


def rendition_name(name, width):
    """The stored name of the copy of the photo ``name`` that is ``width`` pixels wide."""
    return f"{name}.w{width}.webp"


def original_name(name):
    """The photo that ``name`` is a copy of (``rendition_name``), or None."""
    match = _RENDITION_NAME.match(name)
    if match and int(match["width"]) in RENDITION_WIDTHS:
        return match["original"]
    return None


def rendition_widths(width):
    """The widths of the copies made of a photo ``width`` pixels wide: each one smaller."""
    return [candidate for candidate in RENDITION_WIDTHS if width and candidate < width]


def renditions(file):
    """``(width, height, {rendition width: ContentFile})`` of a stored (cleaned) image: its size
    and its copies at ``rendition_widths``, largest first, each resized from the one before."""
    file.seek(0)
    with Image.open(file) as image:
        image.load()
        size = image.size
        current = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA" if "A" in image.mode else "RGB")
        copies = {}
        for width in sorted(rendition_widths(size[0]), reverse=True):
            height = max(1, round(current.height * width / current.width))
            current = current.resize((width, height), Image.Resampling.LANCZOS)
            output = io.BytesIO()
            current.save(output, format="WEBP", quality=RENDITION_QUALITY, method=4)
            copies[width] = ContentFile(output.getvalue())
    file.seek(0)
    return size[0], size[1], copies
