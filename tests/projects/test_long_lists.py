"""A list of more projects than it shows: counted exactly up to the cap, estimated past it,
and a search ranks the newest matches; the orders the list uses have their index."""

import json

import pytest
from django.db import connection

from habitat.counting import VALUE_COUNT_CAP
from projects.filters import ProjectFilter
from projects.models import Project
from tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap(monkeypatch):
    monkeypatch.setattr(ProjectFilter, "listed_at_most", 4)
    return 4


def cards(response):
    return [project.name for project in response.context["page_obj"]]


def test_up_to_the_cap_the_count_is_exact_and_every_match_is_listed(client, cap):
    for n in range(4):
        make_project(name_en=f"Co-operative {n}")
    response = client.get("/en/projects/?q=co-operative")

    assert "4 projects match" in response.text
    assert "About 4" not in response.text and "Shown:" not in response.text
    assert len(cards(response)) == 4


def test_past_the_cap_the_count_is_an_estimate_and_the_visitor_is_told_what_is_shown(client, cap):
    for n in range(7):
        make_project(name_en=f"Co-operative {n}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")
    # A filter that the map's counts do not hold: counted up to the cap, then estimated.
    response = client.get("/en/projects/?priority_neighbourhood=false")

    assert response.context["paginator"].total_is_estimate
    assert response.context["paginator"].total >= 5
    assert "About " in response.text
    assert "Shown: the first 4. Add words or filters to find the others." in response.text
    # 4 listed at most: one page of 20, and no page past the cap.
    assert response.context["paginator"].count == 4
    assert client.get("/en/projects/?priority_neighbourhood=false&page=2").status_code == 404


def test_with_the_maps_filters_alone_the_count_is_exact_at_any_size(client, cap):
    for n in range(7):
        make_project(name_en=f"Co-operative {n}", country="SN" if n < 6 else "CH")
    for path, shown in [("/en/projects/", "7 projects match"), ("/en/projects/?country=SN", "6 projects match")]:
        response = client.get(path)
        assert not response.context["paginator"].total_is_estimate
        assert shown in response.text and "Shown: the first 4." in response.text


def test_a_search_past_the_cap_ranks_the_newest_matches_best_first(client, cap):
    old_best = make_project(name_en="Co-operative of co-operatives", summary_en="co-operative housing co-operative")
    newer = [make_project(name_en=f"Street {n}", summary_en="A co-operative.") for n in range(4)]
    best_of_newest = make_project(name_en="Co-operative Kalkbreite")

    response = client.get("/en/projects/?q=co-operative")

    listed = cards(response)
    assert listed[0] == best_of_newest.name  # its name matches: best among the newest four
    assert old_best.name not in listed  # older than the four newest matches
    assert set(listed[1:]) <= {project.name for project in newer}
    assert "Shown: the best matches among the 4 newest." in response.text
    assert "5 projects match" in response.text  # counted exactly: 5 is cap + 1


def test_a_search_reads_its_matches_once_for_the_count_and_the_ranked_page(client, cap):
    """A common word matches half the directory: the newest matches are read once, and both
    the number shown and the ranked page come from them."""
    from django.test.utils import CaptureQueriesContext

    for n in range(6):
        make_project(name_en=f"Co-operative {n}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/projects/?q=co-operative")

    reading_matches = [q["sql"] for q in queries if "@@" in q["sql"] and not q["sql"].startswith("EXPLAIN")]
    # Apart from counting the projects of each value of the facets, which stops at its cap.
    value_counts = [sql for sql in reading_matches if f"LIMIT {VALUE_COUNT_CAP + 1}" in sql]
    assert len(value_counts) == 3
    assert len(reading_matches) - len(value_counts) == 1
    assert len(cards(response)) == 4
    assert response.context["paginator"].count == 4
    assert response.context["paginator"].total >= 5


@pytest.mark.parametrize(
    "queryset, index",
    [
        (lambda: Project.objects.public().newest_first()[:20], "project_status_published"),
        (lambda: Project.objects.public()[980:1000], "project_status_published"),
    ],
)
def test_the_list_s_default_order_is_read_from_its_index_without_sorting(queryset, index):
    with connection.cursor() as cursor:
        # Sorting made dear: if the index held another order, the plan would still sort.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = json.dumps(json.loads(queryset().explain(format="json")))
    assert index in plan
    assert '"Node Type": "Sort"' not in plan
