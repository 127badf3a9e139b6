"""The street map that an operator may provide as a PMTiles archive (MAP_PMTILES_FILE).

A PMTiles file holds a whole tile set in one file that a browser reads piece by piece with
HTTP range requests, so the site serves its street map itself, with no tile server and no
third party: `street_tiles` answers those requests, and static/js/basemap.js draws the tiles
under the markers, vector tiles with protomaps-leaflet and raster tiles with pmtiles' own
layer. What the archive holds (its kind of tiles, zooms and bounds) is read from its header,
so that each page loads only the script that draws it.
"""

import dataclasses
import functools
import os

from django.conf import settings
from django.core import checks
from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import MagicNumberNotFound, SpecVersionUnsupported, TileType

VECTOR, RASTER = "vector", "raster"
# The styles protomaps-leaflet draws vector tiles in (MAP_PMTILES_FLAVOR).
FLAVORS = ["light", "white", "grayscale", "dark", "black"]
KINDS = {
    TileType.MVT: VECTOR,
    TileType.PNG: RASTER,
    TileType.JPEG: RASTER,
    TileType.WEBP: RASTER,
    TileType.AVIF: RASTER,
}


class UnreadableArchive(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class Archive:
    path: str
    kind: str
    min_zoom: int
    max_zoom: int
    # [[south, west], [north, east]], as Leaflet takes bounds.
    bounds: tuple

    @property
    def script(self):
        return "vendor/protomaps-leaflet.js" if self.kind == VECTOR else "vendor/pmtiles.js"


def archive():
    """The operator's archive, or None when none is configured. Raises UnreadableArchive when
    the file cannot be read as a PMTiles archive of tiles we can draw (the system check
    reports it at start-up)."""
    path = settings.MAP_PMTILES_FILE
    if not path:
        return None
    try:
        modified = os.stat(path).st_mtime_ns
    except OSError as error:
        raise UnreadableArchive(f"{path}: {error.strerror}") from error
    return _read(path, modified)


def archive_or_none():
    """The archive when it can be drawn: pages go on without streets when it cannot."""
    try:
        return archive()
    except UnreadableArchive:
        return None


@functools.lru_cache(maxsize=4)
def _read(path, modified):
    # `modified` is part of the cache's key: an archive replaced in place is read again.
    try:
        with open(path, "rb") as file:
            header = Reader(MmapSource(file)).header()
    except (OSError, ValueError, MagicNumberNotFound, SpecVersionUnsupported) as error:
        raise UnreadableArchive(f"{path} is not a PMTiles archive (version 3): {error!r}") from error
    kind = KINDS.get(header["tile_type"])
    if kind is None:
        raise UnreadableArchive(f"{path} holds tiles of type {header['tile_type'].name}, which no map layer draws")
    degrees = 1e-7
    return Archive(
        path=path,
        kind=kind,
        min_zoom=header["min_zoom"],
        max_zoom=header["max_zoom"],
        bounds=(
            (header["min_lat_e7"] * degrees, header["min_lon_e7"] * degrees),
            (header["max_lat_e7"] * degrees, header["max_lon_e7"] * degrees),
        ),
    )


@checks.register(checks.Tags.compatibility)
def check_archive(app_configs, **kwargs):
    """At start-up (and `manage.py check --deploy`): a street map that was asked for but
    cannot be drawn is an operator's mistake to tell at once, not a map without streets."""
    errors = []
    try:
        archive()
    except UnreadableArchive as error:
        errors.append(
            checks.Error(
                f"MAP_PMTILES_FILE cannot be drawn: {error}",
                hint="Give the path of a PMTiles (version 3) file of vector or raster tiles, or leave it empty.",
                id="habitat.E001",
            )
        )
    if settings.MAP_PMTILES_FILE and settings.MAP_PMTILES_FLAVOR not in FLAVORS:
        errors.append(
            checks.Error(
                f"MAP_PMTILES_FLAVOR is {settings.MAP_PMTILES_FLAVOR!r}",
                hint=f"Choose one of {', '.join(FLAVORS)}.",
                id="habitat.E002",
            )
        )
    return errors
