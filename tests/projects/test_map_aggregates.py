"""The map's counts in advance (projects/models/maps.py) stay exactly what clustering the
public projects gives, through every change a project goes through: published, moved, its
facets edited, unpublished, archived, merged, deleted. And map.json answers from them."""

import json

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from habitat import geo
from projects.filters import ProjectFilter
from projects.models import HousingModel, LocationPrecision, MapCell, Project, Stage, Status
from projects.models.maps import AGGREGATED_LEVELS, AGGREGATED_ZOOMS
from tests.factories import make_moderator, make_project

pytestmark = pytest.mark.django_db

WORLD = geo.BoundingBox.parse("-180,-90,180,90")
FACET_CHOICES = [
    {},
    {"stage": Stage.INHABITED},
    {"country": "SN"},
    {"housing_model": HousingModel.COOPERATIVE},
    {"stage": Stage.INHABITED, "housing_model": HousingModel.COOPERATIVE},
    {"stage": Stage.INHABITED, "country": "CH"},
    {"stage": Stage.INHABITED, "country": "CH", "housing_model": HousingModel.COOPERATIVE},
]


def live(zoom, **facets):
    """What clustering the public projects themselves gives."""
    projects = Project.objects.public()
    if facets.get("stage"):
        projects = projects.filter(stage=facets["stage"])
    if facets.get("country"):
        projects = projects.filter(country=facets["country"])
    if facets.get("housing_model"):
        projects = projects.with_housing_model(facets["housing_model"])
    cells = projects.clusters(zoom=zoom).cells
    return sorted((c["cell"], c["count"], round(c["x"], 9), round(c["y"], 9)) for c in cells)


def counted(zoom, **facets):
    cells = MapCell.objects.clusters(zoom=zoom, bbox=WORLD, **facets)
    return sorted((c["cell"], c["count"], round(c["x"], 9), round(c["y"], 9)) for c in cells)


def assert_exact():
    for zoom in (0, 3, 8, 12):
        for facets in FACET_CHOICES:
            assert counted(zoom, **facets) == live(zoom, **facets), (zoom, facets)
    for facets in FACET_CHOICES:
        live_total = sum(count for _cell, count, _x, _y in live(0, **facets))
        assert MapCell.objects.total(**facets) == live_total, facets
    assert MapCell.objects.figures() == Project.objects.public().figures()


@pytest.fixture
def directory():
    return [
        make_project(country="CH", housing_models=[HousingModel.COOPERATIVE], stage=Stage.INHABITED, dwellings=12),
        make_project(country="CH", housing_models=[HousingModel.COOPERATIVE, HousingModel.SELF_BUILD], lon=6.15),
        make_project(country="SN", lon=-17.4676863, lat=14.7166718, stage=Stage.INHABITED),
        make_project(country="SN", lon=-17.47, lat=14.72, location_precision=LocationPrecision.APPROXIMATE),
        make_project(country="KE", lon=36.82, lat=-1.29, status=Status.SUBMITTED),
    ]


def test_the_counts_start_exact(directory):
    assert_exact()
    assert set(MapCell.objects.values_list("level", flat=True)) == set(AGGREGATED_LEVELS)


def test_the_counts_stay_exact_through_publishing_editing_and_unpublishing(directory):
    moderator = make_moderator()
    geneva, geneva_2, dakar, hidden, nairobi = directory

    nairobi.publish(by=moderator)
    assert_exact()

    geneva.stage = Stage.IDEA
    geneva.housing_models = [HousingModel.COMMUNITY_LAND_TRUST]
    geneva.dwellings = 40
    geneva.save()
    assert_exact()

    dakar.location = Point(-16.9, 14.8, srid=4326)
    dakar.save()  # its public point and map cell move
    assert_exact()

    hidden.location_precision = LocationPrecision.EXACT
    hidden.save()
    assert_exact()

    Project.objects.filter(pk=geneva_2.pk).update(status=Status.ARCHIVED)  # a bulk change, too
    assert_exact()


def test_the_counts_stay_exact_through_a_merge_and_a_deletion(directory):
    moderator = make_moderator()
    geneva, geneva_2, dakar, _hidden, _nairobi = directory
    geneva_2.merge_into(geneva, by=moderator)
    assert_exact()
    dakar.delete()
    assert_exact()


def test_a_rebuild_gives_the_same_counts(directory):
    before = sorted(MapCell.objects.values_list("level", "cell", "stage", "country", "housing_models", "count"))
    MapCell.objects.rebuild()
    after = sorted(MapCell.objects.values_list("level", "cell", "stage", "country", "housing_models", "count"))
    assert after == before


def test_map_json_answers_wide_views_from_the_counts_and_equals_the_lists_total(client, directory):
    for zoom in (2, 6, 12):
        answer = json.loads(client.get(f"/projects/map.json?bbox=-180,-85,180,85&zoom={zoom}&country=CH").content)
        assert answer["total"] == answer["in_view"] == 2
    listed = client.get("/en/projects/?country=CH")
    assert listed.context["paginator"].total == 2


@pytest.mark.parametrize("zoom", [3, 8, 12])
@pytest.mark.parametrize("facets", ["", "&stage=inhabited", "&country=SN", "&housing_model=cooperative&country=CH"])
def test_map_json_answers_the_same_from_the_counts_as_from_the_projects(client, directory, zoom, facets):
    view = f"/projects/map.json?bbox=-30,-10,45,60&zoom={zoom}{facets}"
    counted = json.loads(client.get(view).content)
    # Any other filter, even one that keeps every project, clusters the projects themselves.
    live = json.loads(client.get(view + "&priority_neighbourhood=false").content)
    assert counted == live


