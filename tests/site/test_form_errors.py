"""A form sent back with errors says so first (docs/accessibility.md, "Form errors announced
and linked to their field"): a summary at the top of the form, which takes the focus, lists each
error and links it to its field, and the page's title starts with "Error:". One template tag
does it for every form (habitat/templatetags/form_errors.py); these tests send a few of them
wrong, in each language."""

import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import ProjectPhoto, Status
from tests.factories import make_project, make_user
from tests.factories.files import jpeg

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
LANGUAGES = ["en", "fr", "es"]
# The words of the summary and of the title in each language: the French and Spanish come
# from the catalogues (/tmp/form_errors_*.po until they are merged into locale/).
WORDS = {
    "en": {"title": "Error: ", "heading": "There is a problem"},
    "fr": {"title": "Erreur\u00a0: ", "heading": "Il y a un problème"},
    "es": {"title": "Error: ", "heading": "Hay un problema"},
}


class Page(HTMLParser):
    """What the tests look at: the title, every id of the page, the elements with autofocus,
    and each error summary with its heading, its links, its lines and its whole text."""

    def __init__(self, html):
        super().__init__()
        self.title = ""
        self.ids = set()
        self.autofocus = []
        self.summaries = []
        self._in_title = False
        self._in_heading = False
        self._summary_depth = 0  # how many <div> deep inside the current summary
        self._link = None
        self._item = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "autofocus" in attrs:
            self.autofocus.append((tag, attrs.get("class", "")))
        if tag == "title":
            self._in_title = True
        if tag == "div" and self._summary_depth:
            self._summary_depth += 1
        elif tag == "div" and "error-summary" in attrs.get("class", "").split():
            self._summary_depth = 1
            self.summaries.append({"attrs": attrs, "heading": "", "links": [], "lines": [], "text": ""})
        elif self._summary_depth and tag == "h2":
            self._in_heading = True
        elif self._summary_depth and tag == "li":
            self._item = ""
        elif self._summary_depth and tag == "a":
            self._link = [attrs.get("href"), ""]

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "div" and self._summary_depth:
            self._summary_depth -= 1
        elif tag == "h2":
            self._in_heading = False
        elif tag == "a" and self._link is not None:
            self.summaries[-1]["links"].append(tuple(self._link))
            self._link = None
        elif tag == "li" and self._item is not None:
            self.summaries[-1]["lines"].append(self._item.strip())
            self._item = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._summary_depth:
            self.summaries[-1]["text"] += data
        if self._in_heading:
            self.summaries[-1]["heading"] += data
        if self._item is not None:
            self._item += data
        if self._link is not None:
            self._link[1] += data

    @property
    def title_text(self):
        # Spaces and line breaks as a browser shows them; a no-break space (French) is kept.
        return re.sub(r"[ \t\n\r\f]+", " ", self.title).strip()


def page_of(response):
    return Page(response.content.decode())


@pytest.fixture
def editor(client):
    user = make_user(email="editor@example.org")
    client.force_login(user)
    return user


@pytest.fixture
def draft(editor):
    project = make_project(name_en="Cooperativa Zarzamora", status=Status.DRAFT)
    project.editors.add(editor)
    return project


@pytest.fixture
def reachable():
    """A published project that visitors can write to."""
    return make_project(name_en="Kalkbreite", contact_email="group@example.org")


def sign_up(request):
    return "/en/accounts/signup/", {"email": "not an address", "password1": PASSWORD}


def new_project(request):
    request.getfixturevalue("editor")
    return "/en/projects/new/", {"original_language": "klingon", "name_fr": "Zarzamora"}


def facts_section(request):
    draft = request.getfixturevalue("draft")
    return f"/en/projects/{draft.slug}/edit/facts/", {"start_year": "1000", "project-version": draft.version}


def contact_form(request):
    project = request.getfixturevalue("reachable")
    return f"/en/projects/{project.slug}/contact/", {"name": "Ana", "email": "ana@"}


