"""Moderation in the admin: the review queue, the review page and its decisions, the bulk
actions, and restoring an earlier version from the history."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version

from projects.models import ModerationEvent, Project, ProjectReport, Role, Status
from tests.factories import make_moderator, make_organisation, make_project, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/projects/project/"


def review_url(project):
    return f"/admin/projects/project/{project.pk}/review/"


@pytest.fixture
def moderator():
    return make_moderator(username="moderator")


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def editor():
    return make_user(email="editor@example.org")


def submitted(days_ago, **fields):
    project = make_project(status=Status.SUBMITTED, **fields)
    Project.objects.filter(pk=project.pk).update(submitted_at=timezone.now() - timedelta(days=days_ago))
    return project


def change_to(project, editor, *, days_ago=0, **changes):
    """A working copy of ``project``, changed and submitted ``days_ago``."""
    project.editors.add(editor)
    change = project.editable_version(by=editor)
    for name, value in changes.items():
        setattr(change, name, value)
    change.save()
    change.submit(by=editor)
    Project.objects.filter(pk=change.pk).update(submitted_at=timezone.now() - timedelta(days=days_ago))
    return change


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


class Tables(HTMLParser):
    """The rows of a page's tables by id: each row the text of its cells."""

    def __init__(self, html):
        super().__init__()
        self.tables, self.table, self.row, self.cell = {}, None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.table = self.tables.setdefault(dict(attrs).get("id", ""), [])
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.table = None
        elif tag == "tr" and self.row is not None:
            self.table.append(self.row)
            self.row = None
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


