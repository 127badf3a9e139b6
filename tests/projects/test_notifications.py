"""Every e-mail goes to one person, in that person's language, and names people only by the
names they chose."""

import pytest
from django.core import mail

from projects.models import Status
from tests.factories import make_moderator, make_project, make_user
from tests.projects.support import login

pytestmark = pytest.mark.django_db


def test_decision_reaches_each_editor_alone_in_their_own_language(django_capture_on_commit_callbacks):
    project = make_project(name_en="Kalkbreite", status=Status.SUBMITTED)
    project.editors.add(
        make_user(email="ana@example.org", language="es", display_name="Ana"),
        make_user(email="luc@example.org", language="fr", display_name="Luc"),
        make_user(email="sam@example.org", language="en", display_name="Sam"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        project.publish(by=make_moderator(), message="Welcome.")

    by_address = {message.to[0]: message for message in mail.outbox}
    assert {address: len(m.to) for address, m in by_address.items()} == {
        "ana@example.org": 1,
        "luc@example.org": 1,
        "sam@example.org": 1,
    }
    assert by_address["ana@example.org"].subject == "Kalkbreite: publicado"
    assert by_address["ana@example.org"].body.startswith("Hola, Ana:\n\nUn moderador ha tomado una decisión")
    assert by_address["luc@example.org"].subject == "Kalkbreite\u00a0: publié"
    assert by_address["luc@example.org"].body.startswith("Bonjour Luc,")
    assert by_address["sam@example.org"].subject == "Kalkbreite: published"
    assert "/es/my/" in by_address["ana@example.org"].body and "/fr/my/" in by_address["luc@example.org"].body
    for message in mail.outbox:
        others = {"ana@example.org", "luc@example.org", "sam@example.org"} - set(message.to)
        assert not any(address in message.body for address in others)


def test_submission_reaches_each_moderator_alone_in_their_language(django_capture_on_commit_callbacks):
    make_moderator(email="mod-fr@example.org", language="fr")
    make_moderator(email="mod-es@example.org", language="es")
    editor = make_user()
    project = make_project(name_en="Kalkbreite", status=Status.DRAFT)
    project.editors.add(editor)
    with django_capture_on_commit_callbacks(execute=True):
        project.submit(by=editor)
    assert sorted((m.to, m.subject) for m in mail.outbox) == [
        (["mod-es@example.org"], "Proyecto nuevo por revisar: Kalkbreite"),
        (["mod-fr@example.org"], "Nouveau projet à examiner\u00a0: Kalkbreite"),
    ]


def test_invitation_is_written_in_the_language_chosen_and_names_the_inviter_by_display_name(
    client, editor, draft, django_capture_on_commit_callbacks
):
    editor.display_name = "Lucía of Zarzamora"
    editor.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, editor).post(
            f"/en/projects/{draft.slug}/edit/editors/", {"email": "amigo@example.org", "language": "es"}
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["amigo@example.org"]
    assert message.subject == "Una invitación para editar «Our co-operative»"
    assert "Lucía of Zarzamora le invita a editar la página" in message.body
    assert "/es/projects/invitations/" in message.body
    assert editor.username not in message.body and editor.email.split("@")[0] not in message.body


def test_invitation_without_a_language_is_written_in_the_inviters(
    client, editor, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(client, editor).post(f"/fr/projects/{draft.slug}/edit/editors/", {"email": "ami@example.org"})
    (message,) = mail.outbox
    assert message.subject == "Une invitation à éditer «\u00a0Our co-operative\u00a0»"


def test_co_editors_see_who_invited_someone_but_not_the_address(client, editor, draft):
    co_editor = make_user(display_name="Second editor")
    draft.editors.add(co_editor)
    login(client, editor).post(f"/en/projects/{draft.slug}/edit/editors/", {"email": "amigo@example.org"})
    mine = login(client, editor).get(f"/en/projects/{draft.slug}/edit/editors/").text
    theirs = login(client, co_editor).get(f"/en/projects/{draft.slug}/edit/editors/").text
    assert "amigo@example.org, invited by you on" in mine
    assert "amigo@example.org" not in theirs
    assert f"Someone invited by {editor.public_name} on" in theirs
    # Editors are listed by the names they chose.
    assert "Second editor" in mine and editor.public_name in theirs
    assert editor.email not in theirs and editor.username not in theirs


def test_invitation_with_an_unknown_language_says_so_and_keeps_the_address(client, editor, draft):
    response = login(client, editor).post(
        f"/en/projects/{draft.slug}/edit/editors/", {"email": "amigo@example.org", "language": "xx"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["language"] == [
        "Select a valid choice. xx is not one of the available choices."
    ]
    assert 'value="amigo@example.org"' in response.text
    assert not mail.outbox