# Each form, what is sent to it, and the fields (by id) that its summary links to, in order.
FORMS = {
    "sign up": (sign_up, ["id_email", "id_display_name", "id_password2"]),
    "new project": (new_project, ["id_original_language", "id_name_en", "id_country"]),
    "facts section": (facts_section, ["id_stage", "id_start_year"]),
    "contact form": (contact_form, ["id_email", "id_message"]),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("form", FORMS)
def test_form_sent_with_errors_starts_with_a_summary_linked_to_its_fields(client, request, form, language):
    address, data = FORMS[form][0](request)
    address = address.replace("/en/", f"/{language}/", 1)

    page = page_of(client.post(address, data))

    (summary,) = page.summaries
    assert summary["heading"] == WORDS[language]["heading"]
    assert [href for href, _ in summary["links"]] == [f"#{field}" for field in FORMS[form][1]]
    assert all(href[1:] in page.ids for href, _ in summary["links"])
    assert page.title_text.startswith(WORDS[language]["title"])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("form", FORMS)
def test_form_opened_has_no_summary_and_no_error_in_its_title(client, request, form, language):
    address, _ = FORMS[form][0](request)
    address = address.replace("/en/", f"/{language}/", 1)

    page = page_of(client.get(address))

    assert page.summaries == []
    assert page.autofocus == []
    assert not page.title_text.startswith(WORDS[language]["title"].strip())


@pytest.mark.parametrize("language", LANGUAGES)
def test_summary_names_the_field_of_each_error_in_the_pages_language(client, reachable, language):
    page = page_of(client.post(f"/{language}/projects/{reachable.slug}/contact/", {"name": "Ana", "email": "ana@"}))

    (summary,) = page.summaries
    message_link = summary["links"][-1]
    label = {"en": "Your message", "fr": "Votre message", "es": "Su mensaje"}[language]
    assert message_link[1].startswith(f"{label} — ")


def test_summary_takes_the_focus_and_no_other_element_asks_for_it(client, reachable):
    page = page_of(client.post(f"/en/projects/{reachable.slug}/contact/", {}))

    (summary,) = page.summaries
    assert summary["attrs"]["tabindex"] == "-1"
    assert page.autofocus == [("div", "error-summary")]
    assert summary["lines"][0] == "Your name — Write your name, so that the group knows who writes."


def test_summary_counts_the_errors_in_a_whole_sentence(client, reachable):
    one = client.post(f"/en/projects/{reachable.slug}/contact/", {"name": "Ana", "email": "ana@example.org"})
    two = client.post(f"/en/projects/{reachable.slug}/contact/", {"name": "Ana"})

    assert "Correct the following error:" in one.content.decode()
    assert "Correct the following 2 errors:" in two.content.decode()


def test_error_about_the_whole_form_is_listed_as_text(client):
    make_user(email="ana@example.org", password=PASSWORD)

    page = page_of(client.post("/en/accounts/login/", {"login": "ana@example.org", "password": "not-it"}))

    (summary,) = page.summaries
    assert summary["links"] == []
    assert summary["lines"] == ["The email address and/or password you specified are not correct."]
    assert page.title_text == "Error: Sign In · SPH platform"


def test_radio_group_in_error_is_reached_by_its_first_button(client, reachable):
    page = page_of(client.post(f"/en/projects/{reachable.slug}/report/", {"message": "Wrong year."}))

    (summary,) = page.summaries
    assert summary["links"] == [("#id_kind_0", "What kind of problem is it? — Choose the kind of problem.")]
    assert "id_kind_0" in page.ids


def test_photo_in_error_is_named_by_its_place_in_the_list(client, draft, media_root):
    for alt_text in ["Homes around a courtyard", "The shared kitchen"]:
        ProjectPhoto(project=draft, image=SimpleUploadedFile("photo.jpg", jpeg()), alt_text=alt_text).save()
    photos = list(draft.photos.order_by("order", "pk"))
    data = {
        "action": "save",
        "project-version": draft.version,
        "photos-TOTAL_FORMS": "2",
        "photos-INITIAL_FORMS": "2",
        **{f"photos-{n}-id": photo.pk for n, photo in enumerate(photos)},
        **{f"photos-{n}-order": n for n in range(2)},
        "photos-0-alt_text": "Homes around a courtyard",
        "photos-1-alt_text": "",
    }

    page = page_of(client.post(f"/en/projects/{draft.slug}/edit/photos/", data))

    (summary,) = page.summaries
    assert summary["links"] == [("#id_photos-1-alt_text", "Alternative text, item 2 — This field is required.")]
    assert "id_photos-1-alt_text" in page.ids


def test_refused_photo_keeps_its_note_in_the_summary(client, draft, media_root):
    data = {"action": "add", "project-version": draft.version, "new-alt_text": "The plan"}

    page = page_of(client.post(f"/en/projects/{draft.slug}/edit/photos/", data, format="multipart"))

    (summary,) = page.summaries
    assert summary["links"] == [("#id_new-image", "Image — This field is required.")]
    assert page.title_text == "Error: Photos · Cooperativa Zarzamora · SPH platform"
    note = "The photo was not added: see the message next to the field. What you typed is kept; choose the file again."
    assert note in " ".join(summary["text"].split())
