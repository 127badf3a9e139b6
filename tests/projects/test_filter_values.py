"""The list's facets take several values (two countries, three housing models: a project with
any of them), and each value says how many projects it would give with the other filters as
they are, whether the map's counts in advance answer or the projects themselves do."""

import re

import pytest
from django.http import QueryDict

from habitat import counting
from projects.filters import ProjectFilter
from projects.models import HousingModel, Project, Stage
from tests.factories import make_project
from tests.projects.test_map_aggregates import FACET_CHOICES, live_value_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    return [
        make_project(name_en="Kalkbreite", country="CH", housing_models=[HousingModel.COOPERATIVE]),
        make_project(
            name_en="Mehr als Wohnen",
            country="CH",
            stage=Stage.PLANNING,
            housing_models=[HousingModel.COOPERATIVE, HousingModel.SELF_BUILD],
        ),
        make_project(
            name_en="Zona 3", country="UY", lon=-56.19, lat=-34.86, housing_models=[HousingModel.MUTUAL_AID_COOPERATIVE]
        ),
        make_project(name_en="Dakar", country="SN", lon=-17.45, lat=14.69, housing_models=[HousingModel.SELF_BUILD]),
    ]


def query(**values):
    data = QueryDict(mutable=True)
    for name, chosen in values.items():
        data.setlist(name, list(chosen) if isinstance(chosen, (list, tuple)) else [chosen])
    return data


def names(response):
    return sorted(re.findall(r'<h3><a href="[^"]+" lang="en">([^<]+)</a></h3>', response.text))


def test_several_values_of_a_facet_give_the_projects_of_any_of_them(client, directory):
    assert names(client.get("/en/projects/?country=UY&country=SN")) == ["Dakar", "Zona 3"]
    assert names(client.get("/en/projects/?housing_model=self_build&housing_model=mutual_aid_cooperative")) == [
        "Dakar",
        "Mehr als Wohnen",
        "Zona 3",
    ]
    assert names(client.get("/en/projects/?country=CH&country=SN&housing_model=self_build")) == [
        "Dakar",
        "Mehr als Wohnen",
    ]
    response = client.get("/en/projects/?country=CH&country=SN&stage=planning&stage=inhabited")
    assert "4 projects match" not in response.text and "3 projects match" in response.text


@pytest.mark.parametrize("facets", FACET_CHOICES)
def test_the_counts_of_the_values_are_those_of_the_projects(directory, facets):
    filterset = ProjectFilter(query(**facets), queryset=Project.objects.public())
    assert filterset.value_counts() == live_value_counts(**filterset.facets())


def test_with_a_search_the_values_are_counted_from_the_matching_projects(directory):
    filterset = ProjectFilter(query(q="Kalkbreite", country="CH"), queryset=Project.objects.public())
    assert filterset.facets() is None
    assert filterset.value_counts() == {
        "stage": {Stage.INHABITED: 1},
        "country": {"CH": 1},
        "housing_model": {HousingModel.COOPERATIVE: 1},
    }


def test_past_the_cap_the_values_are_not_counted(directory):
    # Counting stops reading at the cap: past it, no count rather than a wrong one.
    assert counting.value_counts(Project.objects.public(), "country", cap=3) is None
    assert counting.value_counts(Project.objects.public().filter(country="CH"), "country", cap=3) == {"CH": 2}
    assert counting.value_counts(Project.objects.none(), "country") == {}


def test_each_value_shows_its_count_beside_its_box(client, directory):
    response = client.get("/fr/projects/?country=CH&stage=planning")
    text = re.sub(r"\s+", " ", response.text)
    # With the country chosen, each stage counts the Swiss projects; each country counts its
    # projects in planning.
    assert re.search(r'value="planning" id="id_stage_\d" checked> Conception <span class="value-count">1<', text)
    assert re.search(r'value="inhabited" id="id_stage_\d"> Habité <span class="value-count">1<', text)
    assert re.search(r'value="UY" id="id_country_\d"> Uruguay <span class="value-count">0<', text)
    assert re.search(r'value="CH" id="id_country_\d" checked> Suisse <span class="value-count">1<', text)
    assert '<span class="visually-hidden"> projet</span>' in text
    assert "Filters (2)" in text or "Filtres (2)" in text


# --- The list that follows the map's view (area) ------------------------------------------


def test_the_list_shows_the_projects_of_an_area_of_the_map(client, directory):
    # Switzerland and around it: the two Swiss projects (made in Geneva by default).
    response = client.get("/en/projects/", {"area": "5.5,45.5,7.5,47.5"})
    assert names(response) == ["Kalkbreite", "Mehr als Wohnen"]
    assert "2 projects match" in response.text
    # The map shows every matching project, wherever it is: its data ignores the area.
    assert 'data-filter-query=""' in response.text
    # The exports and the feed of the list take it.
    csv = b"".join(client.get("/projects/export.csv", {"area": "5.5,45.5,7.5,47.5"}).streaming_content).decode()
    assert len(csv.strip().splitlines()) == 3


def test_an_area_that_is_not_one_is_said_so_and_nothing_else_is_lost(client, directory):
    response = client.get("/fr/projects/", {"area": "north of here", "country": "CH"})
    assert response.status_code == 200
    assert "Dans la vue de la carte" in response.text
    assert 'value="CH" id="id_country_' in response.text and "checked" in response.text
    assert "id_area_error" in response.text


def test_with_an_area_each_value_counts_the_projects_in_it(directory):
    filterset = ProjectFilter(query(area="5.5,45.5,7.5,47.5"), queryset=Project.objects.public())
    assert filterset.facets() is None
    assert filterset.value_counts()["country"] == {"CH": 2}
    assert filterset.chosen_labels() == ["in the map's view"]
