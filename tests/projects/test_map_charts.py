"""The charts beside the map: the projects in view that match the filters, by stage, country
and housing model (map-charts.json, asked with map.json's parameters once the map is drawn),
whether the map's counts in advance answer or the projects themselves do."""

import pytest

from habitat import geo
from projects.models import HousingModel, MapCell, Stage
from tests.factories import make_project
from tests.projects.test_map_aggregates import FACET_CHOICES, live_projects

pytestmark = pytest.mark.django_db

WORLD = "-180,-85,180,85"


@pytest.fixture
def directory():
    return [
        make_project(country="CH", housing_models=[HousingModel.COOPERATIVE]),
        make_project(
            country="CH", stage=Stage.PLANNING, housing_models=[HousingModel.COOPERATIVE, HousingModel.SELF_BUILD]
        ),
        make_project(country="SN", lon=-17.45, lat=14.69, housing_models=[HousingModel.SELF_BUILD]),
        make_project(country="UY", lon=-56.19, lat=-34.86, housing_models=[HousingModel.MUTUAL_AID_COOPERATIVE]),
        make_project(country="UY", lon=-56.2, lat=-34.9),
    ]


def live(projects):
    """The projects by stage, country and housing model, counted one by one."""
    counts = {"stage": {}, "country": {}, "housing_model": {}}
    for stage, country, models in projects.values_list("stage", "country", "housing_models"):
        counts["stage"][stage] = counts["stage"].get(stage, 0) + 1
        counts["country"][country] = counts["country"].get(country, 0) + 1
        for model in models:
            counts["housing_model"][model] = counts["housing_model"].get(model, 0) + 1
    return counts


def bars(chart):
    return {bar["value"]: bar["count"] for bar in chart["bars"]}


# A view as wide as a screen shows at each zoom: Europe and Africa at 4, Geneva at 9.
VIEWS = {0: "-180,-85,180,85", 4: "-30,0,30,60", 9: "5.5,45.5,7.5,47.5"}


@pytest.mark.parametrize("facets", FACET_CHOICES)
@pytest.mark.parametrize("zoom", sorted(VIEWS))
def test_the_counts_of_a_view_are_those_of_its_projects(directory, facets, zoom):
    whole = geo.BoundingBox.parse(WORLD)
    assert MapCell.objects.in_view(zoom=zoom, bbox=whole, **facets) == live(live_projects(**facets))
    view = geo.BoundingBox.parse(VIEWS[zoom])
    assert MapCell.objects.in_view(zoom=zoom, bbox=view, **facets) == live(live_projects(**facets).in_bbox(view))


def test_the_charts_come_in_the_page_s_language(client, directory):
    data = client.get("/projects/map-charts.json", {"bbox": WORLD, "zoom": 2, "lang": "fr"}).json()
    charts = data["charts"]
    assert bars(charts["country"]) == {"CH": 2, "UY": 2, "SN": 1}
    # Most projects first, then by value; labels in French.
    assert [bar["label"] for bar in charts["stage"]["bars"]] == ["habité", "conception"]
    assert charts["stage"]["others"] == 0
    assert bars(charts["housing_model"]) == {"cooperative": 2, "self_build": 2, "mutual_aid_cooperative": 1}


def test_with_a_search_the_charts_count_the_matching_projects_in_view(client, directory):
    data = client.get("/projects/map-charts.json", {"bbox": "-30,0,30,60", "zoom": 14, "q": "co-operative"}).json()
    assert bars(data["charts"]["country"]) == {"CH": 2, "SN": 1}
    assert bars(data["charts"]["stage"]) == {"inhabited": 2, "planning": 1}


def test_past_ten_countries_the_others_are_summed(client, directory):
    for country in ["AR", "BE", "BF", "BO", "BR", "CA", "DE", "ES", "FR", "GB"]:
        make_project(country=country)
    chart = client.get("/projects/map-charts.json", {"bbox": WORLD, "zoom": 2}).json()["charts"]["country"]
    assert len(chart["bars"]) == 10
    assert sum(bar["count"] for bar in chart["bars"]) + chart["others"] == 15


def test_the_charts_keep_the_map_s_answers_to_bad_requests(client, directory):
    assert client.get("/projects/map-charts.json", {"bbox": "north"}).status_code == 400
    assert client.get("/projects/map-charts.json", {"stage": "nonsense"}).status_code == 400
