"""What the public detail pages tell search engines (schema.org JSON-LD) and link previews
(Open Graph): the right types and facts, absolute addresses, the page's language, and never
more than the page may show."""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from habitat.models import Organisation
from hubs.models import MeetingPhoto
from projects.models import ProjectPhoto, Status
from tests.factories import make_hidden_project, make_organisation, make_project, make_user
from tests.factories.awards import make_award, make_edition, make_nomination
from tests.factories.files import jpeg
from tests.factories.hubs import make_meeting

pytestmark = pytest.mark.django_db

SERVER = "http://testserver"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


class HeadParser(HTMLParser):
    """The page's Open Graph properties (each with its list of values), canonical links and
    JSON-LD blocks."""

    def __init__(self):
        super().__init__()
        self.og = {}
        self.canonical = []
        self.ld_json = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("property", "").startswith("og:"):
            self.og.setdefault(attrs["property"], []).append(attrs["content"])
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True
            self.ld_json.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.ld_json[-1] += data


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200
    parser = HeadParser()
    parser.feed(response.text)
    (block,) = parser.ld_json
    return response, json.loads(block), parser


def one(og, name):
    (value,) = og[name]
    return value


def url_in(language, obj):
    with translation.override(language):
        return obj.get_absolute_url()


def add_photo(model, **fields):
    photo = model(image=SimpleUploadedFile("photo.jpg", jpeg()), alt_text="Homes around a courtyard", **fields)
    photo.full_clean()
    photo.save()
    return photo


# --- Projects -------------------------------------------------------------------------------


def test_project_page_describes_a_place_with_its_address_and_link_preview(client, media_root):
    project = make_project(
        name_en="Kalkbreite", city="Zürich", country="CH", address="Kalkbreitestrasse 2", lon=8.5178, lat=47.3753
    )
    photo = add_photo(ProjectPhoto, project=project)
    response, data, head = read(client, project.get_absolute_url())
    page_url = f"{SERVER}/en/projects/{project.slug}/"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Place"
    assert data["url"] == page_url
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "Kalkbreitestrasse 2",
        "addressLocality": "Zürich",
        "addressCountry": "CH",
    }
    assert data["image"] == f"{SERVER}/media/{photo.image.name}"
    assert head.canonical == [page_url]
    assert one(head.og, "og:type") == "website"
    assert one(head.og, "og:title") == "Kalkbreite"
    assert one(head.og, "og:description") == "A group of families building their homes together."
    assert one(head.og, "og:url") == page_url
    assert one(head.og, "og:site_name") == "Social Production of Habitat"
    assert one(head.og, "og:image") == f"{SERVER}/media/{photo.image.name}"


def test_project_page_without_photo_has_no_image(client):
    project = make_project()
    _response, data, head = read(client, project.get_absolute_url())
    assert "image" not in data
    assert "og:image" not in head.og


def test_project_that_hides_its_location_shows_only_its_rounded_point_and_no_street(client, media_root):
    editor = make_user(email="kzq-editor-1904@example.org")
    project = make_hidden_project(
        name_en="Settlement facing eviction",
        contact_email="kzq-contact-8841@example.org",
    )
    project.editors.add(editor)
    add_photo(ProjectPhoto, project=project)
    response, data, head = read(client, project.get_absolute_url())
    project.refresh_from_db()
    assert data["address"] == {"@type": "PostalAddress", "addressLocality": "Nairobi", "addressCountry": "KE"}
    public = (round(project.public_location.y, 6), round(project.public_location.x, 6))
    assert (data["geo"]["latitude"], data["geo"]["longitude"]) == public
    assert public != (-1.2920659, 36.8219417)
    assert "Riverside Lane" not in response.text
    assert "36.8219" not in response.text and "1.2920" not in response.text
    assert "kzq-" not in response.text
    assert EMAIL.findall(response.text) == []


