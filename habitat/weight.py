"""What a page weighs on the wire: its HTML and the style sheets, scripts and fonts that it
loads, each compressed with gzip as the server sends them (``manage.py page_weight``).

Photos, the map's data and tiles load after the page and are left apart, as the budget of a
page on a slow connection counts them apart. A script in the head with neither ``defer`` nor
``async`` holds the first paint until it has arrived and run: it is counted as blocking.
"""

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils import translation

# Below these many bytes (compressed) a page of the kind is within its budget (issue 11).
BUDGETS = {"list": 100_000, "project page": 100_000, "home": 200_000}
FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".otf")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def compressed_size(content):
    # Level 9, as WhiteNoise compresses the static files it serves.
    return len(gzip.compress(content, compresslevel=9, mtime=0))


class Asset(NamedTuple):
    kind: str  # "css", "js" or "font"
    url: str
    size: int  # compressed bytes


class Weight(NamedTuple):
    html: int  # compressed bytes
    assets: list
    blocking_scripts: list  # their addresses

    def of(self, kind):
        return sum(asset.size for asset in self.assets if asset.kind == kind)

    @property
    def total(self):
        return self.html + sum(asset.size for asset in self.assets)


class _Links(HTMLParser):
    """The style sheets and scripts that an HTML page loads, and which scripts block it."""

    def __init__(self):
        super().__init__()
        self.css, self.js, self.blocking = [], [], []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif tag == "link" and "stylesheet" in (attributes.get("rel") or "").split() and attributes.get("href"):
            self.css.append(attributes["href"])
        elif tag == "script" and attributes.get("src"):
            self.js.append(attributes["src"])
            deferred = "defer" in attributes or "async" in attributes or attributes.get("type") == "module"
            if self.in_head and not deferred:
                self.blocking.append(attributes["src"])

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


class NotOurs(ValueError):
    """A page loads something that we do not serve: no visitor's browser should ask for it."""


def static_file(url):
    """The bytes of the static file at ``url`` (an address of ours, hashed or not)."""
    path = urlsplit(url).path
    if urlsplit(url).netloc or not path.startswith(settings.STATIC_URL):
        raise NotOurs(url)
    name = path.removeprefix(settings.STATIC_URL)
    found = finders.find(name)
    if not found and staticfiles_storage.exists(name):  # a hashed name, once collected
        found = staticfiles_storage.path(name)
    if not found:
        raise FileNotFoundError(url)
    return Path(found).read_bytes()


def weigh(html):
    """The ``Weight`` of a page whose HTML is ``html`` (bytes)."""
    links = _Links()
    links.feed(html.decode())
    assets = []
    for kind, urls in (("css", links.css), ("js", links.js)):
        for url in dict.fromkeys(urls):
            content = static_file(url)
            assets.append(Asset(kind, url, compressed_size(content)))
            if kind == "css":
                assets += _fonts(url, content)
    return Weight(compressed_size(html), assets, links.blocking)


def _fonts(css_url, css):
    fonts = []
    for reference in dict.fromkeys(CSS_URL.findall(css.decode())):
        url = urljoin(css_url, reference)
        if urlsplit(url).path.endswith(FONT_SUFFIXES):
            fonts.append(Asset("font", url, compressed_size(static_file(url))))
    return fonts


# Pages that the sitemap does not list: the list with filters, the forms and an error page.
OTHER_PAGES = [
    ("list with filters", "/en/projects/?stage=inhabited&housing_model=cooperative"),
    ("sign in", "/en/accounts/login/"),
    ("sign up", "/en/accounts/signup/"),
    ("open data", "/en/open-data/"),
    ("not found", "/en/projects/no-such-project/"),
]
# The sitemap's static pages and sections, named as the budgets name them.
NAMES = {
    "home": "home",
    "projects:list": "list",
    "organisation-list": "organisations",
    "hubs:list": "HUBs and meetings",
    "hubs:calendar": "calendar of meetings",
    "hubs:conference": "conference",
    "awards:list": "awards",
    "programmes:list": "programmes",
    "policies:list": "public policies",
    "stats": "statistics",
    "projects": "project page",
    "organisations": "organisation page",
    "hubs": "HUB page",
    "meetings": "meeting page",
    "awards": "award page",
    "award-years": "award of a year",
    "programmes": "programme page",
    "policies": "policy page",
    "about": "platform page",
}


def page_kinds():
    """``[(name, address)]``: the first public page of each kind that the sitemap lists, in
    English, then the pages it does not list."""
    from habitat.urls import sitemaps

    found = []
    with translation.override("en"):
        for section, sitemap_class in sitemaps.items():
            sitemap = sitemap_class()
            items = list(sitemap.items())
            if section == "site":
                found += [(NAMES.get(item, item), sitemap.location(item)) for item in items]
            elif items:
                found.append((NAMES.get(section, section), sitemap.location(items[0])))
    return found + OTHER_PAGES
