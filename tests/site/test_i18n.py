"""The French and Spanish catalogues: complete, well-formed and actually served.

The page tests need the compiled catalogues (locale/*/LC_MESSAGES/django.mo). `make test`
and `make prepare` compile them; by hand: `manage.py compilemessages --ignore=.venv`.
"""

import ast
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import make_project

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = ("fr", "es")
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "es": "nplurals=2; plural=(n != 1);"}

HOME_HEADING = {
    "fr": "Des logements que les communautés conçoivent, construisent et gèrent elles-mêmes",
    "es": "Viviendas que las comunidades planifican, construyen y gestionan por sí mismas",
}


# --- A small .po reader --------------------------------------------------------------------


def _unquote(token):
    # A .po string is a C-like string literal; Python reads the escapes .po files use.
    assert token.startswith('"') and token.endswith('"'), token
    return ast.literal_eval(token)


def read_po(path):
    """The entries of a .po file: dicts with msgctxt, msgid, msgid_plural, msgstr, flags.

    msgstr is a list: one string, or one per plural form. Obsolete (#~) entries are
    skipped. Continuation lines ("...") are joined to the keyword above them.
    """
    entries = []
    entry = None
    keyword = None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            entry, keyword = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid_plural": None, "msgstr": {}, "flags": set(), "line": number}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if keyword is None:
                raise ValueError(f"{path}:{number}: a string outside any keyword")
            value = _unquote(line)
            if isinstance(keyword, int):
                entry["msgstr"][keyword] += value
            else:
                entry[keyword] += value
        else:
            name, _, rest = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", name)
            if match:
                keyword = int(match.group(1))
                entry["msgstr"][keyword] = _unquote(rest)
            elif name == "msgstr":
                keyword = 0
                entry["msgstr"][0] = _unquote(rest)
            elif name in ("msgctxt", "msgid", "msgid_plural"):
                keyword = name
                entry[name] = _unquote(rest)
            else:
                raise ValueError(f"{path}:{number}: unknown keyword {name!r}")
    finish()
    for item in entries:
        item["msgstr"] = [item["msgstr"][index] for index in sorted(item["msgstr"])]
    return entries