def test_project_drafts_have_no_page_to_describe(client):
    draft = make_project(status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


# --- Organisations --------------------------------------------------------------------------


def test_organisation_page_describes_an_organization_with_its_logo(client, media_root):
    organisation = make_organisation(
        name_en="Urban Poor Fund International",
        acronym="UPFI",
        description_en="A fund that lends to savings groups.",
        city="Cape Town",
        country="ZA",
        website="https://upfi.example.org/",
        founded_year=2007,
        logo=SimpleUploadedFile("logo.jpg", jpeg()),
    )
    _response, data, head = read(client, organisation.get_absolute_url())
    page_url = f"{SERVER}/en/organisations/{organisation.slug}/"
    logo_url = f"{SERVER}/media/{organisation.logo.name}"
    assert data == {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": "Urban Poor Fund International",
        "alternateName": "UPFI",
        "url": page_url,
        "description": "A fund that lends to savings groups.",
        "address": {"@type": "PostalAddress", "addressLocality": "Cape Town", "addressCountry": "ZA"},
        "foundingDate": "2007",
        "sameAs": ["https://upfi.example.org/"],
        "logo": logo_url,
    }
    assert head.canonical == [page_url]
    assert one(head.og, "og:url") == page_url
    assert one(head.og, "og:title") == "Urban Poor Fund International"
    assert one(head.og, "og:description") == "A fund that lends to savings groups."
    assert one(head.og, "og:image") == logo_url


def test_organisation_page_without_logo_or_place_says_neither(client):
    organisation = make_organisation(name_en="Quiet network")
    _response, data, head = read(client, organisation.get_absolute_url())
    assert "logo" not in data and "address" not in data and "sameAs" not in data
    assert "og:image" not in head.og


def test_unreviewed_organisation_has_no_page_to_describe(client):
    organisation = Organisation.objects.create_for_review(name="Riverside Savings Group")
    assert client.get(f"/en/organisations/{organisation.slug}/").status_code == 404


# --- Meetings -------------------------------------------------------------------------------


def test_meeting_page_describes_an_event_with_its_city_and_public_organisers(client, media_root):
    organiser = make_organisation(name_en="Habitat International Coalition", slug="hic")
    unreviewed = Organisation.objects.create_for_review(name="Riverside Savings Group")
    meeting = make_meeting(
        name_en="Africa HUB meeting",
        start_date=datetime.date(2019, 10, 8),
        end_date=datetime.date(2019, 10, 10),
        city="Nairobi",
        country="KE",
        lon=36.817,
        lat=-1.286,
    )
    meeting.organisers.add(organiser, unreviewed)
    photo = add_photo(MeetingPhoto, meeting=meeting)
    _response, data, head = read(client, meeting.get_absolute_url())
    page_url = f"{SERVER}/en/meetings/{meeting.slug}/"
    assert data["@type"] == "Event"
    assert data["name"] == "Africa HUB meeting"
    assert data["url"] == page_url
    assert (data["startDate"], data["endDate"]) == ("2019-10-08", "2019-10-10")
    assert data["location"] == {
        "@type": "Place",
        "name": "Nairobi, Kenya",
        "address": {"@type": "PostalAddress", "addressLocality": "Nairobi", "addressCountry": "KE"},
        "geo": {"@type": "GeoCoordinates", "latitude": -1.286, "longitude": 36.817},
    }
    assert data["organizer"] == [
        {"@type": "Organization", "name": "Habitat International Coalition", "url": f"{SERVER}/en/organisations/hic/"}
    ]
    assert "eventStatus" not in data and "eventAttendanceMode" not in data
    assert data["image"] == f"{SERVER}/media/{photo.image.name}"
    assert one(head.og, "og:url") == page_url
    assert one(head.og, "og:title") == "Africa HUB meeting"
    assert one(head.og, "og:image") == data["image"]


def test_meeting_known_by_its_year_gets_no_invented_day(client):
    meeting = make_meeting(year=2016, city="", country="", lon=None)
    _response, data, _head = read(client, meeting.get_absolute_url())
    assert data["startDate"] == "2016"
    assert "endDate" not in data and "location" not in data


# --- Awards ---------------------------------------------------------------------------------


def test_award_page_describes_the_award(client):
    award = make_award(
        name_en="World Habitat Awards",
        description_en="Given each year to innovative housing.",
        website="https://world-habitat.example.org/awards/",
    )
    _response, data, head = read(client, award.get_absolute_url())
    page_url = f"{SERVER}/en/awards/{award.slug}/"
    assert data == {
        "@context": "https://schema.org",
        "@type": "Thing",
        "name": "World Habitat Awards",
        "url": page_url,
        "description": "Given each year to innovative housing.",
        "sameAs": ["https://world-habitat.example.org/awards/"],
    }
    assert one(head.og, "og:url") == page_url
    assert "og:image" not in head.og


def test_award_year_page_lists_its_results_linking_public_projects_only(client):
    award = make_award(name_en="World Habitat Awards")
    edition = make_edition(award, year=2020)
    public = make_project(name_en="Kalkbreite")
    hidden = make_project(name_en="Unpublished draft of Ouakam", status=Status.DRAFT)
    make_nomination(edition, project=public, result="winner")
    make_nomination(edition, project=hidden, project_name="Ouakam co-operative", result="finalist")
    make_nomination(edition, project=hidden, result="nominee")
    response, data, head = read(client, edition.get_absolute_url())
    page_url = f"{SERVER}/en/awards/{award.slug}/2020/"
    assert data["@type"] == "ItemList"
    assert data["name"] == "World Habitat Awards 2020"
    assert data["url"] == page_url
    assert data["numberOfItems"] == 2
    assert data["itemListElement"] == [
        {
            "@type": "ListItem",
            "position": 1,
            "name": "Kalkbreite",
            "description": "Winner",
            "url": f"{SERVER}{public.get_absolute_url()}",
        },
        {"@type": "ListItem", "position": 2, "name": "Ouakam co-operative", "description": "Finalist"},
    ]
    assert "Unpublished draft of Ouakam" not in response.text
    assert hidden.slug not in response.text
    assert one(head.og, "og:title") == "World Habitat Awards 2020"
    assert one(head.og, "og:description") == "Results of the World Habitat Awards in 2020."


# --- Every page, in every language ----------------------------------------------------------


def detail_pages():
    award = make_award()
    return {
        "project": make_project(),
        "organisation": make_organisation(),
        "meeting": make_meeting(),
        "award": award,
        "award year": make_edition(award, year=2021),
    }


@pytest.mark.parametrize(
    ("language", "locale", "alternates"),
    [("en", "en_GB", ["fr_FR", "es_ES"]), ("fr", "fr_FR", ["en_GB", "es_ES"]), ("es", "es_ES", ["en_GB", "fr_FR"])],
)
def test_every_detail_page_names_its_locale_and_its_own_language_address(client, language, locale, alternates):
    site_names = {"en": "Social Production of Habitat", "fr": "Production sociale de l'habitat"}
    for kind, obj in detail_pages().items():
        path = url_in(language, obj)
        assert path.startswith(f"/{language}/"), kind
        _response, data, head = read(client, path)
        assert one(head.og, "og:locale") == locale, kind
        assert head.og["og:locale:alternate"] == alternates, kind
        assert data["url"] == one(head.og, "og:url") == f"{SERVER}{path}", kind
        assert head.canonical == [f"{SERVER}{path}"], kind
        if language in site_names:
            assert one(head.og, "og:site_name") == site_names[language], kind
