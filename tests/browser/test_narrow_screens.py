"""Every kind of page on a 360-pixel phone, in each language: nothing is wider than the
screen, so that no page scrolls sideways. The kinds of page are those that `make weight`
weighs (the sitemap's, the list with filters, the forms, open data and an error page)."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from habitat.weight import page_kinds

pytestmark = pytest.mark.browser

PHONE_WIDTH = 360


@pytest.fixture
def whole_demo(transactional_db):
    """The demo directory as `make run` loads it: projects, meetings, awards, a programme and
    the platform's pages, so that every kind of page has one to show."""
    for command in ["load_demo", "load_demo_meetings", "load_demo_awards", "load_demo_programme", "load_demo_pages"]:
        call_command(command, stdout=io.StringIO())


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
