"""Moderation as the model does it: who may take which step from which state, what is
recorded, who hears about it, and how a change to a published project waits for review."""

import pytest
from django.contrib.gis.geos import Point
from django.core import mail
from django.core.exceptions import PermissionDenied

from projects import history
from projects.models import (
    STEPS,
    InvalidTransition,
    ModerationEvent,
    Project,
    ProjectActor,
    ProjectDocument,
    ProjectPhoto,
    Role,
)
from projects.models import Status as S
from tests.factories import make_moderator, make_organisation, make_project, make_user

pytestmark = pytest.mark.django_db

Action = ModerationEvent.Action

MESSAGE = "Please add the number of dwellings."


def take(project, step, *, by, message=MESSAGE):
    """Take ``step`` as the admin does, with a message, and a target for a merge."""
    target = make_project(name_en="The project it duplicates") if step == "merge" else None
    return project.take(step, by=by, message=message, target=target)


@pytest.fixture
def editor():
    return make_user(email="editor@example.org")


@pytest.fixture
def moderator():
    return make_moderator(email="moderator@example.org")


def project_of(editor, **fields):
    project = make_project(**fields)
    project.editors.add(editor)
    return project


def working_copy_in(state, editor):
    copy = project_of(editor).editable_version(by=editor)
    Project.objects.filter(pk=copy.pk).update(status=state)
    copy.refresh_from_db()
    return copy


def person_for(step, editor, moderator):
    return editor if STEPS[step].role == Role.EDITOR else moderator


# --- The table of steps: what it says, and that the model does what it says ---------


def test_the_table_of_steps_says_what_moderation_means():
    # Only a moderator's approval makes a project public, and only from a submission or
    # from the archive; a published project can only be archived (by a moderator, or withdrawn
    # by its group) or merged.
    leading_to_public = {name: step.sources for name, step in STEPS.items() if step.target == S.PUBLISHED}
    assert leading_to_public == {"publish": {S.SUBMITTED}, "restore": {S.ARCHIVED}}
    assert {name for name, step in STEPS.items() if S.PUBLISHED in step.sources} == {"archive", "withdraw", "merge"}
    assert {name for name, step in STEPS.items() if step.role == Role.EDITOR} == {"submit", "withdraw"}
    # A working copy is never public: it can be submitted and decided on, nothing else.
    assert {name for name, step in STEPS.items() if step.copy_sources} == {
        "submit",
        "publish",
        "request_changes",
        "reject",
    }
    # A merged project is final.
    assert not any(S.MERGED in step.sources for step in STEPS.values())


@pytest.mark.parametrize(("step", "state"), [(step, state) for step in STEPS for state in S])
def test_each_step_is_taken_only_from_its_source_states(editor, moderator, step, state):
    project = project_of(editor, status=state)
    if state in STEPS[step].sources:
        take(project, step, by=person_for(step, editor, moderator))
        project.refresh_from_db()
        assert project.status == STEPS[step].target
    else:
        with pytest.raises(InvalidTransition):
            take(project, step, by=person_for(step, editor, moderator))
        project.refresh_from_db()
        assert project.status == state
        assert not project.events.exists()


@pytest.mark.parametrize(("step", "state"), [(step, state) for step in STEPS for state in S])
def test_each_step_on_a_working_copy_is_taken_only_from_its_copy_source_states(editor, moderator, step, state):
    copy = working_copy_in(state, editor)
    allowed = state in STEPS[step].copy_sources
    assert copy.steps_allowed(person_for(step, editor, moderator)).count(step) == int(allowed)
    if not allowed:
        with pytest.raises(InvalidTransition):
            take(copy, step, by=person_for(step, editor, moderator))


@pytest.mark.parametrize("step", [name for name, step in STEPS.items() if step.role == Role.MODERATOR])
def test_moderation_step_by_an_editor_or_plain_staff_is_denied(editor, step):
    project = project_of(editor, status=next(iter(STEPS[step].sources)))
    for user in [editor, make_user(is_staff=True)]:
        with pytest.raises(PermissionDenied):
            take(project, step, by=user)
    project.refresh_from_db()
    assert project.status in STEPS[step].sources
    assert not project.events.exists()


