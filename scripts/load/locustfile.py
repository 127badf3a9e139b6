"""The load test's visitors and editors (run by scripts/load/run.py, `make load`).

Visitors open the home page, the list with filters and searches, project pages and the map
at world, country and city views; a few signed-in editors open a section of their draft and
save it. The URLs come from files written by run.py: LOAD_SLUGS (public projects' slugs)
and LOAD_EDITORS (address, password and draft slug of each editor account).

Each simulated person comes from an address of their own, as the production proxy tells the
site (X-Forwarded-For, one trusted hop): from 127.0.0.1 alone, every sign-in would queue on the
one address's rate-limit lock, which no two real people share.
"""

import itertools
import json
import os
import random
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, task

SLUGS = Path(os.environ["LOAD_SLUGS"]).read_text().split()
EDITORS = json.loads(Path(os.environ["LOAD_EDITORS"]).read_text())
COUNTRIES = ["CH", "FR", "BE", "NL", "DE", "ES", "IT", "UY", "BR", "KE", "ZA", "SN", "PH", "US", "CA"]
STAGES = ["idea", "group_formed", "planning", "under_construction", "inhabited"]
HOUSING_MODELS = [
    "cooperative",
    "mutual_aid_cooperative",
    "community_land_trust",
    "participatory_housing",
    "self_build",
]
WORDS = ["cooperative", "coopérative", "housing", "land trust", "mutual aid", "Zurich", "Montevideo", "vivienda"]
LANGUAGES = ["en", "fr", "es"]
# (label, bounding box, zoom): the whole world, a country, a city.
MAP_VIEWS = [
    ("map.json world z2", "-180,-85,180,85", 2),
    ("map.json country z6", "2.0,45.0,10.5,48.5", 6),
    ("map.json city z12", "8.44,47.28,8.64,47.48", 12),
]


class FormFields(HTMLParser):
    """The fields of each form with method=post, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.forms, self.fields, self.textarea, self.select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.fields = {}
            self.forms.append(self.fields)
        if self.fields is None or ("name" not in attrs and tag != "option"):
            return
        kind = attrs.get("type")
        if tag == "input" and kind not in ("submit", "button", "file", "checkbox", "radio"):
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "input" and kind in ("checkbox", "radio") and "checked" in attrs:
            self.fields[attrs["name"]] = attrs.get("value") or "on"
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and ("selected" in attrs or self.select not in self.fields):
            self.fields[self.select] = attrs.get("value", "")

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.fields = None


def form_fields(html, having):
    """The fields of the page's form that has a field named ``having``."""
    parser = FormFields()
    parser.feed(html)
    return next((form for form in parser.forms if having in form), {})


# Addresses from 198.18.0.0/15, the range set aside for benchmarks (RFC 2544).
ADDRESSES = (f"198.18.{n // 250}.{n % 250 + 1}" for n in itertools.count())


class Person(HttpUser):
    abstract = True

    def on_start(self):
        self.client.headers["X-Forwarded-For"] = next(ADDRESSES)


class Visitor(Person):
    weight = 20
    wait_time = between(1, 3)

    def language(self):
        return random.choice(LANGUAGES)

    @task(2)
    def home(self):
        self.client.get(f"/{self.language()}/", name="home")

    @task(3)
    def project_list(self):
        page = random.choice(["", "?page=2", "?page=3"])
        self.client.get(f"/{self.language()}/projects/{page}", name="list")

    @task(3)
    def filtered_list(self):
        query = random.choice(
            [
                f"country={random.choice(COUNTRIES)}",
                f"stage={random.choice(STAGES)}",
                f"housing_model={random.choice(HOUSING_MODELS)}",
                f"country={random.choice(COUNTRIES)}&stage={random.choice(STAGES)}",
            ]
        )
        self.client.get(f"/{self.language()}/projects/?{query}", name="list, filtered")

    @task(2)
    def search(self):
        self.client.get(f"/{self.language()}/projects/", params={"q": random.choice(WORDS)}, name="list, search")

    @task(5)
    def project_page(self):
        self.client.get(f"/{self.language()}/projects/{random.choice(SLUGS)}/", name="project page")

    @task(6)
    def map_view(self):
        label, bbox, zoom = random.choice(MAP_VIEWS)
        params = {"bbox": bbox, "zoom": zoom}
        if random.random() < 0.3:
            params["housing_model"] = random.choice(HOUSING_MODELS)
        self.client.get("/projects/map.json", params=params, name=label)


class Editor(Person):
    # A handful of editors whatever the number of visitors: they sign in once each.
    fixed_count = 5
    wait_time = between(3, 8)
    accounts = itertools.count()

    def on_start(self):
        super().on_start()
        # Each editor signs in to an account of their own: two on one draft would conflict.
        self.account = EDITORS[next(Editor.accounts) % len(EDITORS)]
        self.sign_in()

    def sign_in(self):
        page = self.browser_get("/en/accounts/login/", name="editor: sign-in page")
        fields = form_fields(page.text, "login")
        fields.update({"login": self.account["email"], "password": self.account["password"]})
        self.client.post("/en/accounts/login/", data=fields, name="editor: sign in", allow_redirects=False)
        self.keep_cookies_on_loopback()

    @task(1)
    def sign_out_and_in_again(self):
        # Editors come and go all through the run, not only in the first second's rush.
        page = self.browser_get("/en/my/", name="editor: my projects")
        fields = form_fields(page.text, "csrfmiddlewaretoken")
        self.client.post("/en/accounts/logout/", data=fields, name="editor: sign out", allow_redirects=False)
        self.sign_in()

    def keep_cookies_on_loopback(self):
        """Browsers send Secure cookies to http://127.0.0.1 (a secure context); requests does
        not, so the production cookies are marked for plain HTTP here, on the client alone."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def browser_get(self, url, **kwargs):
        response = self.client.get(url, **kwargs)
        self.keep_cookies_on_loopback()
        return response

    @task(2)
    def my_projects(self):
        self.client.get("/en/my/", name="editor: my projects")

    @task(3)
    def save_section(self):
        url = f"/en/projects/{self.account['slug']}/edit/texts/"
        page = self.browser_get(url, name="editor: open section")
        fields = form_fields(page.text, "summary_en")
        summary = f"Twelve households, one building (saved {random.randint(1, 10**6)})."
        fields["summary_en"] = summary
        with self.client.post(
            url, data=fields, name="editor: save section", allow_redirects=False, catch_response=True
        ) as response:
            # Saved: sent back to the project's overview. Anything else (the form again, with
            # an error or a conflict) is a failure.
            if response.status_code != 302:
                response.failure(f"not saved ({response.status_code})")
