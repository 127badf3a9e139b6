"""Helpers shared by the browser tests."""

import re
from urllib.parse import parse_qs, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

# How long to wait for a page or the map's data; the live server is local and fast.
TIMEOUT_MS = 15_000

# django-leaflet announces every map it creates with a "map:init" event on window; keep
# them, so that a test can ask a map for its zoom level. Init scripts are injected by the
# browser, not by the page, so the Content-Security-Policy does not apply to them.
CAPTURE_MAPS_SCRIPT = """
window.__testMaps = {};
window.addEventListener("map:init", function (event) {
  window.__testMaps[event.detail.id] = event.detail.map;
});
"""

# Messages that the blocking of the outside world (tiles and the like) causes, not the site.
BLOCKED_REQUEST_MESSAGES = re.compile(r"net::ERR_FAILED|Failed to load resource", re.IGNORECASE)

MAP = ".project-map"
MARKER = f"{MAP} .leaflet-marker-icon"
# Clusters that zoom in when clicked; a "stack" (projects on one spot) has the same class
# but opens a list instead, and its label says "at this place".
ZOOMABLE_CLUSTER = f"{MAP} .map-cluster[title$='zoom in']"
PROJECT_MARKER = f"{MAP} .map-project"


def wait_for_map(page: Page, selector=MAP):
    """Wait until Leaflet has drawn the map and its data has arrived; return the container."""
    container = page.locator(selector)
    # The map pane has no size of its own: the zoom control is the sign that Leaflet is up.
    page.locator(f"{selector} .leaflet-control-zoom").wait_for()
    expect(container).to_have_attribute("data-state", "ready")
    return container


def is_map_data(response):
    return urlsplit(response.url).path == "/projects/map.json"


def zoom_of(response):
    """The zoom level that the map asked its data for."""
    return int(parse_qs(urlsplit(response.url).query)["zoom"][0])


def map_zoom(page: Page, map_id="projects-map"):
    return page.evaluate("id => window.__testMaps[id].getZoom()", map_id)


def marker_total(page: Page):
    """The projects the markers stand for, read from the markers' own text: a cluster or
    stack shows its count, a single project counts one."""
    # Read at once, so that a redraw cannot fall between the clusters and the single markers.
    counts, singles = page.evaluate(
        """([clusters, singles]) => [
            Array.from(document.querySelectorAll(clusters), (span) => span.textContent),
            document.querySelectorAll(singles).length,
        ]""",
        [f"{MAP} .map-cluster > span[aria-hidden='true']", PROJECT_MARKER],
    )
    return sum(int(count) for count in counts) + singles


def result_count(page: Page):
    """The number in the list's heading ("48 projects match")."""
    text = page.locator(".result-count").inner_text()
    return int(text.split()[0])


def collect_page_errors(page: Page, server_url, errors=None):
    """A list that fills with the page's console errors (Content-Security-Policy violations
    among them) and uncaught exceptions: ``errors`` if given, so that several pages can share
    one. Only the failures of the requests that the browser tests block (everything outside
    ``server_url``) are left out: a resource of the site itself that fails to load is still
    an error."""
    errors = [] if errors is None else errors

    def blocked_by_us(message):
        url = message.location.get("url", "")
        return BLOCKED_REQUEST_MESSAGES.search(message.text) and not url.startswith(server_url + "/")

    def on_console(message):
        if message.type == "error" and not blocked_by_us(message):
            errors.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    return errors


# --- Accessibility: axe-core ------------------------------------------------------------


# Rules of WCAG 2.1 and 2.2 A and AA that axe-core 4.12 leaves off by default: target-size
# (2.5.8, "often needs review", and the map's markers are exactly what it reviews) and the
# ones it still calls experimental.
AXE_RULES_TURNED_ON = [
    "target-size",
    "css-orientation-lock",
    "label-content-name-mismatch",
    "p-as-heading",
    "table-fake-caption",
    "td-has-header",
]
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {rule: {"enabled": True} for rule in AXE_RULES_TURNED_ON}}


def axe_violations(page: Page):
    """What axe-core finds wrong on the page as it now is: its default rules (WCAG 2.0, 2.1 and
    2.2 A and AA, and its best practices) and those above. The checks that it cannot decide
    alone ("incomplete") are left to people (docs/accessibility.md)."""
    return Axe().run(page, options=AXE_OPTIONS).response["violations"]


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    {node['target']}: {node['failureSummary']}".replace("\n", " / "))
    return "\n".join(lines)


def assert_no_violations(page: Page):
    """No violation at all, whatever its impact: minor ones fail too."""
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url}:\n{describe(violations)}"


def filter_value(page: Page, filter_label, value_label):
    """The box of one value of a filter of the list ("Country", "Brazil"): its name is the
    value followed by how many projects it would give."""
    fold = page.locator("details.filter-fold:not([open])").filter(has=page.locator("summary", has_text=filter_label))
    if fold.count():
        fold.locator("summary").click()
    group = page.get_by_role("group", name=filter_label, exact=True)
    return group.get_by_role("checkbox", name=re.compile(rf"^{re.escape(value_label)} \d"))
