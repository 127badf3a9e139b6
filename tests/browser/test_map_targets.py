"""The maps' markers as touch targets (WCAG 2.2, 2.5.8): on the demo directory at the first
view, on a wide screen and a phone, every marker is at least 24 by 24 CSS pixels and none
overlaps another, so that none is hidden and each can be hit with a finger."""

import pytest
from playwright.sync_api import Page

from tests.browser.support import wait_for_map

pytestmark = pytest.mark.browser

SCREENS = [{"width": 1280, "height": 800}, {"width": 360, "height": 740}]

# The markers' boxes, and the pairs of them that overlap (by how much, in pixels).
MEASURE_MARKERS = """() => {
  const boxes = [...document.querySelectorAll(".leaflet-container .leaflet-marker-icon")].map((marker) => {
    const box = marker.getBoundingClientRect();
    return { label: marker.title, x: box.x, y: box.y, width: box.width, height: box.height };
  });
  const overlapping = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
    const across = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
    const down = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
    if (across > 0 && down > 0) overlapping.push(`${a.label} / ${b.label}: ${across.toFixed(1)} x ${down.toFixed(1)}`);
  }));
  return { boxes, overlapping };
}"""


def markers_of(page: Page):
    measured = page.evaluate(MEASURE_MARKERS)
    too_small = [box["label"] for box in measured["boxes"] if min(box["width"], box["height"]) < 24]
    return measured["boxes"], too_small, measured["overlapping"]


@pytest.mark.parametrize("screen", SCREENS, ids=["wide", "phone"])
def test_project_map_markers_are_apart_and_big_enough_at_world_zoom(page: Page, demo, screen):
    page.set_viewport_size(screen)
    page.goto("/en/projects/")
    wait_for_map(page)
    boxes, too_small, overlapping = markers_of(page)
    assert len(boxes) >= 5
    assert (too_small, overlapping) == ([], [])


@pytest.mark.parametrize("screen", SCREENS, ids=["wide", "phone"])
def test_meeting_map_markers_are_apart_and_big_enough(page: Page, whole_demo, screen):
    page.set_viewport_size(screen)
    page.goto("/en/hubs/")
    wait_for_map(page, ".hubs-map")
    boxes, too_small, overlapping = markers_of(page)
    assert len(boxes) >= 3
    assert (too_small, overlapping) == ([], [])
