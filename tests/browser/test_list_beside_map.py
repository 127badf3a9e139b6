"""On a wide screen the list of projects stands beside the map, and the map stays in view
while the list scrolls (the map comes first in the page: on a phone, and for the keyboard)."""

import pytest
from playwright.sync_api import Page

from tests.browser.support import wait_for_map

pytestmark = pytest.mark.browser


def box(page: Page, selector):
    return page.locator(selector).first.bounding_box()


def test_on_a_wide_screen_the_list_is_beside_the_map_which_stays_in_view(page: Page, live_server, demo, page_errors):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/en/projects/")
    wait_for_map(page)
    card, map_box = box(page, ".project-card"), box(page, ".project-map")
    # Side by side: the first card starts left of the map, at its height, and the map ends
    # inside the window.
    assert card["x"] + card["width"] <= map_box["x"]
    assert abs(card["y"] - map_box["y"]) < 100
    assert map_box["y"] + map_box["height"] <= 800

    # Far down the list, the map is still wholly in view.
    page.locator(".project-card").nth(15).scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 1500
    map_box = box(page, ".project-map")
    assert map_box["y"] >= 0 and map_box["y"] + map_box["height"] <= 800
    # And the keyboard meets the map before the list, as the page reads.
    order = page.evaluate(
        "() => [document.querySelector('.project-map'), document.querySelector('.project-card')]"
        ".map(e => Array.from(document.querySelectorAll('*')).indexOf(e))"
    )
    assert order[0] < order[1]
    assert page_errors == []


@pytest.mark.parametrize("width", [360, 1024])
def test_narrower_screens_keep_the_map_above_the_list(page: Page, live_server, demo, page_errors, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/en/projects/")
    wait_for_map(page)
    card, map_box = box(page, ".project-card"), box(page, ".project-map")
    assert card["y"] > map_box["y"] + map_box["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page_errors == []
