"""What a page weighs on the wire (habitat/weight.py, manage.py page_weight): its HTML and
the style sheets, scripts and fonts it loads, compressed as the server sends them."""

import gzip
import io

import pytest
from django.contrib.staticfiles import finders
from django.core.management import CommandError, call_command

from habitat import weight
from tests.factories import make_project

pytestmark = pytest.mark.django_db


def gzipped(static_name):
    with open(finders.find(static_name), "rb") as f:
        return len(gzip.compress(f.read(), compresslevel=9, mtime=0))


def test_a_page_weighs_its_html_and_every_style_sheet_and_script_it_loads(client):
    make_project()
    response = client.get("/en/projects/")
    page = weight.weigh(response.content)

    assert page.html == len(gzip.compress(response.content, compresslevel=9, mtime=0))
    scripts = {asset.url: asset.size for asset in page.assets if asset.kind == "js"}
    assert scripts["/static/js/map.js"] == gzipped("js/map.js")
    assert scripts["/static/js/basemap.js"] == gzipped("js/basemap.js")
    sheets = {asset.url: asset.size for asset in page.assets if asset.kind == "css"}
    assert sheets["/static/css/site.css"] == gzipped("css/site.css")
    assert page.total == page.html + page.of("css") + page.of("js") + page.of("font")
    # Leaflet and the map's scripts are deferred: nothing holds the first paint.
    assert "/static/leaflet/leaflet.js" in scripts and page.blocking_scripts == []


def test_a_deferred_script_does_not_block_and_a_font_counts_with_its_style_sheet(tmp_path, settings):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "body.woff2").write_bytes(b"\0" * 5000)
    (tmp_path / "page.css").write_text("@font-face { src: url('fonts/body.woff2') format('woff2'); }")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, ("weighed", tmp_path)]
    html = (
        b'<html><head><link rel="stylesheet" href="/static/weighed/page.css">'
        b'<script defer src="/static/js/map.js"></script><script src="/static/js/basemap.js"></script></head>'
        b'<body><script src="/static/js/markers.js"></script></body></html>'
    )
    page = weight.weigh(html)
    assert page.blocking_scripts == ["/static/js/basemap.js"]
    (font,) = [asset for asset in page.assets if asset.kind == "font"]
    assert font.url == "/static/weighed/fonts/body.woff2"
    assert font.size == len(gzip.compress(b"\0" * 5000, compresslevel=9, mtime=0))


def test_a_script_of_another_site_is_refused():
    with pytest.raises(weight.NotOurs):
        weight.weigh(b'<html><head><script src="https://cdn.example.org/leaflet.js"></script></head></html>')


def test_the_command_prints_every_kind_of_page_and_checks_the_budgets(monkeypatch):
    make_project()
    out = io.StringIO()
    call_command("page_weight", stdout=out)
    printed = out.getvalue()
    for name in ["home", "list", "project page", "list with filters", "statistics", "sign in", "not found"]:
        assert any(line.startswith(f"{name} ") for line in printed.splitlines()), (name, printed)
    call_command("page_weight", "--check", stdout=io.StringIO())  # within the budgets

    monkeypatch.setitem(weight.BUDGETS, "list", 1_000)
    with pytest.raises(CommandError, match="Over budget: list"):
        call_command("page_weight", "--check", stdout=io.StringIO())
