"""The map's counts in advance (projects/models/maps.py) stay exactly what clustering the
public projects gives, through every change a project goes through: published, moved, its
facets edited, unpublished, archived, merged, deleted. And map.json answers from them."""

import json
from collections import Counter

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.http import QueryDict
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
    {"stage": (Stage.INHABITED,)},
    {"country": ("SN",)},
    {"housing_model": (HousingModel.COOPERATIVE,)},
    {"stage": (Stage.INHABITED,), "housing_model": (HousingModel.COOPERATIVE,)},
    {"stage": (Stage.INHABITED,), "country": ("CH",)},
    {"stage": (Stage.INHABITED,), "country": ("CH",), "housing_model": (HousingModel.COOPERATIVE,)},
    # Several values of a facet: a project with any of them, counted once.
    {"country": ("CH", "SN")},
    {"housing_model": (HousingModel.COOPERATIVE, HousingModel.SELF_BUILD)},
    {"stage": (Stage.INHABITED, Stage.PLANNING), "housing_model": (HousingModel.COOPERATIVE,)},
    {
        "stage": (Stage.INHABITED, Stage.PLANNING),
        "country": ("CH", "SN"),
        "housing_model": (HousingModel.COOPERATIVE, HousingModel.SELF_BUILD),
    },
]


def live_projects(stage=(), country=(), housing_model=()):
    """The public projects with these facets, read from the projects themselves."""
    projects = Project.objects.public()
    if stage:
        projects = projects.filter(stage__in=stage)
    if country:
        projects = projects.filter(country__in=country)
    if housing_model:
        projects = projects.filter(housing_models__overlap=list(housing_model))
    return projects


def live(zoom, **facets):
    """What clustering the public projects themselves gives."""
    cells = live_projects(**facets).clusters(zoom=zoom).cells
    return sorted((c["cell"], c["count"], round(c["x"], 9), round(c["y"], 9), c["markers"]) for c in cells)


def live_value_counts(**facets):
    """How many projects each value of each facet gives with the other facets as asked."""
    counts = {}
    for name in ("stage", "country", "housing_model"):
        projects = live_projects(**{**facets, name: ()})
        if name == "housing_model":
            values = [model for models in projects.values_list("housing_models", flat=True) for model in models]
        else:
            values = list(projects.values_list(name, flat=True))
        counts[name] = dict(Counter(values))
    return counts


def counted(zoom, **facets):
    # A cell of one project is joined to it by the sum of ids its rows keep: the same marker.
    cells = MapCell.objects.clusters(zoom=zoom, bbox=WORLD, **facets)
    return sorted((c["cell"], c["count"], round(c["x"], 9), round(c["y"], 9), c["markers"]) for c in cells)


def assert_exact():
    for zoom in (0, 3, 8, 12):
        for facets in FACET_CHOICES:
            assert counted(zoom, **facets) == live(zoom, **facets), (zoom, facets)
    for facets in FACET_CHOICES:
        assert MapCell.objects.total(**facets) == live_projects(**facets).count(), facets
        assert MapCell.objects.value_counts(**facets) == live_value_counts(**facets), facets
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


def stack_on_one_spot():
    """Three co-operatives of Ziguinchor that gave one address, the third one being built."""
    return [
        make_project(country="SN", lon=-16.27, lat=12.58, housing_models=[HousingModel.COOPERATIVE], stage=stage)
        for stage in [Stage.INHABITED, Stage.INHABITED, Stage.CONSTRUCTION]
    ]


@pytest.mark.parametrize("facets", ["", "&stage=inhabited", "&country=SN&housing_model=cooperative"])
def test_a_stack_seen_from_afar_lists_the_projects_of_its_facets_from_the_counts(client, directory, facets):
    stack = stack_on_one_spot()
    view = f"/projects/map.json?bbox=-17,12,-16,13&zoom=6{facets}"
    counted = json.loads(client.get(view).content)
    assert counted == json.loads(client.get(view + "&priority_neighbourhood=false").content)
    listed = [f for f in counted["features"] if f["properties"]["kind"] == "stack"]
    expected = [p for p in stack if "stage=inhabited" not in facets or p.stage == Stage.INHABITED]
    assert [[p["url"] for p in f["properties"]["projects"]] for f in listed] == [
        [p.get_absolute_url() for p in expected]
    ]


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
    data = QueryDict(mutable=True)
    for name, values in facets.items():
        data.setlist(name, [str(value) for value in values])
    filterset = ProjectFilter(data, queryset=Project.objects.public())
    chosen = filterset.facets()
    assert {name: values for name, values in chosen.items() if values} == {
        name: tuple(sorted(values)) for name, values in facets.items()
    }
    listed = set(filterset.qs.values_list("pk", flat=True))
    assert set(Project.objects.public().with_facets(**chosen).values_list("pk", flat=True)) == listed


