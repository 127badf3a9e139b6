"""The people of the projects tests, and a draft and a published project of the editor's."""

import pytest
from django.contrib.auth.models import Permission

from projects.models import Status
from tests.factories import make_project, make_user


@pytest.fixture
def editor():
    return make_user(email="editor@example.org")


@pytest.fixture
def moderator():
    user = make_user(email="moderator@example.org", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="moderate_project"))
    return user


@pytest.fixture
def draft(editor):
    project = make_project(name_en="Our co-operative", status=Status.DRAFT, country="UY", city="Montevideo")
    project.editors.add(editor)
    return project


@pytest.fixture
def published(editor):
    project = make_project(name_en="Published co-operative", summary_en="The published summary.")
    project.editors.add(editor)
    return project