def test_steps_allowed_are_those_of_the_table_for_the_state_and_the_person(editor, moderator):
    submitted = project_of(editor, status=S.SUBMITTED)
    assert submitted.steps_allowed(moderator) == ["publish", "request_changes", "reject", "merge"]
    assert submitted.steps_allowed(editor) == []
    assert submitted.steps_allowed(make_user()) == []
    draft = project_of(editor, status=S.DRAFT)
    assert draft.steps_allowed(editor) == ["submit"]
    assert draft.steps_allowed(moderator, role=Role.MODERATOR) == ["merge"]


def test_moderation_step_by_a_superuser_is_allowed():
    project = make_project(status=S.SUBMITTED)
    project.publish(by=make_user(is_staff=True, is_superuser=True))
    project.refresh_from_db()
    assert project.status == S.PUBLISHED


@pytest.mark.parametrize("state", [S.DRAFT, S.CHANGES_REQUESTED])
def test_submit_by_an_editor_sends_the_project_for_review(editor, state):
    project = project_of(editor, status=state)
    project.submit(by=editor)
    project.refresh_from_db()
    assert project.status == S.SUBMITTED
    assert project.submitted_at is not None


def test_submit_by_a_stranger_is_denied(editor):
    project = project_of(editor, status=S.DRAFT)
    with pytest.raises(PermissionDenied):
        project.submit(by=make_user())
    project.refresh_from_db()
    assert project.status == S.DRAFT


@pytest.mark.parametrize("step", ["request_changes", "reject"])
def test_request_changes_and_reject_need_a_message(moderator, step):
    project = make_project(status=S.SUBMITTED)
    with pytest.raises(InvalidTransition):
        take(project, step, by=moderator, message="   ")
    project.refresh_from_db()
    assert project.status == S.SUBMITTED


# --- What is recorded ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "action"),
    [
        ("publish", Action.PUBLISHED),
        ("request_changes", Action.CHANGES_REQUESTED),
        ("reject", Action.REJECTED),
    ],
)
def test_decision_is_recorded_with_its_moderator_and_message(moderator, step, action):
    project = make_project(status=S.SUBMITTED)
    event = take(project, step, by=moderator)
    assert list(project.events.values_list("action", "actor", "message")) == [(action, moderator.pk, MESSAGE)]
    assert event.project == project


def test_submission_is_recorded_with_its_editor(editor):
    project = project_of(editor, status=S.DRAFT)
    project.submit(by=editor)
    assert list(project.events.values_list("action", "actor")) == [(Action.SUBMITTED, editor.pk)]


def test_archive_then_restore_records_both_steps(moderator):
    project = make_project()
    project.archive(by=moderator, message="The group has dissolved.")
    project.restore(by=moderator)
    assert list(project.events.order_by("pk").values_list("action", "message")) == [
        (Action.ARCHIVED, "The group has dissolved."),
        (Action.RESTORED, ""),
    ]


# --- Who hears about it -------------------------------------------------------------


def test_submission_is_mailed_to_moderators_only(editor, moderator, django_capture_on_commit_callbacks):
    make_user(is_staff=True, email="staff-not-moderator@example.org")
    project = project_of(editor, status=S.DRAFT, name_en="Kalkbreite")
    with django_capture_on_commit_callbacks(execute=True):
        project.submit(by=editor)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["moderator@example.org"], "New project to review: Kalkbreite")
    ]