def test_the_housing_model_of_small_cells_is_tested_on_the_rows_their_keys_find():
    # PostgreSQL underestimates reading a common model's GIN index (all the co-operatives of
    # the world) and, beside a view's key ranges, sometimes reads it too: = ANY() it cannot.
    query = Project.objects.public().with_facets(housing_model=(HousingModel.COOPERATIVE,))
    where = str(query.query).split("WHERE", 1)[1]
    assert 'cooperative = ANY("projects_project"."housing_models")' in where and "@>" not in where


def test_the_projects_of_listed_cells_are_found_by_id_or_by_the_stored_key(directory):
    stack_on_one_spot()
    with CaptureQueriesContext(connection) as queries:
        cells = MapCell.objects.clusters(zoom=6, bbox=WORLD, stage=(Stage.INHABITED,), country=("SN",))
    stacks = [cell for cell in cells if cell["count"] > 1 and cell["extent"][:2] == cell["extent"][2:]]
    assert [len(cell["markers"]) for cell in stacks] == [2]
    (statement,) = [query["sql"] for query in queries.captured_queries]
    # A cell of one project by the primary key; a stack by a range of the stored key, the
    # second column of the (status, map_cell, stage) index, not by an expression of it.
    # (A million projects read them so, docs/benchmarks.md; a test database is too small for
    # PostgreSQL to choose an index.)
    assert "m.pk = cells.sum_id" in statement
    assert "m.map_cell BETWEEN cells.cell << " in statement and 'map_cell" >>' not in statement


def test_a_search_of_the_whole_world_is_counted_by_its_clustering(client, directory):
    view = "/projects/map.json?bbox=-180,-90,180,90&zoom=2&q=co-operative"
    with CaptureQueriesContext(connection) as queries:
        answer = json.loads(client.get(view).content)
    matching = Project.objects.public().search("co-operative").count()
    assert answer["total"] == answer["in_view"] == matching > 0
    assert not [q for q in queries if q["sql"].startswith("SELECT count(*) FROM (")]
    # A view of part of the world counts the matches apart: the same total.
    assert json.loads(client.get(view.replace("-90,180,90", "-60,180,75")).content)["total"] == matching


def test_a_view_of_single_projects_asks_as_many_queries_as_a_view_of_clusters(client, directory):
    # Two co-operatives of Montevideo, a cluster seen from afar and two projects close up:
    # each comes with its marker, joined to the counts (or to the clustering of a search)
    # rather than read in a query of its own.
    montevideo = [
        make_project(name_en=f"Mutual-aid co-operative {n}", country="UY", city="Montevideo", lon=lon, lat=-34.9)
        for n, lon in enumerate([-56.16, -56.21])
    ]
    around = "/projects/map.json?bbox=-57,-35.5,-55.5,-34.5"
    for view in ["&country=UY", "&stage=inhabited&country=UY", "&q=mutual-aid"]:
        queries_of = {}
        for zoom, kinds in [(2, ["cluster"]), (12, ["project", "project"])]:
            with CaptureQueriesContext(connection) as queries:
                answer = json.loads(client.get(f"{around}&zoom={zoom}{view}").content)
            queries_of[zoom] = len(queries)
            assert [feature["properties"]["kind"] for feature in answer["features"]] == kinds, (view, zoom, answer)
        assert queries_of[2] == queries_of[12], view
    shown = json.loads(client.get(f"{around}&zoom=12&country=UY").content)
    by_url = {feature["properties"]["url"]: feature for feature in shown["features"]}
    assert set(by_url) == {project.get_absolute_url() for project in montevideo}
    for project in montevideo:
        feature = by_url[project.get_absolute_url()]
        assert feature["properties"]["name"] == project.name and feature["properties"]["city"] == "Montevideo"
        assert feature["geometry"]["coordinates"] == [round(project.public_location.x, 6), project.public_location.y]
