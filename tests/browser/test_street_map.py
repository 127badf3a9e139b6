"""The street map from a PMTiles archive that the operator provides (MAP_PMTILES_FILE): the
site serves the archive itself, by byte ranges, and every map draws its tiles under the
markers, vector tiles with protomaps-leaflet, raster tiles with pmtiles' layer, with the
browser cut off from every other origin."""

import pytest
from playwright.sync_api import Page, expect
from pmtiles.tile import TileType

from tests.browser.support import wait_for_map
from tests.browser.test_base_map import requests_of
from tests.factories.street_archives import RASTER_LAND, RASTER_WATER, write_archive

pytestmark = pytest.mark.browser

# Protomaps' "light" style (@protomaps/basemaps), which draws the archive's "water" and "earth".
LIGHT_WATER = (0x80, 0xDE, 0xEA)
LIGHT_EARTH = (0xE2, 0xDF, 0xDA)

# The colours at a quarter and three quarters across the middle of each tile drawn. Every
# tile of the test archives is water on its left half and land on its right half; a vector
# map draws a tile of data over four tiles of the screen, each then all water or all land.
COLOURS_OF_TILES = """
selector => Array.from(document.querySelectorAll(selector)).flatMap(tile => {
  let canvas = tile;
  if (tile.tagName === "IMG") {
    if (!tile.complete || !tile.naturalWidth) return [];
    canvas = document.createElement("canvas");
    canvas.width = tile.naturalWidth;
    canvas.height = tile.naturalHeight;
    canvas.getContext("2d").drawImage(tile, 0, 0);
  }
  const context = canvas.getContext("2d");
  const pixel = (x, y) => Array.from(context.getImageData(Math.floor(x), Math.floor(y), 1, 1).data.slice(0, 3));
  return [pixel(canvas.width / 4, canvas.height / 2), pixel(canvas.width * 3 / 4, canvas.height / 2)];
})
"""


def served_ranges(page: Page):
    """The answers to the archive's requests: (status, Content-Range)."""
    answers = []
    page.on(
        "response",
        lambda response: (
            answers.append((response.status, response.headers.get("content-range")))
            if response.url.endswith("/map/streets.pmtiles")
            else None
        ),
    )
    return answers


def drawn_colours(page: Page, selector):
    """Wait until tiles are drawn in ``selector`` (canvases painted, images loaded) in more
    than one colour; the colours, as COLOURS_OF_TILES reads them."""
    page.wait_for_function(f"() => new Set(({COLOURS_OF_TILES})({selector!r}).map(String)).size > 1")
    return {tuple(colour) for colour in page.evaluate(COLOURS_OF_TILES, selector)}


def has(colours, expected, tolerance=8):
    return any(all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True)) for colour in colours)


def test_the_vector_street_map_is_drawn_from_the_archive_we_serve(
    page: Page, live_server, demo, page_errors, settings, tmp_path
):
    settings.MAP_PMTILES_FILE = str(write_archive(tmp_path / "streets.pmtiles"))
    settings.MAP_PMTILES_ATTRIBUTION = "Test streets"
    asked = requests_of(page, live_server)
    answers = served_ranges(page)
    page.goto("/fr/projects/")
    wait_for_map(page)

    colours = drawn_colours(page, ".project-map .leaflet-tile-pane canvas")
    assert has(colours, LIGHT_WATER) and has(colours, LIGHT_EARTH), colours
    # Under the markers, over the countries' outlines.
    assert page.locator(".project-map .leaflet-marker-icon").count() > 0
    expect(page.locator(".project-map .leaflet-control-attribution")).to_contain_text("Test streets")
    expect(page.locator(".project-map .leaflet-control-attribution")).to_contain_text("Natural Earth")
    # Read piece by piece: the header and directories first, then the tiles.
    assert answers and all(status == 206 for status, _range in answers), answers
    assert answers[0][1].startswith("bytes 0-")
    assert asked["others"] == []
    assert page_errors == []


def test_a_raster_street_map_is_drawn_too(page: Page, live_server, demo, page_errors, settings, tmp_path):
    settings.MAP_PMTILES_FILE = str(write_archive(tmp_path / "photos.pmtiles", TileType.PNG))
    # Raster tiles are shown from blob: addresses, which the policy allows when an archive is
    # configured (habitat/settings.py reads MAP_PMTILES_FILE from the environment).
    img_src = settings.SECURE_CSP["img-src"]
    settings.SECURE_CSP = {**settings.SECURE_CSP, "img-src": [*img_src, "blob:"]}
    asked = requests_of(page, live_server)
    page.goto("/es/projects/")
    wait_for_map(page)

    colours = drawn_colours(page, ".project-map .leaflet-tile-pane img.leaflet-tile")
    assert has(colours, RASTER_WATER) and has(colours, RASTER_LAND), colours
    assert asked["others"] == []
    assert page_errors == []


def test_without_an_archive_no_street_script_is_loaded(page: Page, live_server, demo, page_errors):
    asked = requests_of(page, live_server)
    page.goto("/en/projects/")
    wait_for_map(page)
    assert not any("pmtiles" in url or "protomaps" in url for url in asked["ours"])
    assert page.locator(".project-map .leaflet-tile-pane .leaflet-tile").count() == 0
    assert page_errors == []
