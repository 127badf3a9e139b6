"""The directory as open data: CSV and GeoJSON exports with the list's filters, read back with
real parsers, the Atom feed read with feedparser, and the open data page."""

import csv
import io
import json

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import HousingModel, Status
from projects.opendata import COLUMNS
from projects.representation import COORDINATE_PLACES
from tests.factories import make_hidden_project, make_project

pytestmark = pytest.mark.django_db

CSV = "/projects/export.csv"
GEOJSON = "/projects/export.geojson"
FEED = "/en/projects/feed.atom"


def body(response):
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(response):
    text = body(response).decode("utf-8")
    assert text.endswith("\r\n")  # RFC 4180 line ends
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def directory():
    return {
        "geneva": make_project(name_en="Kalkbreite", contact_email="secret-contact@example.org", dwellings=97),
        "hidden": make_hidden_project(name_en="Riverside group"),
        "dakar": make_project(
            name_en='=HYPERLINK("http://evil.example")',
            country="SN",
            city="Dakar",
            lon=-17.4676863,
            lat=14.7166718,
            housing_models=[HousingModel.COMMUNITY_LAND_TRUST],
        ),
        "draft": make_project(name_en="A draft", status=Status.DRAFT),
    }


def test_the_csv_has_a_header_row_and_one_row_per_public_project(client, directory):
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="sph-projects.csv"'
    assert 'rel="license"' in response["Link"]
    rows = csv_rows(response)

    assert list(rows[0]) == [column.name for column in COLUMNS] + ["licence"]
    assert [row["id"] for row in rows] == [str(directory[key].pk) for key in ("geneva", "hidden", "dakar")]
    geneva = rows[0]
    assert geneva["name"] == "Kalkbreite" and geneva["dwellings"] == "97" and geneva["country"] == "CH"
    assert geneva["url"] == f"http://testserver{directory['geneva'].get_absolute_url()}"
    assert geneva["licence"] == "https://creativecommons.org/licenses/by/4.0/"


def test_the_csv_never_holds_a_contact_address_nor_a_hidden_point(client, directory):
    text = body(client.get(CSV)).decode()
    hidden = next(row for row in csv.DictReader(io.StringIO(text)) if row["name"] == "Riverside group")

    assert "secret-contact@example.org" not in text and "Riverside Lane" not in text
    assert hidden["address"] == "" and hidden["location_approximate"] == "true"
    assert "36.821941" not in text and "-1.292065" not in text
    assert float(hidden["longitude"]) == 36.825  # the centre of a 0.01° cell
    assert "A draft" not in text


def test_a_csv_cell_that_a_spreadsheet_would_run_is_kept_as_text_but_numbers_stay_numbers(client, directory):
    dakar = next(row for row in csv_rows(client.get(CSV)) if row["country"] == "SN")
    assert dakar["name"] == '\'=HYPERLINK("http://evil.example")'
    assert float(dakar["longitude"]) == round(-17.4676863, COORDINATE_PLACES)


def test_the_exports_take_the_lists_filters(client, directory):
    rows = csv_rows(client.get(CSV, {"housing_model": "community_land_trust"}))
    assert [row["country"] for row in rows] == ["SN"]
    data = json.loads(body(client.get(GEOJSON, {"country": "KE"})))
    assert [feature["properties"]["name"] for feature in data["features"]] == ["Riverside group"]


def test_the_geojson_follows_rfc_7946(client, directory):
    response = client.get(GEOJSON)
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(body(response))

    assert data["type"] == "FeatureCollection"
    assert "crs" not in data  # RFC 7946 §4: WGS 84 longitude, latitude, and no crs member
    assert data["license"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert len(data["features"]) == 3
    for feature in data["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["id"], int)
        longitude, latitude = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Point"
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90
        assert set(feature["properties"]) == {c.name for c in COLUMNS} - {"latitude", "longitude"}
    dakar = next(f for f in data["features"] if f["properties"]["country"] == "SN")
    assert dakar["geometry"]["coordinates"] == [round(-17.4676863, 6), round(14.7166718, 6)]
    assert dakar["properties"]["housing_models"] == ["community_land_trust"]


def test_an_export_with_a_wrong_filter_says_which(client, directory):
    response = client.get(CSV, {"stage": "nonsense"})
    assert response.status_code == 400
    assert "stage" in response.json()["fields"]


def test_a_head_request_reads_no_rows(client, directory):
    with CaptureQueriesContext(connection) as queries:
        response = client.head(GEOJSON)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b""
    assert not [query for query in queries if '"projects_project"."slug"' in query["sql"]]


def test_exports_are_limited_per_address(client, directory, settings):
    settings.EXPORTS_PER_HOUR = 2
    assert client.get(CSV).status_code == 200
    assert client.get(GEOJSON).status_code == 200
    refused = client.get(CSV, headers={"accept-language": "fr"})
    assert refused.status_code == 429
    assert "instantané daté" in refused.json()["error"]


def test_the_atom_feed_lists_new_projects_with_the_lists_filters(client, directory):
    feed = feedparser.parse(client.get(FEED, {"country": "SN"}).content)

    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "New projects: Senegal"
    assert [entry.title for entry in feed.entries] == ['=HYPERLINK("http://evil.example")']
    assert feed.entries[0].link == f"http://testserver{directory['dakar'].get_absolute_url()}"


def test_the_atom_feed_is_newest_first_and_public_only(client, directory):
    feed = feedparser.parse(client.get(FEED).content)
    assert [entry.title for entry in feed.entries][-1] == "Kalkbreite"
    assert "A draft" not in {entry.title for entry in feed.entries}
    assert feed.feed.rights == "https://creativecommons.org/licenses/by/4.0/"


def test_the_list_links_its_feed_and_exports_for_its_filters(client, directory):
    page = client.get("/en/projects/?country=SN&sort=name").text
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/en/projects/feed.atom?country=SN"' in page
    assert 'href="/projects/export.csv?country=SN"' in page


@pytest.mark.parametrize(
    "language, heading", [("en", "Open data"), ("fr", "Données ouvertes"), ("es", "Datos abiertos")]
)
def test_the_open_data_page_documents_every_field_in_each_language(client, language, heading):
    page = client.get(f"/{language}/open-data/").text
    assert f"<h1>{heading}</h1>" in page
    for column in COLUMNS:
        assert f"<code>{column.name}</code>" in page
    assert "<code>community_land_trust</code>" in page


def test_the_feed_holds_no_character_that_xml_cannot(client, directory):
    directory["geneva"].summary_en = "Bell\x07 and form\x0cfeed"
    directory["geneva"].save()
    response = client.get(FEED, {"q": "Kalk\x01breite"})
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