class FormData(HTMLParser):
    """What a browser would post from the form with id ``form_id``, untouched."""

    def __init__(self, html, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self.textarea, self.select = None, None
        self.feed(html)

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.add(name, attrs.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            name, value = self.textarea
            # As in browsers, the newline that opens a textarea is not part of its value.
            self.add(name, value.removeprefix("\n"))
            self.textarea = None
        elif tag == "select":
            self.select = None


def change_form_data(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return FormData(response.text, "project_form").data


# --- The queue ----------------------------------------------------------------------


def test_queue_lists_what_waits_for_review_oldest_first(moderator_client, editor):
    recent = submitted(1, name_en="Recent")
    oldest = submitted(9, name_en="Oldest")
    change = change_to(make_project(name_en="La Borda"), editor, days_ago=5)
    make_project(name_en="Already published")
    make_project(name_en="A draft", status=Status.DRAFT)

    response = moderator_client.get(CHANGELIST, {"queue": "waiting"})

    assert [p.pk for p in response.context["cl"].result_list] == [oldest.pk, change.pk, recent.pk]


def test_queue_of_new_projects_leaves_out_changes(moderator_client, editor):
    new = submitted(2)
    change_to(make_project(), editor)
    response = moderator_client.get(CHANGELIST, {"queue": "new"})
    assert [p.pk for p in response.context["cl"].result_list] == [new.pk]


def test_queue_link_in_the_submission_mail_is_ordered_oldest_first(moderator_client):
    recent, oldest = submitted(1), submitted(3)
    response = moderator_client.get(CHANGELIST, {"status__exact": "submitted"})
    assert [p.pk for p in response.context["cl"].result_list] == [oldest.pk, recent.pk]


def test_changelist_counts_what_waits_in_each_queue(moderator_client, editor):
    submitted(1)
    submitted(2)
    change_to(make_project(), editor)
    make_project(status=Status.CHANGES_REQUESTED)
    make_project(status=Status.DRAFT)
    reported = make_project()
    ProjectReport.objects.create(project=reported, kind=ProjectReport.Kind.SPAM, message="An advert.")
    ProjectReport.objects.create(
        project=reported, kind=ProjectReport.Kind.SPAM, message="Handled.", handled_at=timezone.now()
    )

    response = moderator_client.get(CHANGELIST)

    assert response.context["review_counts"] == {"waiting": 3, "new": 2, "changes": 1, "sent_back": 1, "reports": 1}
    text = " ".join(response.text.split())
    for phrase in [
        "2 new projects wait for review",
        "1 change to a published project waits for review",
        "1 project sent back, with changes requested",
        "1 problem report not yet handled",
    ]:
        assert phrase in text


def test_change_waits_in_the_queue_as_a_change_to_its_original(moderator_client, editor):
    original = make_project(name_en="La Borda")
    change_to(original, editor)
    response = moderator_client.get(CHANGELIST, {"queue": "changes"})
    expected = f'Change to <a href="/admin/projects/project/{original.pk}/change/">La Borda</a>'
    assert expected in response.text


def test_changelist_has_a_review_link_for_moderators_only(client, moderator_client):
    project = submitted(1)
    assert f'href="{review_url(project)}"' in moderator_client.get(CHANGELIST).text
    client.force_login(make_user(is_staff=True, is_superuser=False))
    # Staff without the right to moderate or to see projects do not get the list at all.
    assert client.get(CHANGELIST).status_code == 403


def test_changelist_uses_a_constant_number_of_queries(moderator_client, editor):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert moderator_client.get(CHANGELIST, {"queue": "waiting"}).status_code == 200
        return len(context)

    for _ in range(2):
        change_to(make_project(organisations=[make_organisation()]), editor)
    few = queries()
    for n in range(12):
        if n % 2:
            change_to(make_project(organisations=[make_organisation()]), editor)
        else:
            submitted(n)
    assert queries() == few


# --- The review page ----------------------------------------------------------------


def test_review_page_is_forbidden_to_staff_who_do_not_moderate(client):
    project = submitted(1)
    client.force_login(make_user(is_staff=True))
    assert client.get(review_url(project)).status_code == 403
    assert client.post(review_url(project), {"action": "publish"}).status_code == 403
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_review_page_sends_people_who_are_not_staff_to_log_in(client):
    project = submitted(1)
    client.force_login(make_user())
    response = client.get(review_url(project))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_review_page_shows_state_history_and_the_decisions_allowed(moderator_client, moderator, editor):
    project = make_project(name_en="Kalkbreite", status=Status.DRAFT)
    project.editors.add(editor)
    project.submit(by=editor)
    response = moderator_client.get(review_url(project))
    assert response.status_code == 200
    events = Tables(response.text).tables["events"][1:]
    assert [row[1:3] for row in events] == [[editor.public_name, "Submitted for review"]]
    actions = re.findall(r'name="action" value="([a-z_]+)"', response.text)
    # The buttons are the moderators' steps that the table allows (merge has its own form).
    assert actions == [step for step in project.steps_allowed(moderator, role=Role.MODERATOR) if step != "merge"]
    assert actions == ["publish", "request_changes", "reject"]


def test_review_page_of_a_published_project_offers_archiving(moderator_client):
    response = moderator_client.get(review_url(make_project()))
    assert re.findall(r'name="action" value="([a-z_]+)"', response.text) == ["archive"]


def test_review_page_of_a_hidden_location_warns_against_revealing_it(moderator_client):
    project = submitted(1, location_precision="approximate")
    assert "Never write its address" in moderator_client.get(review_url(project)).text


def test_review_page_shows_the_differences_of_a_change_as_a_table(moderator_client, editor):
    original = make_project(name_en="La Borda", summary_en="Before.", stage="construction", dwellings=28)
    change = change_to(original, editor, summary_en="After.", stage="inhabited")
    response = moderator_client.get(review_url(change))
    rows = Tables(response.text).tables["differences"]
    assert rows == [
        ["Field", "Published version", "Proposed change"],
        ["Summary [en]", "Before.", "After."],
        ["Stage", "construction", "inhabited"],
    ]
    assert 'scope="row"' in response.text and "<caption>" in response.text


def test_review_page_lists_probable_duplicates_with_a_merge_button(moderator_client):
    existing = make_project(name_en="La Borda", lon=2.15, lat=41.375)
    make_project(name_en="Can Batlló", lon=2.149, lat=41.3725)
    submission = submitted(1, name_en="Cooperativa La Borda", lon=2.1486, lat=41.3723)
    response = moderator_client.get(review_url(submission))
    rows = Tables(response.text).tables["duplicates"]
    assert [row[0] for row in rows[1:]] == ["La Borda"]
    assert f'name="merge-target" value="{existing.pk}"' in response.text


# --- Decisions posted from the review page ------------------------------------------


def test_publish_from_the_review_page(moderator_client, moderator, editor, django_capture_on_commit_callbacks):
    project = submitted(1, name_en="Kalkbreite")
    project.editors.add(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            review_url(project), {"action": "publish", "publish-message": "Welcome!"}, follow=True
        )
    assert response.redirect_chain == [(review_url(project), 302)]
    assert messages_of(response) == ["“Kalkbreite” is published."]
    project.refresh_from_db()
    assert project.status == Status.PUBLISHED
    assert list(project.events.values_list("action", "actor", "message")) == [
        (ModerationEvent.Action.PUBLISHED, moderator.pk, "Welcome!")
    ]
    assert [(m.to, "Welcome!" in m.body) for m in mail.outbox] == [(["editor@example.org"], True)]


def test_request_changes_from_the_review_page(moderator_client):
    project = submitted(1, name_en="Kalkbreite")
    response = moderator_client.post(
        review_url(project),
        {"action": "request_changes", "request_changes-message": "Add a photo."},
        follow=True,
    )
    assert messages_of(response) == ["“Kalkbreite” is sent back to its group with your message."]
    project.refresh_from_db()
    assert project.status == Status.CHANGES_REQUESTED
    assert project.events.get().message == "Add a photo."


def test_request_changes_without_a_message_shows_the_error_next_to_the_field(moderator_client):
    project = submitted(1)
    response = moderator_client.post(review_url(project), {"action": "request_changes", "request_changes-message": ""})
    assert response.status_code == 200
    assert 'id="id_request_changes-message_error"' in response.text
    assert 'aria-invalid="true"' in response.text
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_reject_from_the_review_page_records_the_reason(moderator_client):
    project = submitted(1)
    moderator_client.post(review_url(project), {"action": "reject", "reject-message": "Advertising."})
    project.refresh_from_db()
    assert project.status == Status.REJECTED
    assert project.events.get().message == "Advertising."


def test_archive_and_restore_from_the_review_page(moderator_client):
    project = make_project()
    moderator_client.post(review_url(project), {"action": "archive", "archive-message": ""})
    project.refresh_from_db()
    assert project.status == Status.ARCHIVED
    moderator_client.post(review_url(project), {"action": "restore", "restore-message": ""})
    project.refresh_from_db()
    assert project.status == Status.PUBLISHED


def test_refused_decision_is_explained_and_changes_nothing(moderator_client):
    project = make_project(status=Status.DRAFT)
    response = moderator_client.post(review_url(project), {"action": "publish", "publish-message": ""}, follow=True)
    assert messages_of(response) == ["Only a submitted project can be published."]
    project.refresh_from_db()
    assert project.status == Status.DRAFT
    assert not project.events.exists()


def test_publishing_a_change_leads_back_to_the_project(moderator_client, editor):
    original = make_project(name_en="La Borda", summary_en="Before.")
    change = change_to(original, editor, summary_en="After.")
    response = moderator_client.post(review_url(change), {"action": "publish", "publish-message": ""}, follow=True)
    assert response.redirect_chain == [(review_url(original), 302)]
    assert messages_of(response) == ["The change to “La Borda” is published: the public now sees it."]
    original.refresh_from_db()
    assert original.summary_en == "After."


def test_decision_from_the_review_page_is_kept_in_the_history(moderator_client, moderator):
    project = submitted(1)
    moderator_client.post(review_url(project), {"action": "publish", "publish-message": ""})
    version = Version.objects.get_for_object(project).get()
    assert version.revision.user == moderator
    assert version.field_dict["status"] == Status.PUBLISHED


def test_merge_from_the_review_page_redirects_the_old_address(moderator_client, client, editor):
    existing = make_project(name_en="La Borda", lon=2.15, lat=41.375)
    duplicate = submitted(1, name_en="Cooperativa La Borda", lon=2.1486, lat=41.3723)
    duplicate.editors.add(editor)
    asked = moderator_client.post(review_url(duplicate), {"action": "merge", "merge-target": existing.pk})
    assert "Merge these two projects?" in asked.text
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    response = moderator_client.post(
        review_url(duplicate), {"action": "merge", "merge-target": existing.pk, "confirm": "yes"}, follow=True
    )
    assert messages_of(response) == ["“Cooperativa La Borda” is merged into “La Borda”: its address now leads there."]
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into) == (Status.MERGED, existing)
    assert list(existing.editors.all()) == [editor]
    response = client.get(duplicate.get_absolute_url())
    assert (response.status_code, response["Location"]) == (301, existing.get_absolute_url())


# --- Bulk actions -------------------------------------------------------------------


def test_bulk_publish_counts_what_was_published_and_what_was_not(moderator_client):
    waiting = [submitted(1), submitted(2)]
    draft = make_project(name_en="Still a draft", status=Status.DRAFT)
    response = moderator_client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [p.pk for p in [*waiting, draft]]},
        follow=True,
    )
    assert messages_of(response) == [
        "2 projects published.",
        "1 project left as it was (only submitted ones can be published): Still a draft.",
    ]
    assert sorted(Project.objects.public().values_list("pk", flat=True)) == sorted(p.pk for p in waiting)


