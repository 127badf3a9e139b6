"""Helpers for the projects tests: signing in, the data of the group's forms, small files."""

import io

from PIL import Image
from pypdf import PdfWriter


def login(client, user):
    client.force_login(user)
    return client


def texts_data(project, **changes):
    data = {
        "original_language": "en",
        "name_en": project.name_en,
        "name_fr": "",
        "name_es": "",
        "summary_en": project.summary_en,
        "summary_fr": "",
        "summary_es": "",
        "description_en": "",
        "description_fr": "",
        "description_es": "",
        "project-version": project.version,
    }
    if "version" in changes:
        data["project-version"] = changes.pop("version")
    data.update(changes)
    return data


def jpeg(size=(40, 30)):
    output = io.BytesIO()
    Image.new("RGB", size, "#336699").save(output, format="JPEG")
    return output.getvalue()


def pdf_with_author():
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_metadata({"/Author": "Maria Secret", "/Title": "Statutes"})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
