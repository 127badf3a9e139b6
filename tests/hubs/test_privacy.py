"""A meeting that visited a project hiding its location shows its name and link, never its place."""

import datetime

import pytest

from tests.factories.hubs import make_meeting, make_session
from tests.test_privacy import hidden_project, leaks  # noqa: F401 (the fixture is used by name)

pytestmark = pytest.mark.django_db


def test_meeting_outputs_do_not_reveal_a_visited_project_location(client, hidden_project):  # noqa: F811
    meeting = make_meeting(
        start_date=datetime.date(2019, 10, 8),
        end_date=None,
        city="Nairobi",
        country="KE",
        lon=36.817,
        lat=-1.286,
        time_zone="Africa/Nairobi",
    )
    make_session(meeting, title="Visit")
    meeting.visited_projects.add(hidden_project)
    urls = [
        "/en/hubs/",
        meeting.get_absolute_url(),
        "/meetings/calendar.ics",
        f"/meetings/{meeting.slug}.ics",
        hidden_project.get_absolute_url(),
    ]
    response = client.get(meeting.get_absolute_url())
    assert hidden_project.get_absolute_url() in response.text
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert leaks(response.content) == [], url
