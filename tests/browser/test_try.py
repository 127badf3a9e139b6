import pytest
from playwright.sync_api import expect
from tests.browser.support import wait_for_map, marker_total

pytestmark = pytest.mark.browser
INIT="window.__maps={};window.addEventListener('map:init',function(e){window.__maps[e.detail.id]=e.detail.map;});"

def test_try(page, demo, page_errors):
    page.add_init_script(INIT)
    page.on("request", lambda r: "map.json" in r.url and print("REQ", r.url))
    page.goto("/en/projects/")
    c = wait_for_map(page)
    m = page.locator(".map-project[title='Mutual Housing at Spring Lake']")
    m.click()
    page.wait_for_timeout(1500)
    print(page.locator(".leaflet-popup").count(), c.get_attribute("data-state"))
    page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    page.locator("body").focus()
    for i in range(40):
        page.keyboard.press("Tab")
        d = page.evaluate("document.activeElement.className + ' | ' + (document.activeElement.getAttribute('title')||document.activeElement.textContent)")
        print(i, d)
        if "map-project" in d: break
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    print(page.locator(".leaflet-popup").count(), c.get_attribute("data-state"))
    print(page.evaluate("document.activeElement.outerHTML"))
    print(page_errors)
