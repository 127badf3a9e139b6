"""A list of more projects than it shows: counted exactly up to the cap, estimated past it,
and a search ranks the newest matches; the orders the list uses have their index."""

import json

import pytest
from django.db import connection

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
    assert "About" not in response.text and "Shown:" not in response.text
    assert len(cards(response)) == 4


def test_past_the_cap_the_count_is_an_estimate_and_the_visitor_is_told_what_is_shown(client, cap, settings):
    settings.LANGUAGE_CODE = "en"
    for n in range(7):
        make_project(name_en=f"Co-operative {n}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_project")
    response = client.get("/en/projects/")

    assert response.context["paginator"].total_is_estimate
    assert response.context["paginator"].total >= 5
    assert "About " in response.text
    assert "Shown: the first 4. Add words or filters to find the others." in response.text
    # 4 listed at most, 2 pages of... 20: one page, and no page past the cap.
    assert response.context["paginator"].count == 4
    assert client.get("/en/projects/?page=2").status_code == 404


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


@pytest.mark.parametrize(
    "queryset, index",
    [
        (lambda: Project.objects.public().newest_first()[:20], "project_status_published"),
        (lambda: Project.objects.public()[980:1000], "project_status_published"),
    ],
)
def test_the_list_s_default_order_is_read_from_its_index_without_sorting(queryset, index):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = json.dumps(json.loads(queryset().explain(format="json")))
    assert index in plan
    assert '"Node Type": "Sort"' not in plan
