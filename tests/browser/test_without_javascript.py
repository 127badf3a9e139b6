"""Without JavaScript the map stays empty, and the list, its filters, its pages and the
project pages carry everything."""

import re

import pytest
from playwright.sync_api import Page, expect

from projects.models import Project, Stage
from tests.browser.support import filter_value, result_count

pytestmark = pytest.mark.browser

PER_PAGE = 20


@pytest.fixture
def page(new_context) -> Page:
    context = new_context(java_script_enabled=False)
    return context.new_page()


def card_names(page: Page):
    return page.locator(".project-card h3").all_inner_texts()


def test_project_list_without_javascript_lists_the_projects(page: Page, demo):
    total = demo.count()

    page.goto("/en/projects/")

    assert page.evaluate("1 + 1") == 2  # Playwright's own scripts still run,
    assert page.locator(".leaflet-control-zoom").count() == 0  # the page's do not.
    assert result_count(page) == total
    expect(page.locator(".project-card")).to_have_count(PER_PAGE)
    newest = demo.order_by("-published_at", "-pk").first()
    expect(page.locator(".project-card h3").first).to_have_text(newest.name)


def test_stage_filter_without_javascript_narrows_the_list(page: Page, demo):
    planning = demo.filter(stage=Stage.PLANNING)
    assert 0 < planning.count() < demo.count()

    page.goto("/en/projects/")
    filter_value(page, "Stage", "Planning").check()
    page.get_by_role("button", name="Show projects").click()

    expect(page).to_have_url(re.compile(r"[?&]stage=planning(&|$)"))
    assert result_count(page) == planning.count()
    assert sorted(card_names(page)) == sorted(project.name for project in planning)
    expect(page.get_by_role("link", name="Clear all filters")).to_be_visible()


def test_search_without_javascript_finds_the_matching_projects(page: Page, demo):
    expected = {project.name for project in demo.search("Zurich")}
    assert 0 < len(expected) < demo.count()

    page.goto("/en/projects/")
    page.get_by_label("Search").fill("Zurich")
    page.get_by_role("button", name="Show projects").click()

    expect(page).to_have_url(re.compile(r"[?&]q=Zurich(&|$)"))
    assert result_count(page) == len(expected)
    assert set(card_names(page)) == expected
    expect(page.get_by_label("Search")).to_have_value("Zurich")


def test_pagination_without_javascript_reaches_every_project(page: Page, demo):
    total = demo.count()
    pages = -(-total // PER_PAGE)
    assert pages > 1

    page.goto("/en/projects/")
    seen = card_names(page)
    for number in range(2, pages + 1):
        page.get_by_role("link", name="Next page").click()
        expect(page).to_have_url(re.compile(rf"[?&]page={number}$"))
        expect(page.locator(".pagination")).to_contain_text(f"Page {number} of {pages}")
        seen += card_names(page)
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)

    assert len(seen) == total
    assert set(seen) == {project.name for project in demo}

    page.get_by_role("link", name="Previous page").click()
    expect(page.locator(".pagination")).to_contain_text(f"Page {pages - 1} of {pages}")


def test_pagination_without_javascript_keeps_the_filters(page: Page, demo):
    # Every demo project but one is inhabited: more than one page of them.
    inhabited = demo.filter(stage=Stage.INHABITED).count()
    assert inhabited > PER_PAGE

    page.goto("/en/projects/?stage=inhabited")
    page.get_by_role("link", name="Next page").click()

    expect(page).to_have_url(re.compile(r"stage=inhabited.*page=2"))
    assert result_count(page) == inhabited
    expect(filter_value(page, "Stage", "Inhabited")).to_be_checked()


def test_project_page_without_javascript_shows_its_facts(page: Page, demo):
    project = Project.objects.public().get(slug="kalkbreite")

    response = page.goto(project.get_absolute_url())

    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(project.name)
    facts = page.locator("dl.facts")
    expect(facts.locator("dt", has_text="Stage")).to_be_visible()
    expect(facts).to_contain_text(project.get_stage_display().capitalize())
    expect(facts).to_contain_text("Housing models")
    expect(facts.locator("dt:text-is('Dwellings') + dd")).to_have_text(str(project.dwellings))
    expect(facts.locator("dt:text-is('Completed') + dd")).to_have_text(str(project.completion_year))
    expect(page.locator(".project-header .meta")).to_contain_text(f"{project.city}, {project.country.name}")
    expect(page.get_by_text("Approximate location")).to_be_visible()
    expect(page.get_by_role("heading", name="Source")).to_be_visible()
