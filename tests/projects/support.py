"""Helpers for the projects tests: signing in, the data of the group's forms, small files."""

from tests.factories.files import jpeg, pdf

__all__ = ["jpeg", "login", "pdf", "pdf_with_author", "texts_data"]


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


def pdf_with_author():
    return pdf({"/Author": "Maria Secret", "/Title": "Statutes"})
