"""Dates in one style per language: a day as DATE_FORMAT, a moment as DATETIME_FORMAT,
never a short numeric form beside a long one."""

from pathlib import Path

import pytest
from django.conf import settings

from projects.models import ModerationEvent
from tests.factories import make_moderator, make_project, make_user

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_templates_use_no_short_date_formats():
    short = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.*")
        if "SHORT_DATE" in path.read_text(encoding="utf-8")
    ]
    assert short == []


@pytest.mark.parametrize(
    ("language", "moment", "day"),
    [
        ("en", "Dec. 2, 2026, 2:23 p.m.", "Dec. 2, 2026"),
        ("fr", "2 décembre 2026 14:23", "2 décembre 2026"),
        ("es", "2 de diciembre de 2026 a las 14:23", "2 de diciembre de 2026"),
    ],
)
def test_group_history_and_list_show_dates_in_the_languages_long_style(client, language, moment, day):
    editor = make_user()
    project = make_project(status="submitted")
    project.editors.add(editor)
    project.request_changes(by=make_moderator(), message="Add the year.")
    ModerationEvent.objects.filter(project=project).update(created_at="2026-12-02T14:23:00Z")
    client.force_login(editor)
    assert moment in client.get(f"/{language}/projects/{project.slug}/edit/").text
    assert day in client.get(f"/{language}/my/").text
