"""Each organisation's number of public projects (Organisation.public_project_count), kept by
triggers, stays what ProjectQuerySet.public() counts through every change of a project and of
the organisations it names; the list of organisations reads it without counting."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from habitat.models import Organisation
from projects.models import Project, ProjectActor, Status
from tests.factories import make_moderator, make_organisation, make_project, make_user

pytestmark = pytest.mark.django_db


def assert_exact():
    for organisation in Organisation.objects.all():
        public = Project.objects.public().with_organisation(organisation).count()
        assert organisation.public_project_count == public, organisation.slug


def counts():
    return dict(Organisation.objects.values_list("slug", "public_project_count"))


@pytest.fixture
def network():
    return make_organisation(slug="network"), make_organisation(slug="support")


def test_counts_follow_publishing_unpublishing_and_archiving(network):
    first, second = network
    moderator = make_moderator()
    draft = make_project(organisations=[first], status=Status.SUBMITTED)
    published = make_project(organisations=[first, second])
    assert_exact()

    draft.publish(by=moderator)
    assert_exact()
    assert counts() == {"network": 2, "support": 1}
    published.archive(by=moderator)
    assert_exact()
    Project.objects.filter(pk=draft.pk).update(status=Status.ARCHIVED)  # a bulk change, too
    assert_exact()
    assert counts() == {"network": 0, "support": 0}


def test_counts_follow_the_actors_of_a_project(network):
    first, second = network
    project = make_project(organisations=[first])
    ProjectActor.objects.create(project=project, organisation=first, role=ProjectActor.Role.FUNDER, order=1)
    assert_exact()
    assert counts() == {"network": 1, "support": 0}  # two roles, one project

    actor = project.actors.first()
    actor.organisation = second
    actor.save()
    assert_exact()
    project.actors.all().delete()
    assert_exact()


def test_two_roles_added_moved_or_removed_at_once_count_once(network):
    first, second = network
    project = make_project()
    roles = [ProjectActor.Role.FUNDER, ProjectActor.Role.TECHNICAL_SUPPORT]
    ProjectActor.objects.bulk_create(
        [ProjectActor(project=project, organisation=first, role=role, order=n) for n, role in enumerate(roles)]
    )
    assert_exact()
    assert counts() == {"network": 1, "support": 0}

    project.actors.update(organisation=second)
    assert_exact()
    assert counts() == {"network": 0, "support": 1}

    ProjectActor.objects.create(project=project, organisation=first, role=ProjectActor.Role.FUNDER, order=3)
    project.actors.filter(organisation=second).delete()
    assert_exact()
    assert counts() == {"network": 1, "support": 0}


def test_counts_follow_a_change_published_a_merge_and_a_deletion(network):
    first, second = network
    moderator = make_moderator()
    editor = make_user()
    project = make_project(organisations=[first])
    project.editors.add(editor)

    # A working copy names another organisation: not public until it is published.
    change = project.start_revision(by=editor)
    change.actors.update(organisation=second)
    assert_exact()
    change.submit(by=editor)
    change.publish(by=moderator)
    assert_exact()
    assert counts() == {"network": 0, "support": 1}

    duplicate = make_project(organisations=[first])
    duplicate.merge_into(make_project(), by=moderator)
    assert_exact()
    make_project(organisations=[first]).delete()
    assert_exact()


def test_a_recount_gives_the_same_counts(network):
    first, second = network
    make_project(organisations=[first, second])
    make_project(organisations=[second], status=Status.DRAFT)
    Organisation.objects.update(public_project_count=0)

    Project.objects.recount_organisations()

    assert_exact()


def test_the_list_of_organisations_reads_the_counts_without_counting(client, network):
    make_project(organisations=network)
    with CaptureQueriesContext(connection) as queries:
        listing = client.get("/en/organisations/")
    assert {o.slug: o.public_project_count for o in listing.context["organisations"]} == {"network": 1, "support": 1}
    assert not any("projects_projectactor" in query["sql"] for query in queries)


def test_an_organisation_page_shows_its_newest_projects_and_links_to_them_all(client, network):
    first, _second = network
    for n in range(14):
        make_project(name_en=f"Project {n:02}", organisations=[first])

    page = client.get("/en/organisations/network/")

    assert [p.name for p in page.context["projects"]] == [f"Project {n:02}" for n in range(13, 1, -1)]
    assert "See all 14 projects in the directory" in page.text
    assert 'href="/en/projects/?organisation=network"' in page.text
