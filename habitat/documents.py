"""Uploaded PDF documents are checked by their content and rewritten without metadata."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

MAX_BYTES = 20 * 1024 * 1024
HELP_TEXT = gettext_lazy("A PDF document, 20 MB at most. Its author and other metadata are removed.")


def clean_pdf(file):
    """A copy of the PDF ``file`` without its document information (author, creator, …)
    or XMP metadata. Raises ValidationError if it is not a PDF we can read."""
    if file.size is not None and file.size > MAX_BYTES:
        raise ValidationError(_("This document is larger than 20 MB."), code="too_large")
    file.seek(0)
    if not file.read(1024).lstrip().startswith(b"%PDF-"):
        file.seek(0)
        raise ValidationError(_("This file is not a PDF document."), code="not_pdf")
    file.seek(0)
    try:
        reader = PdfReader(file)
        if reader.is_encrypted:
            raise ValidationError(_("This PDF is protected by a password; upload it without one."), code="encrypted")
        writer = PdfWriter(clone_from=reader)
    except (PdfReadError, ValueError, KeyError, TypeError):
        raise ValidationError(_("This PDF document is damaged and cannot be read."), code="invalid") from None
    finally:
        file.seek(0)
    writer.metadata = None
    if "/Metadata" in writer.root_object:
        del writer.root_object["/Metadata"]
    output = io.BytesIO()
    writer.write(output)
    return ContentFile(output.getvalue(), name="document.pdf")
