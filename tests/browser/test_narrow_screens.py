"""Every kind of page on a 360-pixel phone, in each language: nothing is wider than the
screen, so that no page scrolls sideways. The kinds of page are those that `make weight`
weighs (the sitemap's, the list with filters, the forms, open data and an error page)."""

import pytest
from playwright.sync_api import Page

from habitat.weight import page_kinds

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360


def wider_than_the_screen(page: Page):
    """The elements that reach past the right edge of the screen (the map's own panes apart:
    Leaflet draws past its frame, which clips them)."""
    return page.evaluate(
        """width => [...document.querySelectorAll("body *")]
            .filter(e => !e.closest(".leaflet-container") && e.getBoundingClientRect().right > width + 0.5)
            .map(e => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)})`)""",
        PHONE_WIDTH,
    )


def test_no_page_is_wider_than_a_phone_in_any_language(page: Page, whole_demo, page_errors):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    kinds = page_kinds()
    assert len(kinds) >= 20
    too_wide = {}
    for language in ["en", "fr", "es"]:
        for name, address in kinds:
            page.goto(address.replace("/en/", f"/{language}/", 1))
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE_WIDTH:
                too_wide[f"{name} ({language}): {width} px"] = wider_than_the_screen(page)[-3:]
    assert too_wide == {}
