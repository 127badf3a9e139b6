"""The map's projects coloured by stage or by housing model, with a legend, and their popups,
in the language of the page."""

import pytest
from playwright.sync_api import Page, expect

from projects.models import HousingModel, Stage
from tests.browser.support import PROJECT_MARKER, wait_for_map
from tests.factories import make_project

pytestmark = pytest.mark.browser


@pytest.fixture
def montevideo(transactional_db):
    return make_project(
        name_en="Zona 3",
        lon=-56.164,
        lat=-34.901,
        city="Montevideo",
        country="UY",
        stage=Stage.CONSTRUCTION,
        housing_models=[HousingModel.MUTUAL_AID_COOPERATIVE],
        summary_en="Families build their homes together through mutual aid.",
        summary_fr="Des familles construisent leurs logements ensemble, par l'aide mutuelle.",
    )


def background(locator):
    return locator.evaluate("element => getComputedStyle(element).backgroundColor")


def test_projects_take_the_colour_of_their_stage_or_housing_model_as_the_legend_says(
    page: Page, montevideo, page_errors
):
    page.goto("/en/projects/")
    wait_for_map(page)
    marker = page.locator(PROJECT_MARKER)
    expect(marker).to_have_count(1)
    legend = page.locator("#map-legend")
    expect(legend).to_be_visible()

    by_stage = legend.locator("[data-colour-by=stage]")
    expect(by_stage).to_be_visible()
    construction = by_stage.locator("li", has_text="Construction").locator(".map-swatch")
    assert background(marker) == background(construction)
    assert background(marker) != background(by_stage.locator("li", has_text="Inhabited").locator(".map-swatch"))
    expect(marker).to_have_accessible_name("Project: Zona 3 (construction)")

    page.get_by_label("Colour the projects by").select_option(label="housing model")
    by_model = legend.locator("[data-colour-by=housing-model]")
    expect(by_stage).to_be_hidden()
    expect(by_model).to_be_visible()
    mutual_aid = by_model.locator("li", has_text="Mutual-aid co-operative").locator(".map-swatch")
    assert background(marker) == background(mutual_aid)
    assert background(marker) != background(construction)
    assert page_errors == []


def test_a_project_s_popup_says_its_stage_and_summary_in_the_page_s_language(page: Page, montevideo, page_errors):
    page.goto("/fr/projects/")
    wait_for_map(page)
    page.locator(PROJECT_MARKER).click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.get_by_role("link", name="Zona 3")).to_have_attribute("href", f"/fr/projects/{montevideo.slug}/")
    expect(popup).to_contain_text("Uruguay")
    expect(popup).to_contain_text("Construction · coopérative d'entraide mutuelle")
    expect(popup).to_contain_text("Des familles construisent leurs logements ensemble")
    assert page_errors == []