def test_change_submission_is_mailed_to_moderators_as_a_change(editor, moderator, django_capture_on_commit_callbacks):
    project = project_of(editor, name_en="Kalkbreite")
    change = project.editable_version(by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        change.submit(by=editor)
    assert [(m.to, m.subject) for m in mail.outbox] == [(["moderator@example.org"], "Change to review: Kalkbreite")]


@pytest.mark.parametrize("step", ["publish", "request_changes", "reject"])
def test_decision_is_mailed_to_editors_with_the_message(editor, moderator, step, django_capture_on_commit_callbacks):
    co_editor = make_user(email="co-editor@example.org")
    project = project_of(editor, status=S.SUBMITTED, name_en="Kalkbreite")
    project.editors.add(co_editor)
    with django_capture_on_commit_callbacks(execute=True):
        take(project, step, by=moderator)
    # One message each: no editor sees another's address.
    assert sorted(m.to for m in mail.outbox) == [["co-editor@example.org"], ["editor@example.org"]]
    for message in mail.outbox:
        assert message.cc == message.bcc == []
        assert message.subject.startswith("Kalkbreite: ")
        assert MESSAGE in message.body


def test_refused_step_sends_no_mail(editor, moderator, django_capture_on_commit_callbacks):
    project = project_of(editor, status=S.DRAFT)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidTransition):
        project.publish(by=moderator)
    assert mail.outbox == []


# --- A change to a published project --------------------------------------------------


def published_with_everything(editor, **fields):
    project = project_of(editor, organisations=[make_organisation(name_en="Urbamonde")], **fields)
    ProjectPhoto.objects.create(project=project, image="photos/front.jpg", alt_text="The front of the house")
    ProjectDocument.objects.create(project=project, file="documents/statutes.pdf", title="Statutes")
    return project


def test_editable_version_of_a_published_project_is_a_copy_with_photos_organisations_and_documents(editor):
    project = published_with_everything(editor)
    change = project.editable_version(by=editor)
    assert change.pk != project.pk
    assert change.revision_of == project
    assert change.status == S.DRAFT
    assert [p.alt_text for p in change.photos.all()] == ["The front of the house"]
    assert [p.image.name for p in change.photos.all()] == ["photos/front.jpg"]
    assert [d.title for d in change.documents.all()] == ["Statutes"]
    assert [str(a.organisation) for a in change.actors.all()] == ["Urbamonde"]
    assert project.events.get().action == Action.CHANGE_STARTED


def test_editable_version_is_the_same_copy_until_it_is_published(editor):
    project = project_of(editor)
    assert project.editable_version(by=editor) == project.editable_version(by=editor)
    assert Project.objects.filter(revision_of=project).count() == 1


def test_editable_version_of_a_draft_is_the_draft_itself(editor):
    project = project_of(editor, status=S.DRAFT)
    assert project.editable_version(by=editor) == project


def test_editable_version_is_denied_to_a_stranger(editor):
    project = project_of(editor)
    with pytest.raises(PermissionDenied):
        project.editable_version(by=make_user())


def test_change_stays_unseen_until_published_then_replaces_the_public_version(client, editor, moderator):
    project = published_with_everything(editor, summary_en="Twelve families building together.")
    url = project.get_absolute_url()
    change = project.editable_version(by=editor)
    change.summary_en = "Fourteen families, now living together."
    change.save()
    change.photos.update(alt_text="The garden")
    change.submit(by=editor)

    assert "Twelve families building together." in client.get(url).text
    assert "Fourteen families" not in client.get(url).text
    assert list(Project.objects.public()) == [project]

    change.publish(by=moderator, message="Thank you.")

    project.refresh_from_db()
    assert project.summary_en == "Fourteen families, now living together."
    assert project.status == S.PUBLISHED
    assert project.get_absolute_url() == url
    assert not Project.objects.filter(pk=change.pk).exists()
    assert [p.alt_text for p in project.photos.all()] == ["The garden"]
    assert [d.title for d in project.documents.all()] == ["Statutes"]
    assert [str(a.organisation) for a in project.actors.all()] == ["Urbamonde"]
    response = client.get(url)
    assert response.status_code == 200
    assert "Fourteen families, now living together." in response.text


