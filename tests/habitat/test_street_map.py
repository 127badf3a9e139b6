"""The street map from the operator's PMTiles archive (habitat.street_map): served by byte
ranges at /map/streets.pmtiles, announced to the maps' script with what it holds, checked at
start-up. (tests/browser/test_street_map.py draws it.)"""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from pmtiles.reader import MemorySource, Reader
from pmtiles.tile import TileType

from habitat import street_map
from tests.factories.street_archives import MAX_ZOOM, vector_tile, write_archive

pytestmark = pytest.mark.django_db

URL = "/map/streets.pmtiles"


@pytest.fixture
def archive(settings, tmp_path):
    path = write_archive(tmp_path / "streets.pmtiles")
    settings.MAP_PMTILES_FILE = str(path)
    return path


def body(response):
    return b"".join(response) if response.streaming else response.content


def test_without_an_archive_there_is_nothing_to_serve(client, settings):
    assert settings.MAP_PMTILES_FILE == ""
    assert client.get(URL).status_code == 404


def test_a_range_is_served_as_asked(client, archive):
    data = archive.read_bytes()
    response = client.get(URL, headers={"range": "bytes=0-126"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 0-126/{len(data)}"
    assert response.headers["Content-Length"] == "127"
    assert response.headers["Accept-Ranges"] == "bytes"
    header = body(response)
    assert header == data[:127]
    # What a reader does with it: the header says where the tiles are.
    assert Reader(MemorySource(header)).header()["tile_type"] == TileType.MVT


def test_a_reader_reading_only_through_the_view_finds_its_tiles(client, archive):
    """pmtiles' own reader, given the view's ranges as its source: what a browser does."""

    def get_bytes(offset, length):
        response = client.get(URL, headers={"range": f"bytes={offset}-{offset + length - 1}"})
        assert response.status_code == 206
        return body(response)

    reader = Reader(get_bytes)
    assert reader.get(2, 1, 1) == vector_tile(2)
    assert reader.get(MAX_ZOOM + 1, 0, 0) is None


def test_a_range_past_the_end_is_cut_and_one_beyond_it_refused(client, archive):
    size = archive.stat().st_size
    response = client.get(URL, headers={"range": f"bytes={size - 10}-{size + 5000}"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes {size - 10}-{size - 1}/{size}"
    assert len(body(response)) == 10
    response = client.get(URL, headers={"range": f"bytes={size}-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{size}"


@pytest.mark.parametrize("header", [None, "bytes=0-1,5-9", "bytes=-100", "items=0-5", "bytes=x-"])
def test_without_a_single_range_the_whole_archive_is_served(client, archive, header):
    response = client.get(URL, headers={"range": header} if header else {})
    assert response.status_code == 200
    assert body(response) == archive.read_bytes()


def test_a_browser_that_has_the_archive_asks_again_for_nothing(client, archive):
    etag = client.get(URL, headers={"range": "bytes=0-9"}).headers["ETag"]
    response = client.get(URL, headers={"range": "bytes=0-9", "if-none-match": etag})
    assert response.status_code == 304
    assert "public" in response.headers["Cache-Control"]
    # Replaced by another archive, it is read again.
    write_archive(archive, TileType.PNG)
    assert client.get(URL, headers={"range": "bytes=0-9", "if-none-match": etag}).status_code == 206


def test_only_reading_is_allowed(client, archive):
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_the_maps_are_told_what_the_archive_holds(client, archive, settings):
    settings.MAP_PMTILES_ATTRIBUTION = "© OpenStreetMap"
    page = client.get("/es/projects/").content.decode()
    start = page.index('<script id="basemap-sources" type="application/json">')
    sources = json.loads(page[page.index(">", start) + 1 : page.index("</script>", start)])
    assert sources["streets"] == {
        "url": URL,
        "kind": "vector",
        "minZoom": 0,
        "maxZoom": MAX_ZOOM,
        "bounds": [[-85.0, -180.0], [85.0, 180.0]],
        "attribution": "© OpenStreetMap",
        "flavor": "light",
        "lang": "es",
    }
    # The page loads the one script that draws such tiles, deferred.
    assert '<script src="/static/vendor/protomaps-leaflet.js" defer></script>' in page
    assert "vendor/pmtiles.js" not in page
    write_archive(archive, TileType.PNG)
    page = client.get("/es/projects/").content.decode()
    assert '<script src="/static/vendor/pmtiles.js" defer></script>' in page
    assert "protomaps-leaflet" not in page


def test_a_page_without_an_archive_loads_no_street_script(client):
    page = client.get("/en/projects/").content.decode()
    assert "pmtiles" not in page and "protomaps" not in page


@pytest.mark.parametrize("content", [b"", b"not a pmtiles archive at all, no", b"PMTiles\x02" + bytes(119)])
def test_an_archive_that_cannot_be_drawn_stops_the_start_and_leaves_the_maps_as_they_were(
    client, settings, tmp_path, content
):
    path = tmp_path / "broken.pmtiles"
    path.write_bytes(content)
    settings.MAP_PMTILES_FILE = str(path)
    with pytest.raises(SystemCheckError, match="habitat.E001"):
        call_command("check")
    # Should it be replaced while the site runs, the maps go on without streets.
    assert street_map.archive_or_none() is None
    assert client.get(URL).status_code == 404
    assert "streets" not in client.get("/en/projects/").content.decode().split('id="basemap-sources"')[1][:400]


def test_a_missing_archive_or_unknown_style_is_reported_at_the_start(settings, tmp_path, archive):
    settings.MAP_PMTILES_FLAVOR = "neon"
    with pytest.raises(SystemCheckError, match="habitat.E002"):
        call_command("check")
    settings.MAP_PMTILES_FLAVOR = "dark"
    call_command("check")
    settings.MAP_PMTILES_FILE = str(tmp_path / "gone.pmtiles")
    with pytest.raises(SystemCheckError, match="No such file"):
        call_command("check")
