"""The map that other sites may frame (/embed/map/), and the list's box that gives its code.

Only this page may be framed: every other page keeps X-Frame-Options DENY and
frame-ancestors 'none'."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import caches

from tests.factories import make_project

pytestmark = pytest.mark.django_db

EMBED = "/embed/map/"


def csp_of(response):
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


class Elements(HTMLParser):
    """Every element's attributes, and the text of each textarea and the title, by id."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.texts = {}
        self._open = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag in ("textarea", "title", "a"):
            self._open = (tag, attrs.get("id") or attrs.get("class") or tag)
            self.texts[self._open] = ""

    def handle_endtag(self, tag):
        self._open = None

    def handle_data(self, data):
        if self._open:
            self.texts[self._open] += data

    def find(self, tag, **wanted):
        return [attrs for name, attrs in self.elements if name == tag and wanted.items() <= attrs.items()]


@pytest.fixture
def kenya_and_france():
    return make_project(name_en="Mathare", city="Nairobi", country="KE", lon=36.86, lat=-1.26), make_project(
        name_en="La Maison", city="Lyon", country="FR", lon=4.83, lat=45.76
    )


def test_it_shows_the_map_of_the_filters(client, kenya_and_france):
    response = client.get(EMBED, {"country": "KE", "zoom": "5"})

    assert response.status_code == 200
    page = Elements(response.text)
    (container,) = page.find("div", **{"class": "project-map"})
    assert container["data-filter-query"] == "country=KE"
    assert container["data-map-url"] == "/projects/map.json"
    assert page.find("meta", name="robots") == [{"name": "robots", "content": "noindex"}]
    # Links open outside the frame: our other pages refuse to be framed.
    assert page.find("base") == [{"target": "_blank"}]
    (open_link,) = page.find("a", **{"class": "embed-open"})
    assert open_link == {
        "class": "embed-open",
        "href": "/en/projects/?country=KE&zoom=5",
        "target": "_blank",
        "rel": "noopener",
    }
    (licence,) = page.find("a", rel="license noopener")
    assert licence["href"] == "/en/open-data/"
    assert "Social Production of Habitat platform" in response.text


def test_its_headers_let_any_site_frame_it(client):
    response = client.get(EMBED)

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    csp = csp_of(response)
    assert csp["frame-ancestors"] == "*"
    # The rest of the site's policy stays, the nonce of the page's scripts included.
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'" and csp["base-uri"] == "'none'"
    nonce = csp["script-src"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.text
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"


@pytest.mark.parametrize("path", ["/en/", "/en/projects/", "/en/projects/?country=KE", "/en/open-data/"])
def test_other_pages_still_refuse_to_be_framed(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert csp_of(response)["frame-ancestors"] == "'none'"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_a_cached_copy_keeps_the_frame_headers(client, settings, kenya_and_france):
    settings.PAGE_CACHE_SECONDS = 300
    caches["pages"].clear()
    try:
        first = client.get(EMBED, {"country": "KE"})
        second = client.get(EMBED, {"country": "KE"})
    finally:
        caches["pages"].clear()

    for response in (first, second):
        assert response.status_code == 200
        assert "X-Frame-Options" not in response
        assert csp_of(response)["frame-ancestors"] == "*"
        assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
        assert response["Content-Language"] == "en"
    # The second answer is the stored one, with a nonce of its own in page and header.
    nonces = [csp_of(r)["script-src"].split("'nonce-")[1].split("'")[0] for r in (first, second)]
    assert nonces[0] != nonces[1]
    assert f'nonce="{nonces[1]}"' in second.text


@pytest.mark.parametrize(
    ("language", "heading"),
    [("fr", "Ouvrir cette carte sur la plateforme"), ("es", "Abrir este mapa en la plataforma")],
)
def test_lang_chooses_the_language(client, language, heading):
    response = client.get(EMBED, {"lang": language})

    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in response.text
    (open_link,) = Elements(response.text).find("a", **{"class": "embed-open"})
    assert open_link["href"] == f"/{language}/projects/"
    assert heading in response.text


def test_without_lang_it_speaks_the_visitor_s_language(client):
    response = client.get(EMBED, headers={"accept-language": "es"})

    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in response.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("country=XX", "Country: Select a valid choice."),
        ("organisation=nobody-at-all", "Organisation: Select a valid choice."),
        ("stage=flying", "Stage: Select a valid choice."),
        ("bbox=1,2,3", "The bounding box must be four numbers: west,south,east,north."),
        ("zoom=99", "The zoom must be a whole number between 0 and 18."),
        ("lat=12", "The centre of the map needs both lat and lon."),
        ("lat=north&lon=east", "lat and lon must be numbers in degrees."),
    ],
)
def test_an_invalid_address_is_explained_in_the_frame(client, query, message):
    response = client.get(f"{EMBED}?{query}")

    assert response.status_code == 400
    assert "This map cannot be shown: the address it was given is not valid." in response.text
    assert message in response.text
    # The message is shown in the partner's frame, and no map is started.
    assert "X-Frame-Options" not in response
    assert csp_of(response)["frame-ancestors"] == "*"
    assert "project-map" not in response.text