def test_published_change_keeps_its_history_on_the_project(editor, moderator):
    project = project_of(editor)
    change = project.editable_version(by=editor)
    change.submit(by=editor)
    change.request_changes(by=moderator, message="Say which year.")
    change.submit(by=editor)
    change.publish(by=moderator)
    assert list(project.events.order_by("pk").values_list("action", "message")) == [
        (Action.CHANGE_STARTED, ""),
        (Action.SUBMITTED, ""),
        (Action.CHANGES_REQUESTED, "Say which year."),
        (Action.SUBMITTED, ""),
        (Action.CHANGE_PUBLISHED, ""),
    ]


def test_public_never_returns_a_working_copy(editor):
    project = project_of(editor)
    change = project.editable_version(by=editor)
    # Even a copy whose own state said "published" stays out of public lists.
    Project.objects.filter(pk=change.pk).update(status=S.PUBLISHED)
    assert list(Project.objects.public()) == [project]


def test_change_sent_back_tells_the_editors_of_the_published_project(
    editor, moderator, django_capture_on_commit_callbacks
):
    project = project_of(editor)
    change = project.editable_version(by=editor)
    change.submit(by=editor)
    with django_capture_on_commit_callbacks(execute=True):
        change.request_changes(by=moderator, message=MESSAGE)
    assert [m.to for m in mail.outbox] == [["editor@example.org"]]
    project.refresh_from_db()
    assert project.status == S.PUBLISHED


def test_rejected_change_can_be_reworked_and_submitted_again(editor, moderator):
    project = project_of(editor)
    change = project.editable_version(by=editor)
    change.submit(by=editor)
    change.reject(by=moderator, message="This is advertising.")
    assert project.editable_version(by=editor) == change
    change.summary_en = "Our own words this time."
    change.save()
    change.submit(by=editor)
    change.refresh_from_db()
    assert change.status == S.SUBMITTED


def test_rejected_new_project_cannot_be_submitted_again(editor, moderator):
    project = project_of(editor, status=S.SUBMITTED)
    project.reject(by=moderator, message="This is advertising.")
    with pytest.raises(InvalidTransition):
        project.submit(by=editor)


def test_change_cannot_be_archived(editor, moderator):
    project = project_of(editor)
    change = project.editable_version(by=editor)
    change.submit(by=editor)
    change.publish(by=moderator)
    change = project.editable_version(by=editor)
    with pytest.raises(InvalidTransition):
        change.archive(by=moderator)


def test_changes_of_a_working_copy_list_each_changed_field_and_part(editor):
    project = published_with_everything(editor, summary_en="Before.", dwellings=12, stage="construction")
    change = project.editable_version(by=editor)
    change.summary_en = "After."
    change.dwellings = 14
    change.housing_models = ["cooperative"]
    change.location = Point(6.15, 46.21, srid=4326)
    change.save()
    ProjectActor.objects.create(project=change, organisation=make_organisation(name_en="FUCVAM"), order=5)
    rows = history.changes(history.snapshot_of(project), history.snapshot_of(change))
    assert [(row.label, row.before, row.after) for row in rows] == [
        ("Summary [en]", "Before.", "After."),
        ("housing models", "—", "housing co-operative"),
        ("dwellings", "12", "14"),
        ("location", "46.20400, 6.14300", "46.21000, 6.15000"),
        ("organisations involved", "Urbamonde", "Urbamonde\nFUCVAM"),
    ]


def test_changes_of_an_untouched_copy_are_none(editor):
    project = published_with_everything(editor)
    copy = project.editable_version(by=editor)
    assert history.changes(history.snapshot_of(project), history.snapshot_of(copy)) == []


# --- Duplicates and merging -----------------------------------------------------------


def test_similar_to_finds_public_projects_with_a_similar_name_nearby():
    submission = make_project(name_en="Cooperativa La Borda", status=S.SUBMITTED, lon=2.1486, lat=41.3723)
    near = make_project(name_en="La Borda", city="Barcelona", lon=2.1500, lat=41.3750)
    make_project(name_en="Can Batlló", lon=2.1490, lat=41.3725)  # nearby, another name
    make_project(name_en="La Borda", city="Lyon", country="FR", lon=4.83, lat=45.76)  # same name, far away
    make_project(name_en="La Borda", status=S.DRAFT, lon=2.1487, lat=41.3724)  # not public
    assert list(Project.objects.similar_to(submission)) == [near]


