"""The map framed by another site (/embed/map/), and the list's "share or embed" box that gives
its code, with the 48 demo projects.

The other site is a real one: a page served by Python's http.server on 127.0.0.1, another
origin than the live server (localhost, another port), so Chromium applies the frame rules
of our headers exactly as it would on a partner's site.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Frame, Page, expect

from tests.browser.support import (
    assert_no_violations,
    collect_page_errors,
    filter_value,
    is_map_data,
    map_zoom,
    wait_for_map,
    zoom_of,
)

pytestmark = pytest.mark.browser

FRAMED_MAP = ".project-map"


class PartnerSite:
    """A site of another origin whose pages the test writes."""

    def __init__(self):
        self.pages = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages.get(self.path, "").encode()
                self.send_response(200 if self.path in pages else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def page_with(self, body, path="/partner.html"):
        self.pages[path] = (
            f'<!DOCTYPE html><html lang="en"><head><title>Partner</title></head><body>{body}</body></html>'
        )
        return self.url + path


@pytest.fixture
def partner(page: Page):
    site = PartnerSite()
    # The browser tests reach nothing but the live server (conftest.py); this site too.
    page.route(f"{site.url}/**", lambda route: route.continue_())
    yield site
    site.server.shutdown()
    site.server.server_close()


def framed(page: Page, frame_id) -> Frame:
    return page.locator(f"#{frame_id}").element_handle().content_frame()


def wait_for_framed_map(page: Page, frame_id="partner-map"):
    frame = framed(page, frame_id)
    frame.locator(f"{FRAMED_MAP} .leaflet-control-zoom").wait_for()
    container = frame.locator(FRAMED_MAP)
    expect(container).to_have_attribute("data-state", "ready")
    return frame, container


def framed_marker_total(frame):
    counts = frame.locator(f"{FRAMED_MAP} .map-cluster > span[aria-hidden='true']").all_inner_texts()
    return sum(int(count) for count in counts) + frame.locator(f"{FRAMED_MAP} .map-project").count()


def open_share_box(page: Page):
    page.get_by_text("Share or embed this map").click()
    code = page.get_by_label("Code to put this map on another website")
    expect(code).to_be_visible()
    return page.get_by_label("Link to this list and map"), code


def src_of(snippet):
    start = snippet.index('src="') + len('src="')
    return snippet[start : snippet.index('"', start)].replace("&amp;", "&")


def test_another_site_frames_the_map_with_its_filters(page: Page, demo, partner, live_server):
    kenya = demo.filter(country="KE")
    assert 1 < kenya.count() < demo.count()
    errors = collect_page_errors(page, live_server.url)

    page.goto(
        partner.page_with(
            f'<iframe id="partner-map" src="{live_server.url}/embed/map/?country=KE" title="Map"></iframe>'
        )
    )
    frame, container = wait_for_framed_map(page)

    expect(container).to_have_attribute("data-total", str(kenya.count()))
    expect(container).to_have_attribute("data-in-view", str(kenya.count()))
    assert framed_marker_total(frame) == kenya.count()
    # Every single project shown is one of Kenya's.
    names = set(frame.locator(f"{FRAMED_MAP} .map-project").evaluate_all("els => els.map(e => e.title)"))
    assert names <= {project.name for project in kenya}
    link = frame.get_by_role("link", name="Open this map on the platform")
    expect(link).to_have_attribute("href", "/en/projects/?country=KE")
    expect(link).to_have_attribute("target", "_blank")
    # No script or style of the frame was refused by the Content-Security-Policy.
    assert errors == []


def test_framed_map_opens_at_the_view_of_its_address(page: Page, demo, partner, live_server):
    kenya = demo.filter(country="KE")
    src = f"{live_server.url}/embed/map/?country=KE&amp;lat=0.5&amp;lon=37.5&amp;zoom=5"

    page.goto(partner.page_with(f'<iframe id="partner-map" src="{src}" width="600" height="450" title="M"></iframe>'))
    frame, container = wait_for_framed_map(page)

    # That view, not one fitted to the results.
    assert frame.evaluate("() => window.__testMaps['projects-map'].getZoom()") == 5
    expect(container).to_have_attribute("data-in-view", str(kenya.count()))
    link = frame.get_by_role("link", name="Open this map on the platform")
    expect(link).to_have_attribute("href", "/en/projects/?country=KE&lat=0.5&lon=37.5&zoom=5")
    # The map's own controls work in the frame (every link opens a new tab, but not these).
    with page.expect_response(is_map_data) as response:
        frame.get_by_role("button", name="Zoom in", exact=True).click()
    assert zoom_of(response.value) == 6
    expect(container).to_have_attribute("data-state", "ready")
    assert frame.evaluate("() => window.__testMaps['projects-map'].getZoom()") == 6
    assert len(page.context.pages) == 1


def test_another_site_cannot_frame_the_list_page(page: Page, demo, partner, live_server):
    refused = []
    page.on("console", lambda message: refused.append(message.text))

    page.goto(
        partner.page_with(
            f'<iframe id="list" src="{live_server.url}/en/projects/" title="List"></iframe>'
            f'<iframe id="partner-map" src="{live_server.url}/embed/map/" title="Map"></iframe>'
        )
    )
    # The embedded map next to it loads: the refusal is the list's, not the test's set-up.
    wait_for_framed_map(page)

    # Chromium shows its own error page in the frame ("localhost is blocked"), not ours.
    list_frame = page.locator("#list").element_handle().content_frame()
    assert list_frame.url == "chrome-error://chromewebdata/"
    assert list_frame.locator(".project-card, .project-map, .site-header").count() == 0
    assert [text for text in refused if "frame-ancestors 'none'" in text] != []
    assert any("frame-ancestors" in text or "X-Frame-Options" in text for text in refused), refused


def test_share_box_code_follows_the_map_and_frames_the_same_view(page: Page, demo, partner, live_server):
    page.goto("/en/projects/")
    wait_for_map(page)
    link, code = open_share_box(page)
    first = code.input_value()
    assert f"zoom={map_zoom(page)}" in first and "lang=en" in first

    # Zoom in with the map's own control: the code and the link follow the new view.
    with page.expect_response(is_map_data):
        page.get_by_role("button", name="Zoom in", exact=True).click()
    wait_for_map(page)
    expect(code).not_to_have_value(first)
    zoom = map_zoom(page)
    query = parse_qs(urlsplit(src_of(code.input_value())).query)
    assert query["zoom"] == [str(zoom)] and query["lang"] == ["en"]
    assert parse_qs(urlsplit(link.input_value()).query)["zoom"] == [str(zoom)]

    # The code pasted in another site's page opens the map at that view.
    partner_page = partner.page_with(code.input_value().replace("<iframe ", '<iframe id="partner-map" '))
    page.goto(partner_page)
    frame, _container = wait_for_framed_map(page)
    frame_zoom = frame.evaluate("() => window.__testMaps['projects-map'].getZoom()")
    assert frame_zoom == zoom


def test_share_box_code_follows_a_change_of_filter(page: Page, demo):
    page.goto("/en/projects/")
    wait_for_map(page)
    _link, code = open_share_box(page)
    before = code.input_value()
    assert "country=" not in before

    filter_value(page, "Country", "Thailand").check()
    with page.expect_response(is_map_data):
        page.get_by_role("button", name="Show projects").click()
    wait_for_map(page)
    _link, code = open_share_box(page)

    query = parse_qs(urlsplit(src_of(code.input_value())).query)
    assert query["country"] == ["TH"]
    assert {"lat", "lon", "zoom", "lang"} <= set(query)


def test_share_box_copy_button_copies_the_code(page: Page, demo, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto("/en/projects/?country=PH")
    wait_for_map(page)
    _link, code = open_share_box(page)

    page.get_by_role("button", name="Copy the code").click()

    expect(page.locator(".share-map-status")).to_have_text("Copied.")
    assert page.evaluate("() => navigator.clipboard.readText()") == code.input_value()


@pytest.mark.parametrize("path", ["/embed/map/?country=KE&lang=fr", "/embed/map/?country=XX"])
def test_framed_map_has_no_accessibility_violations(page: Page, demo, path):
    page.set_viewport_size({"width": 360, "height": 450})
    page.goto(path)
    page.locator("main").wait_for()

    assert_no_violations(page)


def test_open_share_box_has_no_accessibility_violations(page: Page, demo):
    page.goto("/en/projects/?country=KE")
    wait_for_map(page)
    open_share_box(page)

    assert_no_violations(page)