def catalogue(language):
    entries = read_po(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")
    header = next(entry for entry in entries if entry["msgid"] == "" and entry["msgctxt"] is None)
    messages = [entry for entry in entries if entry is not header]
    return header, messages


def describe(entry):
    context = f"[{entry['msgctxt']}] " if entry["msgctxt"] else ""
    return f"line {entry['line']}: {context}{entry['msgid']!r}"


PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
BRACE_PLACEHOLDER = re.compile(r"\{\w*\}")


def placeholders(text):
    return sorted(PERCENT_PLACEHOLDER.findall(text)) + sorted(BRACE_PLACEHOLDER.findall(text))


# --- Reading pages --------------------------------------------------------------------------


class PageReader(HTMLParser):
    """The <html lang>, the texts of the h1 and h2 headings, and the JSON of #map-labels."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.headings = {"h1": [], "h2": []}
        self.map_labels_json = None
        self._open = None
        self._in_map_labels = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag in self.headings:
            self._open = tag
            self.headings[tag].append("")
        elif tag == "script" and attrs.get("id") == "map-labels":
            self._in_map_labels = True
            self.map_labels_json = ""

    def handle_endtag(self, tag):
        if tag == self._open:
            self._open = None
        elif tag == "script":
            self._in_map_labels = False

    def handle_data(self, data):
        if self._open:
            self.headings[self._open][-1] += data
        if self._in_map_labels:
            self.map_labels_json += data

    def heading(self, tag, index=0):
        return " ".join(self.headings[tag][index].split())

    def all_headings(self, tag):
        return [" ".join(text.split()) for text in self.headings[tag]]


def read_page(response):
    assert response.status_code == 200, response.status_code
    reader = PageReader()
    reader.feed(response.text)
    reader.close()
    return reader


@pytest.fixture
def compiled_catalogues():
    """Fail clearly, rather than with English pages, when the .mo files are missing or stale."""
    for language in LANGUAGES:
        po = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            pytest.fail(f"{mo} is missing or older than its .po: run `manage.py compilemessages --ignore=.venv`")


# --- The pages are served in French and Spanish ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page_is_in_the_requested_language(client, compiled_catalogues, language):
    page = read_page(client.get(f"/{language}/"))

    assert page.lang == language
    assert page.heading("h1") == HOME_HEADING[language]
    expected_h2 = {
        "fr": ["L'annuaire aujourd'hui", "Derniers projets", "Six organisations, une seule voix"],
        "es": ["El directorio hoy", "Últimos proyectos", "Seis organizaciones, una sola voz"],
    }[language]
    for heading in expected_h2:
        assert heading in page.all_headings("h2")


@pytest.mark.django_db
def test_home_page_shows_project_cards_in_french(client, compiled_catalogues):
    make_project(name_en="Kalkbreite", dwellings=97)
    make_project(name_en="Tiny house group", dwellings=1)

    text = client.get("/fr/").text

    assert "97 logements" in text
    assert re.search(r"\b1 logement\b(?!s)", text)
    assert "Habité" in text  # the "project stage" context, capitalised by the template
    assert "Housing that communities" not in text


@pytest.mark.django_db
def test_project_list_is_in_french(client, compiled_catalogues):
    make_project(name_en="Kalkbreite")

    page = read_page(client.get("/fr/projects/"))

    assert page.lang == "fr"
    assert page.heading("h1") == "Projets"
    assert "Filtrer les projets" in page.all_headings("h2")
    assert "1 projet correspond" in page.all_headings("h2")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "projects", "count_heading"),
    [
        ("fr", 0, "0 projet correspond"),  # French counts zero as singular (n > 1)
        ("fr", 2, "2 projets correspondent"),
        ("es", 0, "0 proyectos coinciden"),  # Spanish counts zero as plural (n != 1)
        ("es", 1, "1 proyecto coincide"),
    ],
)
def test_project_list_count_uses_the_plural_rule_of_the_language(
    client, compiled_catalogues, language, projects, count_heading
):
    for _ in range(projects):
        make_project()

    page = read_page(client.get(f"/{language}/projects/"))

    assert count_heading in page.all_headings("h2")


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_map_labels_keep_their_placeholders(client, compiled_catalogues, language):
    page = read_page(client.get(f"/{language}/projects/"))
    labels = json.loads(page.map_labels_json)

    assert (
        labels["status"]
        == {
            "fr": "{in_view} des {total} projets correspondants sont visibles sur la carte.",
            "es": "{in_view} de los {total} proyectos que coinciden se ven en el mapa.",
        }[language]
    )
    assert "{count}" in labels["cluster"] and "{count}" in labels["stack"]
    assert "{name}" in labels["project"]


# --- A bare path goes to the visitor's language -----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_bare_path_redirects_to_the_accept_language(client, language):
    response = client.get("/projects/", headers={"accept-language": language})

    assert response.status_code == 302
    assert response["Location"] == f"/{language}/projects/"


# --- The catalogues are complete --------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_header_names_language_and_plural_rule(language):
    header, _ = catalogue(language)
    fields = dict(line.split(": ", 1) for line in header["msgstr"][0].splitlines() if ": " in line)

    assert fields["Language"] == language
    assert fields["Plural-Forms"] == PLURAL_FORMS[language]
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert "fuzzy" not in header["flags"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_translates_every_message(language):
    _, messages = catalogue(language)
    assert len(messages) > 100  # the reader really found the catalogue's entries

    untranslated = []
    for entry in messages:
        expected_forms = 2 if entry["msgid_plural"] is not None else 1
        if (
            "fuzzy" in entry["flags"]
            or len(entry["msgstr"]) != expected_forms
            or not all(text.strip() for text in entry["msgstr"])
        ):
            untranslated.append(describe(entry))
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_keeps_every_placeholder(language):
    _, messages = catalogue(language)

    broken = []
    for entry in messages:
        sources = [entry["msgid"]] if entry["msgid_plural"] is None else [entry["msgid"], entry["msgid_plural"]]
        for index, text in enumerate(entry["msgstr"]):
            source = sources[min(index, len(sources) - 1)]
            if placeholders(text) != placeholders(source):
                broken.append(f"{describe(entry)} -> {text!r}")
    assert broken == []


def test_catalogues_have_the_same_messages():
    def keys(language):
        return {(entry["msgctxt"], entry["msgid"]) for entry in catalogue(language)[1]}

    assert keys("fr") == keys("es")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", ["coopérative d'habitation", "coopérative d'entraide mutuelle", "habité", "publié", "oui,non"]),
        ("es", ["cooperativa de vivienda", "cooperativa de ayuda mutua", "habitado", "publicado", "sí,no"]),
    ],
)
def test_catalogue_is_used_by_gettext(compiled_catalogues, language, expected):
    with translation.override(language):
        found = [
            translation.gettext("housing co-operative"),
            translation.gettext("mutual-aid co-operative"),
            translation.pgettext("project stage", "inhabited"),
            translation.pgettext("moderation status", "published"),
            translation.gettext("yes,no"),
        ]
    assert found == expected


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [("fr", "1 logement", "3 logements"), ("es", "1 vivienda", "3 viviendas")],
)
def test_catalogue_plural_forms_are_used_by_ngettext(compiled_catalogues, language, one, many):
    with translation.override(language):
        forms = [
            translation.ngettext("%(counter)s dwelling", "%(counter)s dwellings", n) % {"counter": n} for n in (1, 3)
        ]
    assert forms == [one, many]
