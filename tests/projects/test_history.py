"""A project's history says what changed between two versions, not only that a version exists:
on the group's overview, and on the admin's history of the project."""

from html.parser import HTMLParser

import pytest
import reversion
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_organisation, make_user
from tests.projects.support import jpeg, login, texts_data

pytestmark = pytest.mark.django_db


class Changes(HTMLParser):
    """The rows of every table of changes on a page: (what, before, after)."""

    def __init__(self, html):
        super().__init__()
        self.rows, self.row, self.cell, self.inside = [], None, None, 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "changes" in (dict(attrs).get("class") or ""):
            self.inside += 1
        elif self.inside and tag == "tr":
            self.row = []
        elif self.row is not None and tag in ("td", "th"):
            self.cell = []

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row and self.row[0] != "What":
                self.rows.append(tuple(self.row))
            self.row = None
        elif tag == "table" and self.inside:
            self.inside -= 1


def facts_data(**changes):
    data = {"stage": "construction", "tenure": "", "dwellings": "12", "inhabitants": "", "start_year": ""}
    data.update({"completion_year": "", "website": "", "contact_email": "", "project-version": ""})
    data.update(changes)
    return data


def edit_everything(client, editor, draft, media_root):
    """The group saves its texts, then its facts, then adds a photo and an organisation."""
    with reversion.create_revision():
        draft.save()  # as listed through the site: its first version is recorded
    login(client, editor)
    base = f"/en/projects/{draft.slug}/edit/"
    client.post(f"{base}texts/", texts_data(draft, summary_en="Twelve families."))
    client.post(f"{base}facts/", facts_data(dwellings="12"))
    client.post(f"{base}facts/", facts_data(dwellings="14"))
    photo = {"new-image": SimpleUploadedFile("site.jpg", jpeg()), "new-alt_text": "The building site"}
    client.post(f"{base}photos/", {"action": "add", **photo})
    organisation = make_organisation(name_en="FUCVAM")
    client.post(
        f"{base}organisations/",
        {
            "action": "save",
            "actors-TOTAL_FORMS": "1",
            "actors-INITIAL_FORMS": "0",
            "actors-0-organisation": organisation.pk,
            "actors-0-role": "network",
            "actors-0-order": "0",
        },
    )


def test_group_overview_shows_what_each_saved_version_changed(client, editor, draft, media_root):
    edit_everything(client, editor, draft, media_root)
    page = client.get(f"/en/projects/{draft.slug}/edit/").text
    rows = Changes(page).rows
    assert ("Organisations involved", "—", "FUCVAM (network)") in rows
    assert ("Photos", "—", "The building site") in rows
    assert ("Dwellings", "12", "14") in rows
    assert ("Summary [en]", "A group of families building their homes together.", "Twelve families.") in rows
    # Newest first, each saying who saved it.
    assert page.index("FUCVAM (network)") < page.index("The building site") < page.index("Twelve families.")
    assert editor.public_name in page


def test_admin_history_shows_what_each_version_changed_and_who_by_their_display_name(
    admin_client, editor, draft, media_root
):
    edit_everything(admin_client, editor, draft, media_root)
    admin_client.force_login(make_user(is_staff=True, is_superuser=True, display_name="Staff member"))
    response = admin_client.get(f"/admin/projects/project/{draft.pk}/history/")
    assert response.status_code == 200
    rows = Changes(response.text).rows
    assert ("Dwellings", "12", "14") in rows
    assert ("Organisations involved", "—", "FUCVAM (network)") in rows
    assert editor.public_name in response.text
    assert editor.username not in response.text
    assert editor.email not in response.text


def test_a_published_change_shows_in_the_history_as_what_it_changed(client, admin_client, editor, published):
    change = published.editable_version(by=editor)
    login(client, editor).post(
        f"/en/projects/{published.slug}/edit/texts/", texts_data(change, summary_en="A new summary.")
    )
    change.refresh_from_db()
    change.submit(by=editor)
    response = admin_client.post(f"/admin/projects/project/{change.pk}/review/", {"action": "publish"})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.summary_en == "A new summary."
    rows = Changes(client.get(f"/en/projects/{published.slug}/edit/").text).rows
    # Once the working copy is gone, its publication still says what it changed.
    assert rows == [("Summary [en]", "The published summary.", "A new summary.")]
