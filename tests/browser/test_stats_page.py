"""The statistics page in a real browser: charts with accessible names, no axe
violation, no console error, and it fits a phone."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.browser.support import assert_no_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_with_programme(demo):
    call_command("load_demo_programme", stdout=io.StringIO())
    return demo


def test_stats_page_charts_are_accessible(page: Page, demo_with_programme, page_errors):
    page.goto("/en/stats/")

    charts = page.get_by_role("img")
    for name in ["Projects by country", "Projects by stage", "Projects by housing model", "Projects by start year"]:
        expect(page.get_by_role("img", name=name, exact=False)).to_be_visible()
        expect(page.get_by_role("table", name=name, exact=False)).to_be_visible()
    assert charts.count() >= 5
    assert_no_violations(page)
    assert page_errors == []


def test_stats_page_fits_a_phone(page: Page, demo_with_programme, page_errors):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/fr/stats/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page_errors == []


def test_programme_page_shows_its_projects_on_the_map(page: Page, demo_with_programme, page_errors):
    page.goto("/en/programmes/habitat-participatif-quartiers-populaires/")
    page.locator(".project-map .leaflet-control-zoom").wait_for()
    expect(page.locator(".project-map")).to_have_attribute("data-state", "ready")
    assert_no_violations(page)
    assert page_errors == []
