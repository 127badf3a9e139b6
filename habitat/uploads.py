"""What every uploaded photo and document goes through, whichever app stores it.

Photos are re-encoded from their pixels (no EXIF, no GPS) and PDFs rewritten without their
metadata before anything is stored, and every upload gets a random name.
"""

import secrets
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models

from habitat import documents, images


def random_name(folder, filename):
    """Uploads get random names: nothing the uploader called the file reaches the public."""
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"{folder}/{secrets.token_urlsafe(16)}{suffix}"


def validate_pdf(file):
    """A document must be a readable PDF by its content, whatever its name says."""
    documents.clean_pdf(file)


class ReencodedPhoto(models.Model):
    """A model whose ``image`` is re-encoded on validation and on save, from forms or not."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.image and not self.image._committed:
            reencoded = getattr(self, "_reencoded", None) or images.reencode(self.image.file)
            self.image.save(reencoded.name, reencoded, save=False)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.image and not self.image._committed:
            try:
                self._reencoded = images.reencode(self.image.file)
            except ValidationError as error:
                raise ValidationError({"image": error.messages}) from None


class CleanedPdf(models.Model):
    """A model whose ``file`` (a PDF) is rewritten without its metadata before it is stored."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            cleaned = documents.clean_pdf(self.file.file)
            self.file.save(cleaned.name, cleaned, save=False)
        super().save(*args, **kwargs)
