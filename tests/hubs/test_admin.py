import pytest

from tests.factories import make_organisation, make_user
from tests.factories.hubs import make_hub, make_meeting, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def test_meeting_admin_has_map_widget_and_inlines(staff_client):
    meeting = make_meeting(hub=make_hub())
    make_session(meeting, organisations=[make_organisation()])
    response = staff_client.get(f"/admin/hubs/meeting/{meeting.pk}/change/")
    assert response.status_code == 200
    assert "id_location" in response.text and "leaflet" in response.text.lower()
    for prefix in ["sessions-TOTAL_FORMS", "documents-TOTAL_FORMS", "photos-TOTAL_FORMS"]:
        assert prefix in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/admin/hubs/hub/",
        "/admin/hubs/meeting/",
        "/admin/hubs/session/",
        "/admin/hubs/meetingdocument/",
        "/admin/hubs/meetingphoto/",
        "/admin/hubs/hub/add/",
        "/admin/hubs/meeting/add/",
    ],
)
def test_admin_pages_open(staff_client, url):
    meeting = make_meeting(hub=make_hub())
    make_session(meeting)
    assert staff_client.get(url).status_code == 200