def test_an_invalid_address_is_explained_in_french(client):
    response = client.get(EMBED, {"country": "XX", "lang": "fr"})

    assert response.status_code == 400
    assert "Cette carte ne peut pas être affichée" in response.text


def test_it_answers_only_get_and_head(client):
    assert client.post(EMBED).status_code == 405
    assert client.head(EMBED).status_code == 200


def test_it_is_in_neither_sitemap_nor_robots(client):
    assert EMBED not in client.get("/sitemap.xml").text
    assert EMBED not in client.get("/robots.txt").text


# --- The list's share box -------------------------------------------------------------------


def share_box(response):
    page = Elements(response.text)
    (box,) = page.find("details", **{"class": "share-map"})
    (link,) = page.find("input", id="share-map-link")
    code = page.texts[("textarea", "share-map-code")]
    return box, link["value"], code


def frame_of(code):
    """The attributes of the one iframe of ``code``, as another site's page reads them."""
    (iframe,) = Elements(code).find("iframe")
    return iframe


def test_the_share_box_holds_the_frame_code_for_the_filters(client, kenya_and_france):
    response = client.get("/en/projects/", {"country": "KE", "stage": "inhabited", "sort": "name", "page": "1"})

    box, link, code = share_box(response)
    assert link == "http://testserver/en/projects/?country=KE&stage=inhabited"
    iframe = frame_of(code)
    src = urlsplit(iframe["src"])
    assert (src.scheme, src.netloc, src.path) == ("http", "testserver", EMBED)
    assert parse_qs(src.query) == {"country": ["KE"], "stage": ["inhabited"], "lang": ["en"]}
    assert iframe["width"] == "100%" and iframe["height"] == "450" and iframe["loading"] == "lazy"
    assert iframe["title"] == "Map of community-led housing projects, from the Social Production of Habitat platform"
    # What the script needs to add the map's view, as data.
    assert box["data-filter-query"] == "country=KE&stage=inhabited"
    assert box["data-embed-url"] == "http://testserver/embed/map/"
    assert box["data-list-url"] == "http://testserver/en/projects/"


def test_the_frame_code_of_the_share_box_opens_the_same_map(client, kenya_and_france):
    _box, _link, code = share_box(client.get("/fr/projects/", {"country": "KE"}))

    src = urlsplit(frame_of(code)["src"])
    framed = client.get(f"{src.path}?{src.query}")
    assert framed.status_code == 200
    assert framed["Content-Language"] == "fr"
    (container,) = Elements(framed.text).find("div", **{"class": "project-map"})
    assert container["data-filter-query"] == "country=KE"


def test_the_share_box_without_filters_frames_the_whole_map(client):
    _box, link, code = share_box(client.get("/es/projects/"))

    assert link == "http://testserver/es/projects/"
    assert frame_of(code)["src"] == "http://testserver/embed/map/?lang=es"


def test_the_share_box_is_left_out_while_the_filters_are_invalid(client):
    response = client.get("/en/projects/", {"country": "XX"})

    assert response.status_code == 200
    assert Elements(response.text).find("details", **{"class": "share-map"}) == []
