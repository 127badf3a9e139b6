"""Small PMTiles archives, as an operator would provide for the street map (habitat.street_map):
written with the `pmtiles` package's own writer, their tiles with mapbox-vector-tile and Pillow.

Every tile of every zoom from 0 to MAX_ZOOM holds the same drawing, so that whatever a map
shows can be checked against it: its left half is water, its right half land. (The tiles of
each zoom differ by a detail: the writer reads the archive's zooms from its first and last
runs of identical tiles.)
"""

import io

import mapbox_vector_tile
from PIL import Image
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write

MAX_ZOOM = 4
EXTENT = 4096
# In the raster tiles (and Protomaps' "light" style draws the vector ones in its own colours).
RASTER_WATER = (40, 90, 200)
RASTER_LAND = (230, 200, 120)


def vector_tile(zoom):
    half = EXTENT // 2
    return mapbox_vector_tile.encode(
        [
            {
                # Protomaps' basemap layers: "earth" is land, "water" is water.
                "name": "earth",
                "features": [
                    {
                        "geometry": f"POLYGON(({half} 0, {EXTENT} 0, {EXTENT} {EXTENT}, {half} {EXTENT}, {half} 0))",
                        "properties": {"kind": "earth", "zoom": zoom},
                    }
                ],
            },
            {
                "name": "water",
                "features": [
                    {
                        "geometry": f"POLYGON((0 0, {half} 0, {half} {EXTENT}, 0 {EXTENT}, 0 0))",
                        "properties": {"kind": "water"},
                    }
                ],
            },
        ],
        default_options={"extents": EXTENT, "y_coord_down": True},
    )


def raster_tile(zoom):
    image = Image.new("RGB", (256, 256), RASTER_LAND)
    image.paste(RASTER_WATER, (0, 0, 128, 256))
    image.putpixel((255, 255), (zoom, zoom, zoom))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def write_archive(path, tile_type=TileType.MVT, max_zoom=MAX_ZOOM):
    """A PMTiles archive of the whole world at ``path``, of vector tiles (MVT) or PNG images."""
    tile = vector_tile if tile_type == TileType.MVT else raster_tile
    tiles = sorted(
        (zxy_to_tileid(z, x, y), tile(z)) for z in range(max_zoom + 1) for x in range(2**z) for y in range(2**z)
    )
    with write(path) as writer:
        for tile_id, data in tiles:
            writer.write_tile(tile_id, data)
        writer.finalize(
            {
                "tile_type": tile_type,
                "tile_compression": Compression.NONE,
                "min_lon_e7": -180 * 10**7,
                "min_lat_e7": -85 * 10**7,
                "max_lon_e7": 180 * 10**7,
                "max_lat_e7": 85 * 10**7,
                "center_zoom": 0,
                "center_lon_e7": 0,
                "center_lat_e7": 0,
            },
            {"name": "A test archive", "attribution": "Test data"},
        )
    return path
