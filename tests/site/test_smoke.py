import pytest

from tests.factories import make_project


@pytest.mark.django_db
def test_project_list_shows_a_published_project(client):
    project = make_project(name_en="Kalkbreite")
    response = client.get("/en/projects/")
    assert response.status_code == 200
    assert project.name in response.text