def test_bulk_archive_and_restore(moderator_client):
    project = make_project()
    moderator_client.post(CHANGELIST, {"action": "archive_selected", "_selected_action": [project.pk]})
    project.refresh_from_db()
    assert project.status == Status.ARCHIVED
    moderator_client.post(CHANGELIST, {"action": "restore_selected", "_selected_action": [project.pk]})
    project.refresh_from_db()
    assert project.status == Status.PUBLISHED


def test_bulk_actions_are_not_offered_to_staff_who_do_not_moderate(client):
    project = submitted(1)
    staff = make_user(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_project", "change_project"]))
    client.force_login(staff)
    response = client.get(CHANGELIST)
    assert "publish_selected" not in response.text
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [project.pk]})
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


# --- The change form and the history ------------------------------------------------


def test_change_form_links_to_the_review_and_does_not_edit_the_state(moderator_client):
    project = submitted(1)
    response = moderator_client.get(f"/admin/projects/project/{project.pk}/change/")
    assert f'href="{review_url(project)}"' in response.text
    assert 'name="status"' not in response.text


def test_admin_saves_are_kept_with_their_author_and_an_earlier_version_can_be_restored(client, editor):
    superuser = make_user(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    project = make_project(summary_en="The first words.")
    project.editors.add(editor)
    url = f"/admin/projects/project/{project.pk}/change/"

    data = change_form_data(client, url)
    data["summary_en"] = ["The first words, saved from the admin."]
    assert client.post(url, data).status_code == 302
    data = change_form_data(client, url)
    data["summary_en"] = ["Words that were a mistake."]
    assert client.post(url, data).status_code == 302

    versions = list(Version.objects.get_for_object(project).order_by("pk"))
    assert [v.revision.user for v in versions] == [superuser, superuser]
    assert [v.field_dict["summary_en"] for v in versions] == [
        "The first words, saved from the admin.",
        "Words that were a mistake.",
    ]
    history = client.get(f"/admin/projects/project/{project.pk}/history/")
    revision_url = f"/admin/projects/project/{project.pk}/history/{versions[0].pk}/"
    assert f'href="{revision_url}"' in history.text

    # Meanwhile a moderator archived it: restoring words must not bring it back to the public.
    project.archive(by=make_moderator())
    response = client.get(revision_url)
    assert "Press the save button below to revert to this version" in response.text
    data = change_form_data(client, revision_url)
    assert data["summary_en"] == ["The first words, saved from the admin."]
    assert client.post(revision_url, data).status_code == 302

    project.refresh_from_db()
    assert project.summary_en == "The first words, saved from the admin."
    assert project.status == Status.ARCHIVED
    assert list(project.editors.all()) == [editor]
    assert Version.objects.get_for_object(project).count() == 3


def test_report_queue_moderator_marks_reports_handled(moderator_client, moderator):
    project = make_project()
    old = ProjectReport.objects.create(project=project, kind="spam", message="Advertising.")
    new = ProjectReport.objects.create(project=project, kind="wrong_facts", message="Wrong year.")
    done = ProjectReport.objects.create(project=project, kind="other", message="Done.", handled_at=timezone.now())
    listing = moderator_client.get("/admin/projects/projectreport/")
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [old, new, done]
    response = moderator_client.post(
        "/admin/projects/projectreport/", {"action": "mark_handled", "_selected_action": [old.pk, new.pk]}
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.handled_by == moderator and old.handled_at is not None
    assert ProjectReport.objects.waiting().count() == 0