def test_similar_to_finds_a_project_in_the_same_city_beyond_the_distance():
    submission = make_project(name_en="Kalkbreite", city="Zürich", country="CH", lon=8.52, lat=47.37)
    same_city = make_project(name_en="Genossenschaft Kalkbreite", city="zürich", country="CH", lon=8.60, lat=47.45)
    make_project(name_en="Kalkbreite", city="Zürich", country="US", lon=-80.0, lat=40.0)
    assert list(Project.objects.similar_to(submission)) == [same_city]


def test_similar_to_leaves_out_the_project_itself_and_its_working_copy(editor):
    project = project_of(editor, name_en="Mehr als Wohnen")
    change = project.editable_version(by=editor)
    assert list(Project.objects.similar_to(project)) == []
    assert list(Project.objects.similar_to(change)) == []


def test_similar_to_an_unnamed_project_is_empty():
    make_project(name_en="Mehr als Wohnen")
    assert list(Project.objects.similar_to(Project(country="CH", city="Geneva"))) == []


def test_merge_into_keeps_the_duplicate_as_merged_and_hands_over_its_editors(editor, moderator):
    target = make_project(name_en="La Borda")
    target_editor = make_user()
    target.editors.add(target_editor)
    duplicate = project_of(editor, name_en="Cooperativa La Borda", status=S.SUBMITTED)

    duplicate.merge_into(target, by=moderator)

    duplicate.refresh_from_db()
    assert duplicate.status == S.MERGED
    assert duplicate.merged_into == target
    assert duplicate.name_en == "Cooperativa La Borda"
    assert set(target.editors.all()) == {editor, target_editor}
    assert list(duplicate.events.values_list("action", "actor")) == [(Action.MERGED, moderator.pk)]
    assert list(target.events.values_list("action", "actor")) == [(Action.MERGED, moderator.pk)]
    assert list(Project.objects.public()) == [target]


def test_merge_into_is_denied_to_editors(editor):
    target = make_project()
    duplicate = project_of(editor, status=S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        duplicate.merge_into(target, by=editor)
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_merge_into_itself_or_into_a_working_copy_is_refused(editor, moderator):
    project = project_of(editor)
    change = project.editable_version(by=editor)
    other = make_project()
    with pytest.raises(InvalidTransition):
        project.merge_into(project, by=moderator)
    with pytest.raises(InvalidTransition):
        other.merge_into(change, by=moderator)
    with pytest.raises(InvalidTransition):
        change.merge_into(other, by=moderator)


def test_merge_into_a_project_merged_earlier_leaves_no_chain(moderator):
    first, second, third = make_project(), make_project(), make_project()
    first.merge_into(second, by=moderator)
    second.merge_into(third, by=moderator)
    first.refresh_from_db()
    assert first.merged_into == third


def test_merged_project_cannot_be_restored(moderator):
    target, duplicate = make_project(), make_project()
    duplicate.merge_into(target, by=moderator)
    with pytest.raises(InvalidTransition):
        duplicate.restore(by=moderator)


def test_merged_project_address_redirects_for_good_to_the_target(client, moderator):
    target = make_project(name_en="La Borda")
    duplicate = make_project(name_en="Cooperativa La Borda")
    old_url = duplicate.get_absolute_url()
    duplicate.merge_into(target, by=moderator)
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == target.get_absolute_url()


def test_merged_project_address_is_not_found_while_the_target_is_not_public(client, moderator):
    target = make_project(status=S.SUBMITTED)
    duplicate = make_project()
    old_url = duplicate.get_absolute_url()
    duplicate.merge_into(target, by=moderator)
    assert client.get(old_url).status_code == 404
