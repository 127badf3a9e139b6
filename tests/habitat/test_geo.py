import math

import pytest
from django.contrib.gis.geos import Point

from habitat import geo


def test_public_point_of_exact_location_is_the_point():
    assert geo.public_point(Point(6.1432, 46.2044, srid=4326), True).coords == (6.1432, 46.2044)


def test_public_point_of_approximate_location_is_its_cell_centre(settings):
    settings.APPROXIMATE_LOCATION_CELL_DEGREES = 0.01
    public = geo.public_point(Point(6.14321, 46.20447, srid=4326), False)
    assert public.coords == pytest.approx((6.145, 46.205))


def test_public_point_is_the_same_for_every_point_of_a_cell(settings):
    settings.APPROXIMATE_LOCATION_CELL_DEGREES = 0.01
    corners = [(-58.3801, -34.6049), (-58.3899, -34.6001), (-58.3850, -34.6099)]
    publics = {geo.public_point(Point(x, y, srid=4326), False).coords for x, y in corners}
    assert publics == {(-58.385, -34.605)}


def test_public_point_never_lies_more_than_a_cell_away(settings):
    settings.APPROXIMATE_LOCATION_CELL_DEGREES = 0.01
    for x, y in [(0.0, 0.0), (-0.004, 0.004), (179.999, -89.999), (-179.999, 89.999)]:
        public = geo.public_point(Point(x, y, srid=4326), False)
        assert abs(public.x - x) <= 0.005 + 1e-9
        assert abs(public.y - y) <= 0.005 + 1e-9


def test_map_cell_of_nearby_points_shares_the_coarse_cells():
    a = geo.map_cell(Point(6.143, 46.204))
    b = geo.map_cell(Point(6.150, 46.210))
    far = geo.map_cell(Point(-58.38, -34.60))
    assert a >> geo.cluster_shift(5) == b >> geo.cluster_shift(5)
    assert a >> geo.cluster_shift(5) != far >> geo.cluster_shift(5)
    assert a != b


def test_map_cell_at_zoom_zero_splits_the_world_into_sixteen():
    cells = {
        geo.map_cell(Point(x, y)) >> geo.cluster_shift(0) for x in range(-179, 180, 10) for y in range(-80, 81, 10)
    }
    assert cells == set(range(16))


def test_bounding_box_plain():
    assert geo.BoundingBox.parse("-10,40,10,50").boxes == ((-10, 40, 10, 50),)


def test_bounding_box_crossing_the_antimeridian_splits_in_two():
    boxes = geo.BoundingBox.parse("170,-20,-170,0").boxes
    assert boxes == ((170, -20, 180, 0), (-180, -20, -170, 0))


def test_bounding_box_beyond_180_as_leaflet_sends_it_splits_in_two():
    boxes = geo.BoundingBox.parse("170,-20,190,0").boxes
    assert boxes == ((170, -20, 180, 0), (-180, -20, -170, 0))


def test_bounding_box_on_a_repeated_world_copy_is_moved_back():
    (box,) = geo.BoundingBox.parse("350,40,370,50").boxes
    assert box == pytest.approx((-10, 40, 10, 50))


def test_bounding_box_wider_than_the_world_is_the_world():
    assert geo.BoundingBox.parse("-540,-85,540,85").boxes == ((-180, -85, 180, 85),)


@pytest.mark.parametrize(
    "text",
    ["", "abc", "1,2,3", "1,2,3,4,5", "nan,0,1,1", "0,inf,1,1", "0,10,1,5", "0,-95,1,5", "1e9,0,2e9,1"],
)
def test_bounding_box_refuses_what_it_cannot_read(text):
    with pytest.raises(geo.BadMapRequest):
        geo.BoundingBox.parse(text)


@pytest.mark.parametrize("text", [None, "", "x", "-1", "19", "2.5"])
def test_zoom_refuses_what_it_cannot_read(text):
    with pytest.raises(geo.BadMapRequest):
        geo.parse_zoom(text)


def test_zoom_reads_whole_numbers():
    assert geo.parse_zoom("0") == 0
    assert geo.parse_zoom("18") == 18
    assert not math.isnan(geo.cluster_shift(18))


def test_a_view_s_ranges_of_keys_are_merged_where_they_touch():
    bbox = geo.BoundingBox.parse("100.37,-13.8,120.37,-1.8")
    ranges = geo.cell_key_ranges(bbox, 8)
    assert ranges == sorted(ranges)
    assert all(last + 1 < first for (_, last), (first, _) in zip(ranges, ranges[1:], strict=False))
    # Every cell of the view is in a range, and no cell away from it.
    inside = {cell for first, last in ranges for cell in range(first, last + 1)}
    x0, y0 = (value >> (geo.CELL_LEVEL - 8) for value in geo.cell_xy(100.37, -1.8))
    x1, y1 = (value >> (geo.CELL_LEVEL - 8) for value in geo.cell_xy(120.37, -13.8))
    assert {geo.interleave(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)} <= inside
    assert geo.interleave(x1 + 5, y1 + 5) not in inside
