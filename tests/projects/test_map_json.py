import json

import pytest
from django.contrib.gis.gdal import DataSource
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import HousingModel, LocationPrecision, Stage, Status
from tests.factories import make_organisation, make_project

pytestmark = pytest.mark.django_db

WORLD = "-180,-85,180,85"


def get_map(client, **params):
    params.setdefault("bbox", WORLD)
    params.setdefault("zoom", "2")
    return client.get("/projects/map.json", params)


def features_of(response):
    """The features, read back by GDAL's GeoJSON driver: the response must be real GeoJSON."""
    source = DataSource(response.content.decode())
    layer = source[0]
    return [(feature.geom.coords, {f: feature.get(f) for f in layer.fields}) for feature in layer]


def counts(payload):
    return sum(1 if f["properties"]["kind"] == "project" else f["properties"]["count"] for f in payload["features"])


def test_map_json_is_geojson_with_one_feature_per_isolated_project(client):
    make_project(name_en="Kalkbreite", lon=8.52, lat=47.37)
    make_project(name_en="Zona 3", lon=-56.164, lat=-34.901, city="Montevideo", country="UY")
    response = get_map(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    features = features_of(response)
    names = sorted(props["name"] for _coords, props in features)
    assert names == ["Kalkbreite", "Zona 3"]
    assert {coords for coords, _props in features} == {(8.52, 47.37), (-56.164, -34.901)}


def test_map_json_clusters_nearby_projects_at_low_zoom_and_splits_them_when_zoomed(client):
    for i in range(5):
        make_project(lon=6.10 + i * 0.02, lat=46.20)
    world = get_map(client, zoom="2").json()
    assert [(f["properties"]["kind"], f["properties"]["count"]) for f in world["features"]] == [("cluster", 5)]
    close = get_map(client, zoom="14", bbox="6.0,46.1,6.3,46.3").json()
    assert [f["properties"]["kind"] for f in close["features"]] == ["project"] * 5


def test_map_json_clusters_add_up_to_the_total(client):
    for i in range(30):
        make_project(lon=-170 + i * 11.3, lat=-60 + i * 4)
    payload = get_map(client, zoom="1").json()
    assert payload["total"] == 30
    assert payload["in_view"] == 30
    assert counts(payload) == 30


def test_map_json_counts_what_is_in_view_out_of_what_matches(client):
    make_project(lon=6.14, lat=46.20)
    make_project(lon=-56.16, lat=-34.90)
    payload = get_map(client, bbox="0,40,10,50", zoom="5").json()
    assert (payload["in_view"], payload["total"]) == (1, 2)


def test_map_json_applies_the_list_filters(client):
    make_project(country="FR", stage=Stage.PLANNING, lon=2.35, lat=48.85)
    make_project(country="FR", stage=Stage.INHABITED, lon=4.83, lat=45.76)
    make_project(country="UY", stage=Stage.INHABITED, lon=-56.16, lat=-34.90)
    assert get_map(client, country="FR").json()["total"] == 2
    payload = get_map(client, country="FR", stage="inhabited").json()
    assert payload["total"] == 1 and counts(payload) == 1


def test_map_json_and_list_agree_on_every_filter(client):
    network = make_organisation(name_en="FUCVAM", slug="fucvam")
    make_project(
        country="UY", lon=-56.16, lat=-34.90, organisations=[network], housing_models=["mutual_aid_cooperative"]
    )
    make_project(country="UY", lon=-56.10, lat=-34.80, housing_models=["cooperative"], priority_neighbourhood=True)
    make_project(
        country="AR", lon=-58.38, lat=-34.60, summary_en="A former textile factory rebuilt by its inhabitants."
    )
    for query in [
        {"country": "UY"},
        {"organisation": "fucvam"},
        {"housing_model": "cooperative"},
        {"priority_neighbourhood": "true"},
        {"q": "factory"},
        {"country": "UY", "housing_model": "mutual_aid_cooperative"},
    ]:
        listed = client.get("/en/projects/", query).context["paginator"].count
        payload = get_map(client, **query).json()
        assert payload["total"] == listed == counts(payload), query


def test_map_json_stacks_projects_on_the_same_spot(client):
    # Two projects at one city centre (the demo data has some): no zoom can split them,
    # so the map lists them together.
    make_project(name_en="El Molino", lon=-58.382, lat=-34.604)
    make_project(name_en="La Fábrica", lon=-58.382, lat=-34.604)
    payload = get_map(client, zoom="18", bbox="-58.39,-34.61,-58.37,-34.60").json()
    (feature,) = payload["features"]
    assert feature["properties"]["kind"] == "stack"
    assert sorted(p["name"] for p in feature["properties"]["projects"]) == ["El Molino", "La Fábrica"]


def test_map_json_finds_projects_across_the_antimeridian(client):
    make_project(name_en="Suva", lon=178.44, lat=-18.14, country="FJ")
    make_project(name_en="Apia", lon=-171.76, lat=-13.83, country="WS")
    make_project(name_en="Geneva", lon=6.14, lat=46.20)
    for bbox in ["170,-30,-165,0", "170,-30,195,0", "-190,-30,-165,0"]:
        payload = get_map(client, bbox=bbox, zoom="6").json()
        names = sorted(f["properties"]["name"] for f in payload["features"])
        assert names == ["Apia", "Suva"], bbox


def test_map_json_on_a_repeated_world_at_low_zoom_shows_everything_once(client):
    make_project(lon=178.44, lat=-18.14)
    make_project(lon=6.14, lat=46.20)
    payload = get_map(client, bbox="-400,-85,400,85", zoom="0").json()
    assert payload["in_view"] == 2 and counts(payload) == 2


def test_map_json_shows_only_published_projects(client):
    make_project(name_en="Visible")
    for status in [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED, Status.ARCHIVED]:
        make_project(name_en=f"Hidden {status}", status=status, lon=20, lat=10)
    payload = get_map(client, zoom="18").json()
    assert payload["total"] == 1
    assert [f["properties"]["name"] for f in payload["features"]] == ["Visible"]


@pytest.mark.parametrize(
    "params",
    [
        {"bbox": "nonsense"},
        {"bbox": "1,2,3"},
        {"bbox": "0,50,10,40"},
        {"zoom": "high"},
        {"zoom": "99"},
        {"country": "XX"},
        {"stage": "flying"},
        {"organisation": "no-such-organisation"},
        {"priority_neighbourhood": "perhaps"},
        {"sort": "random"},
    ],
)
def test_map_json_answers_bad_parameters_with_a_400_and_a_message(client, params):
    make_project()
    response = get_map(client, **params)
    assert response.status_code == 400
    payload = json.loads(response.content)
    assert payload["error"]


def test_map_json_error_message_is_translated(client):
    response = client.get("/projects/map.json", {"zoom": "99"}, headers={"accept-language": "fr"})
    assert response.status_code == 400
    assert response.json()["error"] == "Le zoom doit être un nombre entier compris entre 0 et 18."


def test_map_json_never_gives_the_exact_point_of_an_approximate_project(client):
    make_project(
        name_en="Hidden group", lon=36.8219417, lat=-1.2920659, location_precision=LocationPrecision.APPROXIMATE
    )
    for zoom in range(0, 19):
        response = get_map(client, zoom=str(zoom))
        assert b"36.82194" not in response.content and b"-1.29206" not in response.content
        for coords, _props in features_of(response):
            assert coords == pytest.approx((36.825, -1.295))


def test_map_json_bounding_box_cannot_home_in_on_a_hidden_point(client):
    make_project(lon=36.8219417, lat=-1.2920659, location_precision=LocationPrecision.APPROXIMATE)
    # A box around the exact point that leaves out the public cell centre finds nothing.
    tiny = "36.8215,-1.2925,36.8225,-1.2915"
    assert get_map(client, bbox=tiny, zoom="18").json()["in_view"] == 0
    around_centre = "36.824,-1.296,36.826,-1.294"
    assert get_map(client, bbox=around_centre, zoom="18").json()["in_view"] == 1


@pytest.mark.parametrize("zoom", ["2", "10", "18"])
def test_map_json_queries_do_not_grow_with_the_number_of_projects(client, zoom):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert get_map(client, zoom=zoom).status_code == 200
        return len(context)

    make_project(lon=6.14, lat=46.20)
    few = queries()
    for i in range(25):
        make_project(lon=-170 + i * 13, lat=-50 + i * 4)
        make_project(lon=-58.382, lat=-34.604)
    assert queries() == few


def test_a_search_that_fills_the_view_shows_a_stated_number_of_its_matches(client, monkeypatch):
    monkeypatch.setattr("projects.views.MAP_CLUSTERED_AT_MOST", 3)
    matches = {make_project(name_en=f"Co-operative {n}", lon=6.10 + n * 0.05, lat=46.20).name for n in range(5)}
    make_project(name_en="Kalkbreite", lon=6.12, lat=46.21)

    payload = get_map(client, q="co-operative", zoom="16", bbox="6.0,46.1,6.4,46.3").json()
    assert payload["shown_at_most"] == 3
    assert payload["in_view"] == counts(payload) == 3
    assert payload["total"] > 3  # past the cap: an estimate
    # Each project shown is one of the matches, once; the one that does not match is not there.
    shown = [f["properties"]["name"] for f in payload["features"]]
    assert len(set(shown)) == 3 and set(shown) <= matches

    # A view that holds no more than the cap shows every match in it, and says nothing more.
    payload = get_map(client, q="co-operative", zoom="16", bbox="6.0,46.1,6.16,46.3").json()
    assert payload["shown_at_most"] is None
    assert {f["properties"]["name"] for f in payload["features"]} == {"Co-operative 0", "Co-operative 1"}


def test_map_json_names_each_project_in_the_visitor_s_language_or_else_in_its_own(client):
    make_project(name_en="", name_fr="Les Choux", original_language="fr", lon=6.14, lat=46.20, country="FR")
    make_project(name_en="The Cabbages", name_es="Las Coles", original_language="es", lon=-3.70, lat=40.42)

    def markers(language):
        payload = client.get("/projects/map.json", {"bbox": WORLD, "zoom": "2"}, headers={"accept-language": language})
        return {f["properties"]["name"]: f["properties"]["country"] for f in payload.json()["features"]}

    assert markers("en") == {"Les Choux": "France", "The Cabbages": "Switzerland"}
    assert markers("es") == {"Les Choux": "Francia", "Las Coles": "Suiza"}


def test_a_project_on_its_own_says_its_stage_housing_model_and_the_beginning_of_its_summary(client):
    summary = "Families of Montevideo built their homes together through mutual aid. " * 6
    make_project(
        name_en="Zona 3",
        lon=-56.164,
        lat=-34.901,
        city="Montevideo",
        country="UY",
        stage=Stage.CONSTRUCTION,
        housing_models=[HousingModel.MUTUAL_AID_COOPERATIVE, HousingModel.SELF_BUILD],
        summary_en=summary,
        summary_es="Familias de Montevideo construyeron sus casas por ayuda mutua.",
    )
    (feature,) = get_map(client).json()["features"]
    properties = feature["properties"]
    assert properties["stage"] == "construction" and properties["stage_label"] == "construction"
    # Drawn in the colour of the first housing model it gives.
    assert properties["housing_model"] == "mutual_aid_cooperative"
    assert properties["housing_model_label"] == "mutual-aid co-operative"
    # About two lines, cut between words.
    assert len(properties["summary"]) <= 201 and properties["summary"].endswith("…")
    assert summary.startswith(properties["summary"].removesuffix("…"))
    assert summary[len(properties["summary"]) - 1] == " "


def test_the_map_answers_in_the_language_of_the_page_that_shows_it(client):
    make_project(
        name_en="Zona 3",
        lon=-56.164,
        lat=-34.901,
        country="UY",
        stage=Stage.INHABITED,
        summary_en="Families built their homes.",
        summary_es="Familias construyeron sus casas.",
    )
    spanish = get_map(client, lang="es").json()["features"][0]["properties"]
    assert spanish["stage_label"] == "habitado"
    assert spanish["country"] == "Uruguay" and spanish["summary"] == "Familias construyeron sus casas."
    assert spanish["url"].startswith("/es/")
    french = get_map(client, lang="fr").json()["features"][0]["properties"]
    assert french["stage_label"] == "habité" and french["url"].startswith("/fr/")
    # Not one of ours: the visitor's language, as for any address without a prefix.
    assert get_map(client, lang="xx").json()["features"][0]["properties"]["stage_label"] == "inhabited"


def test_map_json_merges_projects_whose_markers_would_overlap_across_a_cell_edge(client):
    # At zoom 2 the clusters are 22.5° squares and one edge runs along the meridian: these two
    # fall in different squares, about 3 pixels apart on the screen.
    make_project(name_en="West of the edge", lon=-0.5, lat=10)
    make_project(name_en="East of the edge", lon=0.5, lat=10)
    payload = get_map(client, zoom="2").json()
    assert [(f["properties"]["kind"], f["properties"]["count"]) for f in payload["features"]] == [("cluster", 2)]
    assert payload["features"][0]["properties"]["bounds"] == [-0.5, 10, 0.5, 10]
    assert payload["features"][0]["geometry"]["coordinates"] == [0, 10]
    # Zoomed in, far enough apart to be two markers again.
    close = get_map(client, zoom="8", bbox="-2,9,2,11").json()
    assert sorted(f["properties"]["name"] for f in close["features"]) == ["East of the edge", "West of the edge"]


def test_map_json_merges_markers_across_the_antimeridian(client):
    make_project(lon=179.9, lat=-17)
    make_project(lon=-179.9, lat=-17)
    payload = get_map(client, zoom="3").json()
    (feature,) = payload["features"]
    assert feature["properties"]["count"] == 2
    assert abs(abs(feature["geometry"]["coordinates"][0]) - 180) < 0.01


def test_map_json_lists_projects_too_near_to_split_at_the_deepest_zoom(client):
    # Either side of an edge of the clusters at zoom 18 (squares of 360 / 2**20 degrees).
    square = 360 / 2**20
    edge = -180 + round((6.143 + 180) / square) * square
    make_project(name_en="Left", lon=edge - square / 10, lat=46.204)
    make_project(name_en="Right", lon=edge + square / 10, lat=46.204)
    payload = get_map(client, zoom="18", bbox="6.142,46.203,6.144,46.205").json()
    (feature,) = payload["features"]
    assert feature["properties"]["kind"] == "stack"
    assert sorted(project["name"] for project in feature["properties"]["projects"]) == ["Left", "Right"]
