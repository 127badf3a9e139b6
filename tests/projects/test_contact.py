"""Visitors write to a group and report problems; the group's address never reaches them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects.models import ProjectReport, Status
from tests.factories import make_project, make_user

pytestmark = pytest.mark.django_db

GROUP_EMAIL = "group-secret@example.org"
EDITOR_EMAIL = "editor-secret@example.org"
VISITOR = {"name": "Ana Souza", "email": "ana@example.net", "message": "Could our group visit you in May?"}
REPORT = {"kind": "wrong_facts", "message": "The co-operative has 48 dwellings, not 50.", "email": "ana@example.net"}


def contact_url(project):
    return f"/en/projects/{project.slug}/contact/"


def report_url(project):
    return f"/en/projects/{project.slug}/report/"


@pytest.fixture
def project():
    project = make_project(name_en="Kalkbreite", contact_email=GROUP_EMAIL)
    project.editors.add(
        make_user(email=EDITOR_EMAIL, password=None), make_user(email="co-editor@example.org", password=None)
    )
    return project


@pytest.fixture
def moderator():
    user = make_user(email="moderator@example.org", password=None)
    user.user_permissions.add(Permission.objects.get(codename="moderate_project", content_type__app_label="projects"))
    return user


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(is_staff=True, is_superuser=True, email="", password=None))
    return client


# --- Writing to the group ----------------------------------------------------------------


def test_contact_relays_the_message_to_the_contact_and_editors_with_the_visitors_reply_to(
    client, project, mailoutbox, django_capture_on_commit_callbacks
):
    make_user(email="stranger@example.org", password=None)
    project.editors.add(make_user(email="gone@example.org", is_active=False, password=None))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact_url(project), VISITOR)

    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    # One message to each: the group's addresses never meet in one header.
    assert sorted(message.to for message in mailoutbox) == [["co-editor@example.org"], [EDITOR_EMAIL], [GROUP_EMAIL]]
    for message in mailoutbox:
        assert message.cc == message.bcc == []
        assert message.reply_to == ["ana@example.net"]
        assert message.subject == "A message about Kalkbreite, sent through the SPH platform"
        assert 'Ana Souza wrote to you about "Kalkbreite" through the contact form of the SPH platform.' in message.body
        assert "Could our group visit you in May?" in message.body
        others = {GROUP_EMAIL, EDITOR_EMAIL, "co-editor@example.org"} - set(message.to)
        assert not any(address in message.body for address in others)


def test_contact_thanks_the_visitor_on_the_project_page(client, project):
    response = client.post(contact_url(project), VISITOR, follow=True)
    assert response.redirect_chain == [(project.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Thank you: your message is on its way to the group. They will answer you by e-mail."
    ]


def test_contact_is_written_in_the_groups_language(client, mailoutbox, django_capture_on_commit_callbacks):
    project = make_project(name_en="", name_fr="Le Village Vertical", original_language="fr", contact_email=GROUP_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(contact_url(project), VISITOR)
    (message,) = mailoutbox
    assert "Le Village Vertical" in message.subject
    assert f"/fr/projects/{project.slug}/" in message.body


def test_contact_reaches_each_editor_in_their_language_and_the_group_address_in_the_projects(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    project = make_project(name_fr="Kalkbreite", original_language="fr", contact_email=GROUP_EMAIL)
    project.editors.add(make_user(email=EDITOR_EMAIL, language="es", display_name="Lucía"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(contact_url(project), VISITOR)
    by_address = {message.to[0]: message for message in mailoutbox}
    assert by_address[EDITOR_EMAIL].subject == "Un mensaje sobre Kalkbreite, enviado a través de la plataforma PSH"
    assert by_address[EDITOR_EMAIL].body.startswith("Hola, Lucía:")
    assert by_address[GROUP_EMAIL].subject == "Un message au sujet de Kalkbreite, envoyé via la plateforme PSH"
    assert by_address[GROUP_EMAIL].body.startswith("Bonjour,")


def test_contact_address_never_appears_in_any_response(client, project, django_capture_on_commit_callbacks):
    responses = [client.get(project.get_absolute_url()), client.get(contact_url(project))]
    responses.append(client.post(contact_url(project), {**VISITOR, "email": "not an address"}))
    with django_capture_on_commit_callbacks(execute=True):
        responses.append(client.post(contact_url(project), VISITOR, follow=True))
        for _ in range(5):
            responses.append(client.post(contact_url(project), VISITOR))
    responses.append(client.post(contact_url(project), {**VISITOR, "topic": "buy now"}, follow=True))
    responses += [client.get(report_url(project)), client.post(report_url(project), REPORT, follow=True)]

    assert responses[-4].status_code == 429  # the rate-limited answer is among those read
    for response in responses:
        for secret in [GROUP_EMAIL, "group-secret", EDITOR_EMAIL, "editor-secret"]:
            assert secret not in response.content.decode(), response.request["PATH_INFO"]


def test_contact_honeypot_pretends_success_and_sends_nothing(
    client, project, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact_url(project), {**VISITOR, "topic": "http://spam.example.com"}, follow=True)

    assert response.redirect_chain == [(project.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Thank you: your message is on its way to the group. They will answer you by e-mail."
    ]
    assert mailoutbox == []


def test_contact_honeypot_is_hidden_from_people(client, project):
    response = client.get(contact_url(project))
    assert (
        '<div class="honeypot" aria-hidden="true">\n'
        '  <label for="id_topic">Leave this field empty:</label>\n'
        '  <input type="text" name="topic" tabindex="-1" autocomplete="off" id="id_topic">\n'
        "</div>"
    ) in response.text


def test_contact_with_invalid_input_keeps_the_text_and_shows_the_error_by_the_field(client, project, mailoutbox):
    response = client.post(contact_url(project), {**VISITOR, "email": "ana@"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["This e-mail address does not look complete: check it, for example name@example.org."]
    }
    assert 'value="Ana Souza"' in response.text
    assert 'value="ana@"' in response.text
    assert ">\nCould our group visit you in May?</textarea>" in response.text
    assert 'aria-describedby="id_email_helptext id_email_error"' in response.text
    assert '<ul class="errorlist" id="id_email_error">' in response.text
    assert mailoutbox == []


def test_contact_with_empty_fields_says_what_is_missing(client, project):
    response = client.post(contact_url(project), {"name": "", "email": "", "message": ""})
    assert response.context["form"].errors == {
        "name": ["Write your name, so that the group knows who writes."],
        "email": ["Give your e-mail address, or the group cannot answer you."],
        "message": ["Write your message."],
    }


def test_contact_rate_limit_per_address_answers_429_and_keeps_the_text(
    client, project, mailoutbox, django_capture_on_commit_callbacks
):
    other = make_project(contact_email="other@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [client.post(contact_url(project), VISITOR).status_code for _ in range(3)]
        statuses += [client.post(contact_url(other), VISITOR).status_code for _ in range(2)]
        response = client.post(contact_url(other), {**VISITOR, "message": "One message too many."})

    assert statuses == [302] * 5
    assert response.status_code == 429
    assert ">\nOne message too many.</textarea>" in response.text
    assert 'value="Ana Souza"' in response.text
    assert response.context["form"].non_field_errors() == [
        "Too many messages have come from your connection or gone to this project lately. "
        "Your text is kept here: try again later."
    ]
    # Three messages to the first project (its contact and two editors), one to the other.
    assert len(mailoutbox) == 3 * 3 + 2 * 1


def test_contact_rate_limit_per_project_holds_across_addresses(client, project):
    statuses = [
        client.post(contact_url(project), VISITOR, REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(21)
    ]
    assert statuses == [302] * 20 + [429]
    # Another project still receives messages from a new address.
    other = make_project(contact_email="other@example.org")
    assert client.post(contact_url(other), VISITOR, REMOTE_ADDR="203.0.113.1").status_code == 302


def test_contact_invalid_attempts_do_not_use_up_the_limit(client, project):
    for _ in range(6):
        client.post(contact_url(project), {**VISITOR, "email": "wrong"})
    assert client.post(contact_url(project), VISITOR).status_code == 302


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.ARCHIVED])
def test_contact_and_report_of_a_project_that_is_not_public_are_404(client, status, mailoutbox):
    project = make_project(status=status, contact_email=GROUP_EMAIL)
    assert client.get(contact_url(project)).status_code == 404
    assert client.post(contact_url(project), VISITOR).status_code == 404
    assert client.get(report_url(project)).status_code == 404
    assert client.post(report_url(project), REPORT).status_code == 404
    assert ProjectReport.objects.count() == 0
    assert mailoutbox == []


def test_contact_of_a_project_with_nobody_to_write_to_is_404_and_not_offered(client):
    project = make_project(contact_email="")
    assert client.get(contact_url(project)).status_code == 404
    page = client.get(project.get_absolute_url())
    assert contact_url(project) not in page.text
    assert report_url(project) in page.text


def test_project_page_offers_to_write_and_to_report(client, project):
    response = client.get(project.get_absolute_url())
    assert f'<a class="button" href="{contact_url(project)}">Write to the group</a>' in response.text
    assert f'<a href="{report_url(project)}">Report a problem</a>' in response.text


# --- Reporting a problem -------------------------------------------------------------------


def test_report_is_queued_for_moderators_and_mailed_to_them(
    client, project, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    make_user(email="not-a-moderator@example.org", password=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url(project), REPORT, follow=True)

    assert response.redirect_chain == [(project.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Thank you for your report: a moderator will look into it."
    ]
    report = ProjectReport.objects.get()
    assert (report.project, report.kind, report.message, report.email) == (
        project,
        "wrong_facts",
        "The co-operative has 48 dwellings, not 50.",
        "ana@example.net",
    )
    assert report.handled_at is None
    (message,) = mailoutbox
    assert message.to == ["moderator@example.org"]
    assert message.reply_to == ["ana@example.net"]
    assert message.subject == "Problem reported on Kalkbreite: wrong or outdated facts"
    assert "The co-operative has 48 dwellings, not 50." in message.body
    assert "/admin/projects/projectreport/?handled=no" in message.body


def test_report_without_an_email_has_no_reply_to(
    client, project, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url(project), {**REPORT, "email": ""})
    (message,) = mailoutbox
    assert message.reply_to == []
    assert "They did not leave an e-mail address." in message.body


def test_report_with_invalid_input_keeps_the_text_and_shows_the_error_by_the_field(client, project):
    response = client.post(report_url(project), {**REPORT, "kind": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {"kind": ["Choose the kind of problem."]}
    assert ">\nThe co-operative has 48 dwellings, not 50.</textarea>" in response.text
    assert 'value="ana@example.net"' in response.text
    assert '<ul class="errorlist" id="id_kind_error">' in response.text
    assert ProjectReport.objects.count() == 0


def test_report_honeypot_pretends_success_and_stores_nothing(
    client, project, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url(project), {**REPORT, "topic": "cheap pills"})
    assert response.status_code == 302
    assert ProjectReport.objects.count() == 0
    assert mailoutbox == []


def test_report_rate_limit_answers_429_and_keeps_the_text(client, project):
    statuses = [client.post(report_url(project), REPORT).status_code for _ in range(5)]
    response = client.post(report_url(project), {**REPORT, "message": "Sixth report."})
    assert statuses == [302] * 5
    assert response.status_code == 429
    assert ">\nSixth report.</textarea>" in response.text
    assert ProjectReport.objects.count() == 5


# --- The moderators' queue in the admin ------------------------------------------------------


def make_report(project, *, days_ago, handled=False, **fields):
    report = ProjectReport.objects.create(project=project, kind="spam", message="Spam.", **fields)
    received = timezone.now() - timedelta(days=days_ago)
    ProjectReport.objects.filter(pk=report.pk).update(
        created_at=received, handled_at=received + timedelta(hours=1) if handled else None
    )
    return report


def test_admin_report_queue_lists_waiting_reports_first_oldest_first(staff_client, project):
    handled_long_ago = make_report(project, days_ago=9, handled=True)
    waiting_new = make_report(project, days_ago=1)
    waiting_old = make_report(project, days_ago=5)
    handled_lately = make_report(project, days_ago=3, handled=True)

    response = staff_client.get("/admin/projects/projectreport/")

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [waiting_old, waiting_new, handled_lately, handled_long_ago]
    waiting = staff_client.get("/admin/projects/projectreport/", {"handled": "no"}).context["cl"].result_list
    assert list(waiting) == [waiting_old, waiting_new]
    handled = staff_client.get("/admin/projects/projectreport/", {"handled": "yes"}).context["cl"].result_list
    assert list(handled) == [handled_lately, handled_long_ago]


def test_admin_action_marks_reports_handled_with_who_and_when(staff_client, project):
    first, second = make_report(project, days_ago=2), make_report(project, days_ago=1)
    already = make_report(project, days_ago=3, handled=True)
    before = ProjectReport.objects.get(pk=already.pk).handled_at

    response = staff_client.post(
        "/admin/projects/projectreport/",
        {"action": "mark_handled", "_selected_action": [first.pk, second.pk, already.pk]},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["2 reports marked as handled."]
    staff = response.context["user"]
    for report in [first, second]:
        report.refresh_from_db()
        assert report.handled_by == staff
        assert timezone.now() - report.handled_at < timedelta(minutes=1)
    assert ProjectReport.objects.get(pk=already.pk).handled_at == before


def test_admin_report_shows_the_message_read_only(staff_client, project):
    report = make_report(project, days_ago=1, email="ana@example.net")
    response = staff_client.get(f"/admin/projects/projectreport/{report.pk}/change/")
    assert response.status_code == 200
    assert set(response.context["adminform"].form.fields) == set()
    assert "ana@example.net" in response.text
    assert staff_client.get("/admin/projects/projectreport/add/").status_code == 403


def test_admin_report_queue_queries_do_not_grow(staff_client, project):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert staff_client.get("/admin/projects/projectreport/").status_code == 200
        return len(context)

    make_report(project, days_ago=1)
    few = queries()
    for n in range(10):
        make_report(make_project(), days_ago=n)
    assert queries() == few
