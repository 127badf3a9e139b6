"""Small real files for upload tests: a JPEG image and a PDF document."""

import io

from PIL import Image
from pypdf import PdfWriter


def jpeg(size=(40, 30), colour="#336699"):
    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, format="JPEG")
    return output.getvalue()


def pdf(metadata=None):
    """A one-page PDF, with document information (author, title...) if given."""
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    if metadata:
        writer.add_metadata(metadata)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