def test_a_cell_is_a_range_of_keys_that_the_map_cell_index_can_read(directory):
    cell = geo.map_cell(directory[0].public_location) >> geo.cluster_shift(12)
    query = Project.objects.public().in_cells([cell], zoom=12).order_by("pk")
    assert list(query.values_list("pk", flat=True)) == [directory[0].pk, directory[1].pk]
    # A range of the stored key (the second column of project_status_cell_stage), not an expression
    # of it that no index holds.
    where = str(query.query).split("WHERE", 1)[1].split("ORDER BY")[0]
    assert '"projects_project"."map_cell" BETWEEN' in where and ">>" not in where


def test_the_levels_counted_are_those_of_the_zooms_answered_from_them():
    assert [zoom + geo.CLUSTER_LEVEL_OFFSET for zoom in AGGREGATED_ZOOMS] == AGGREGATED_LEVELS
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'projects_mapcell_apply'")
        source = cursor.fetchone()[0]
    assert f"ARRAY[{','.join(map(str, AGGREGATED_LEVELS))}]" in source
    assert f"(2 * ({geo.CELL_LEVEL} - lvl))" in source


def test_a_search_matching_more_than_the_map_clusters_shows_that_many_and_says_so(client, directory, monkeypatch):
    from projects import views

    monkeypatch.setattr(views, "MAP_CLUSTERED_AT_MOST", 2)
    answer = json.loads(client.get("/projects/map.json?bbox=-180,-85,180,85&zoom=12&q=co-operative").content)

    assert answer["shown_at_most"] == 2 and answer["total"] >= 3
    assert answer["in_view"] == 2
    # Close enough to see them one by one: two of the matches.
    answer = json.loads(client.get("/projects/map.json?bbox=-180,-85,180,85&zoom=18&q=co-operative").content)
    shown = [f["properties"]["url"] for f in answer["features"] if f["properties"]["kind"] == "project"]
    matching = Project.objects.public().search("co-operative")
    assert len(set(shown)) == len(shown) == 2
    assert set(shown) <= {project.get_absolute_url() for project in matching}
    assert (
        json.loads(client.get("/projects/map.json?bbox=-180,-85,180,85&zoom=12&country=SN").content)["shown_at_most"]
        is None
    )


@pytest.mark.parametrize("facets", FACET_CHOICES)
def test_the_projects_of_small_cells_are_those_of_the_list_s_filters(directory, facets):
    filterset = ProjectFilter({name: str(value) for name, value in facets.items()}, queryset=Project.objects.public())
    chosen = filterset.facets()
    assert {name: value for name, value in chosen.items() if value} == facets
    listed = set(filterset.qs.values_list("pk", flat=True))
    assert set(Project.objects.public().with_facets(**chosen).values_list("pk", flat=True)) == listed


def test_the_housing_model_of_small_cells_is_tested_on_the_rows_their_keys_find():
    # PostgreSQL underestimates reading a common model's GIN index (all the co-operatives of
    # the world) and, beside a view's key ranges, sometimes reads it too: = ANY() it cannot.
    query = Project.objects.public().with_facets(housing_model=HousingModel.COOPERATIVE)
    where = str(query.query).split("WHERE", 1)[1]
    assert 'cooperative = ANY("projects_project"."housing_models")' in where and "@>" not in where


def test_neighbouring_cells_are_read_as_one_range_of_keys(directory):
    # Four quadrants of one cell, in key order, and a cell apart from them.
    shift = geo.cluster_shift(12)
    first = geo.map_cell(directory[0].public_location) >> shift
    quadrants = [(first & ~3) + n for n in range(4)]
    cells = [*quadrants, quadrants[-1] + 10]
    query = Project.objects.public().in_cells(cells, zoom=12).order_by("pk")
    where = str(query.query).split("WHERE", 1)[1]
    assert where.count("BETWEEN") == 2
    one_by_one = Project.objects.none()
    for cell in cells:
        one_by_one |= Project.objects.public().in_cells([cell], zoom=12)
    assert list(query.values_list("pk", "cell")) == list(one_by_one.order_by("pk").values_list("pk", "cell"))
    assert directory[0].pk in query.values_list("pk", flat=True)


def test_a_view_of_one_stage_passes_over_the_others_in_the_map_cell_index(directory):
    cell = geo.map_cell(directory[0].public_location) >> geo.cluster_shift(12)
    query = Project.objects.public().with_facets(stage=Stage.INHABITED).in_cells([cell], zoom=12).order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = json.loads(query.explain(format="json"))
    scans = []

    def walk(node):
        scans.append(node)
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    reading = [node for node in scans if node.get("Index Name") == "project_status_cell_stage"]
    assert reading and all("stage" in node["Index Cond"] for node in reading), json.dumps(plan, indent=1)
    in_cell = [
        p.pk
        for p in Project.objects.public().filter(stage=Stage.INHABITED)
        if geo.map_cell(p.public_location) >> geo.cluster_shift(12) == cell
    ]
    assert sorted(query.values_list("pk", flat=True)) == sorted(in_cell) and directory[0].pk in in_cell


def test_a_search_of_the_whole_world_is_counted_by_its_clustering(client, directory):
    view = "/projects/map.json?bbox=-180,-90,180,90&zoom=2&q=co-operative"
    with CaptureQueriesContext(connection) as queries:
        answer = json.loads(client.get(view).content)
    matching = Project.objects.public().search("co-operative").count()
    assert answer["total"] == answer["in_view"] == matching > 0
    assert not [q for q in queries if q["sql"].startswith("SELECT count(*) FROM (")]
    # A view of part of the world counts the matches apart: the same total.
    assert json.loads(client.get(view.replace("-90,180,90", "-60,180,75")).content)["total"] == matching
