"""A 360-pixel phone: the menu and the list's filters fold behind a button, every target a
finger must hit is big enough or far enough from the others (WCAG 2.5.8), and without
JavaScript nothing is folded away."""

import pytest
from playwright.sync_api import Page, expect

from habitat.weight import page_kinds
from tests.browser.support import filter_value

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# The targets of WCAG 2.5.8 (target size, minimum): what a pointer can activate. Links inside
# running text are exempt (the "inline" exception), as are targets hidden or off the screen
# (the skip link until it has the focus, the robots' trap field). Inside a map, Leaflet's
# attribution is running text; the markers are checked on their own (test_map_targets).
UNDERSIZED_TARGETS = """() => {
  const MIN = 24;
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]";
  function shown(e) {
    const r = e.getBoundingClientRect();
    const style = getComputedStyle(e);
    return r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > 0 && style.visibility !== "hidden"
      && !e.closest(".leaflet-control-attribution, .leaflet-marker-pane, .leaflet-popup-pane");
  }
  function inline(e) {
    const text = e.closest("p, li, dd, td, th, figcaption, blockquote, label");
    return text !== null && text.textContent.trim() !== e.textContent.trim();
  }
  const targets = [...document.querySelectorAll(selector)].filter(shown);
  const boxes = targets.map((e) => e.getBoundingClientRect());
  const found = [];
  targets.forEach((e, i) => {
    const r = boxes[i];
    if ((r.width >= MIN && r.height >= MIN) || inline(e)) return;
    // An undersized target passes if a 24-pixel circle on its centre touches no other target.
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    const near = boxes.some((other, j) => {
      if (j === i || targets[j].contains(e) || e.contains(targets[j])) return false;
      const dx = Math.max(other.left - x, 0, x - other.right);
      const dy = Math.max(other.top - y, 0, y - other.bottom);
      return Math.hypot(dx, dy) < MIN / 2;
    });
    if (near) {
      const name = (e.textContent || e.getAttribute("aria-label") || e.name || "").trim().slice(0, 30);
      found.push(`${e.tagName.toLowerCase()} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  });
  return found;
}"""


def test_every_target_on_a_phone_is_big_enough_or_apart(page: Page, whole_demo, page_errors):
    page.set_viewport_size(PHONE)
    too_small = {}
    for language in ["en", "fr", "es"]:
        for name, address in page_kinds():
            page.goto(address.replace("/en/", f"/{language}/", 1))
            # Open what folds, so that its targets are measured too.
            page.evaluate("""document.querySelectorAll("[data-fold-toggle][aria-expanded=false]")
                .forEach((button) => button.click())""")
            found = page.evaluate(UNDERSIZED_TARGETS)
            if found:
                too_small[f"{name} ({language})"] = found[:5]
    assert too_small == {}


def test_the_menu_folds_behind_a_button_on_a_phone(page: Page, whole_demo, page_errors):
    page.set_viewport_size(PHONE)
    page.goto("/fr/projects/")
    menu = page.get_by_role("button", name="Menu")
    projects_link = page.get_by_role("navigation", name="Principal").get_by_role("link", name="Projets")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(projects_link).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 120

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(projects_link).to_be_visible()
    expect(page.get_by_role("link", name="Español")).to_be_visible()
    # Escape closes it and gives the focus back to its button.
    projects_link.focus()
    page.keyboard.press("Escape")
    expect(projects_link).to_be_hidden()
    expect(menu).to_be_focused()


def test_the_filters_fold_behind_a_button_that_counts_them(page: Page, whole_demo, page_errors):
    page.set_viewport_size(PHONE)
    page.goto("/en/projects/?country=BR&stage=inhabited")
    button = page.get_by_role("button", name="Filters (2)")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("group", name="Country")).to_be_hidden()
    expect(page.locator(".chosen-filters")).to_have_text("Brazil · inhabited")
    # The map comes right after the button, not after a thousand pixels of filters.
    assert page.locator(".project-map").bounding_box()["y"] < 400

    button.click()
    expect(filter_value(page, "Country", "Brazil")).to_be_checked()
    filter_value(page, "Stage", "Inhabited").uncheck()
    page.get_by_role("button", name="Show projects").click()
    expect(page.get_by_role("button", name="Filters (1)")).to_be_visible()


def test_filters_to_correct_are_shown_unfolded(page: Page, whole_demo, page_errors):
    page.set_viewport_size(PHONE)
    page.goto("/en/projects/?stage=no-such-stage")
    expect(page.get_by_role("button", name="Filters", exact=True)).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("group", name="Stage")).to_be_visible()
    expect(page.locator(".field-error")).to_be_visible()


def test_nothing_folds_on_a_wide_screen(page: Page, whole_demo, page_errors):
    page.set_viewport_size(DESKTOP)
    page.goto("/en/projects/?country=BR")
    expect(page.locator("[data-fold-toggle]").first).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects")).to_be_visible()
    expect(page.get_by_role("group", name="Country")).to_be_visible()
    expect(page.locator(".chosen-filters")).to_be_hidden()


def test_nothing_folds_without_javascript(browser, live_server, whole_demo):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, base_url=live_server.url)
    page = context.new_page()
    page.goto("/en/projects/?country=BR")
    expect(page.locator("[data-fold-toggle]").first).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Projects")).to_be_visible()
    expect(page.get_by_role("group", name="Country")).to_be_visible()
    context.close()
