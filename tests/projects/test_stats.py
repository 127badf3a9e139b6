"""The statistics page: live figures, a constant number of queries, charts with their tables."""

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import HousingModel, Programme, Stage, Status, SupportAction
from tests.factories import make_project

pytestmark = pytest.mark.django_db


class ChartsAndTables(HTMLParser):
    """The page's SVG charts (with their accessible names) and its tables, cell by cell."""

    def __init__(self):
        super().__init__()
        self.svgs, self.titles, self.tables = [], {}, []
        self._title_id = None
        self._cell = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self.svgs.append(attrs)
        elif tag == "title" and "id" in attrs:
            self._title_id = attrs["id"]
            self.titles[self._title_id] = ""
        elif tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td") and self.tables:
            self._cell = {"tag": tag, "scope": attrs.get("scope"), "text": ""}

    def handle_endtag(self, tag):
        if tag == "title":
            self._title_id = None
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("th", "td") and self._cell is not None:
            self._cell["text"] = self._cell["text"].strip()
            self.tables[-1]["rows"][-1].append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._title_id:
            self.titles[self._title_id] += data
        if self._in_caption:
            self.tables[-1]["caption"] += data
        if self._cell is not None:
            self._cell["text"] += data


def parse(response):
    parser = ChartsAndTables()
    parser.feed(response.content.decode())
    return parser


def table_rows(parser, caption_start):
    table = next(t for t in parser.tables if t["caption"].strip().startswith(caption_start))
    return {row[0]["text"]: [cell["text"] for cell in row[1:]] for row in table["rows"][1:]}


@pytest.fixture
def small_directory():
    programme = Programme.objects.create(slug="qpv", name_en="QPV programme")
    rouen = make_project(
        country="FR",
        city="Rouen",
        stage=Stage.INHABITED,
        dwellings=35,
        start_year=2015,
        housing_models=[HousingModel.PARTICIPATORY_HOUSING, HousingModel.COOPERATIVE],
    )
    SupportAction.objects.create(programme=programme, project=rouen, title_en="Seminar")
    SupportAction.objects.create(programme=programme, project=rouen, title_en="Visit")
    make_project(
        country="FR",
        stage=Stage.PLANNING,
        dwellings=10,
        start_year=2015,
        housing_models=[HousingModel.PARTICIPATORY_HOUSING],
    )
    make_project(
        country="UY",
        stage=Stage.INHABITED,
        dwellings=None,
        start_year=None,
        housing_models=[HousingModel.MUTUAL_AID_COOPERATIVE],
    )
    # Never counted: not public.
    make_project(country="FR", stage=Stage.INHABITED, dwellings=1000, status=Status.DRAFT)
    return programme


def test_totals_count_public_projects_only(client, small_directory):
    totals = client.get("/en/stats/").context["totals"]
    assert (totals["projects"], totals["inhabited"], totals["dwelling_total"]) == (3, 2, 45)
    assert totals["without_dwellings"] == 1
    assert totals["without_start_year"] == 1


def test_totals_are_the_home_pages_figures(client, small_directory):
    totals = client.get("/en/stats/").context["totals"]
    figures = client.get("/en/").context["figures"]
    assert figures == {name: totals[name] for name in figures}


def test_tables_give_the_figures_by_country_stage_model_programme_and_year(client, small_directory):
    parser = parse(client.get("/en/stats/"))

    assert table_rows(parser, "Projects by country") == {"France": ["2", "1", "45"], "Uruguay": ["1", "1", "0"]}
    stages = table_rows(parser, "Projects by stage")
    assert stages == {"planning": ["1", "0", "10"], "inhabited": ["2", "2", "35"]}
    models = table_rows(parser, "Projects by housing model")
    assert models["participatory housing"] == ["2", "1", "45"]
    assert models["housing co-operative"] == ["1", "1", "35"]
    assert models["mutual-aid co-operative"] == ["1", "1", "0"]
    # Two actions name the Rouen project: it counts once.
    assert table_rows(parser, "Projects by programme") == {"QPV programme": ["1", "1", "35"]}
    assert table_rows(parser, "Projects by start year") == {"2015": ["2", "1", "45"]}


def test_every_chart_has_an_accessible_name_and_a_table(client, small_directory):
    parser = parse(client.get("/en/stats/"))

    charts = [svg for svg in parser.svgs if svg.get("role") == "img"]
    assert len(charts) == 5
    for svg in charts:
        assert parser.titles[svg["aria-labelledby"]].strip()
    assert len(parser.tables) == 5
    for table in parser.tables:
        header, *rows = table["rows"]
        assert all(cell["scope"] == "col" for cell in header)
        assert all(row[0]["tag"] == "th" and row[0]["scope"] == "row" for row in rows)


def test_stats_page_needs_no_external_service(client, small_directory):
    content = client.get("/en/stats/").content.decode()
    assert "<script" not in content.split("</main>")[0].split('<main id="main"')[1]
    assert "https://" not in content.split("</main>")[0].split('<main id="main"')[1]


def test_number_of_queries_does_not_grow_with_the_projects(client):
    programme = Programme.objects.create(slug="p", name_en="P")

    def add(n, start):
        for i in range(n):
            project = make_project(
                country=["FR", "CH", "UY"][i % 3],
                start_year=start + i,
                housing_models=[HousingModel.SELF_BUILD],
                dwellings=i,
            )
            SupportAction.objects.create(programme=programme, project=project)

    add(3, 1990)
    with CaptureQueriesContext(connection) as small:
        client.get("/en/stats/")
    add(27, 2000)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/en/stats/")
    assert response.context["totals"]["projects"] == 30
    assert len(large.captured_queries) == len(small.captured_queries)


def test_stats_page_in_each_language(client, small_directory):
    for code, heading in [("en", "Statistics"), ("fr", "<h1>"), ("es", "<h1>")]:
        response = client.get(f"/{code}/stats/")
        assert response.status_code == 200
        assert heading in response.content.decode()
