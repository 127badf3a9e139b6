import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_organisation, make_project, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("url", ["/admin/projects/project/", "/admin/habitat/organisation/"])
def test_admin_lists_use_a_constant_number_of_queries(staff_client, url):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert staff_client.get(url).status_code == 200
        return len(context)

    make_project(organisations=[make_organisation()])
    few = queries()
    for _ in range(12):
        make_project(organisations=[make_organisation()])
    assert queries() == few


def test_admin_project_page_has_the_map_widget_and_inlines(staff_client):
    project = make_project(organisations=[make_organisation()])
    response = staff_client.get(f"/admin/projects/project/{project.pk}/change/")
    assert response.status_code == 200
    assert "id_location" in response.text and "leaflet" in response.text.lower()
    for prefix in ["actors-TOTAL_FORMS", "photos-TOTAL_FORMS", "documents-TOTAL_FORMS"]:
        assert prefix in response.text


def test_admin_search_finds_projects_by_name_and_city(staff_client):
    make_project(name_en="Kalkbreite", city="Zürich")
    make_project(name_en="Zona 3", city="Montevideo")
    response = staff_client.get("/admin/projects/project/", {"q": "montevideo"})
    assert [p.name for p in response.context["cl"].result_list] == ["Zona 3"]


def test_admin_is_closed_to_people_who_are_not_staff(client):
    client.force_login(make_user())
    response = client.get("/admin/projects/project/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("query", ["needs=&needs=", "offers=", "housing_models__exact=", "needs__contains=x"])
def test_an_address_filtering_the_admin_on_a_list_of_choices_is_refused_not_a_failure(staff_client, query):
    make_project()
    assert staff_client.get(f"/admin/projects/project/?{query}").status_code == 400
