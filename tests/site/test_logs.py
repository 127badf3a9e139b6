"""The logs hold no password, token, e-mail address or hidden point, through a whole listing.

The test reads what the site's own logging configuration writes (the handler of
settings.LOGGING, with its redacting filter), at the DEBUG level, while a
group signs up, confirms its address, lists a project that hides its location, invites a
co-editor, submits; a moderator publishes; a visitor writes to the group; the editor resets
a password; and somebody tries links with wrong tokens.
"""

import io
import logging
import re

import pytest
from django.core import mail

from habitat.logs import RedactingFilter
from projects.models import EditorInvitation, LocationPrecision, Project, Status
from tests.factories import make_moderator
from tests.habitat.support import PASSWORD, link_in
from tests.projects.support import texts_data
from tests.site.test_privacy import point_spellings

pytestmark = pytest.mark.django_db

EDITOR = "maria.secret@example.org"
CO_EDITOR = "joan.friend@example.org"
VISITOR = "visitor.secret@example.net"
CONTACT = "group.contact@example.org"
HIDDEN = (2.1534567, 41.3791234)  # lon, lat of a group that asks to hide where it lives
NEW_PASSWORD = "another-long-password-4321"


@pytest.fixture
def site_log():
    """What the configured handlers write, with the root logger at DEBUG."""
    root = logging.getLogger()
    handlers = [h for h in root.handlers if any(isinstance(f, RedactingFilter) for f in h.filters)]
    assert handlers, "settings.LOGGING has no redacting handler on the root logger"
    stream = io.StringIO()
    previous_streams = [handler.setStream(stream) for handler in handlers]
    # As with DJANGO_LOG_LEVEL=DEBUG, the most an operator can ask for.
    level = root.level
    root.setLevel(logging.DEBUG)
    yield stream
    for handler, previous in zip(handlers, previous_streams, strict=True):
        handler.setStream(previous)
    root.setLevel(level)


def test_a_whole_listing_leaves_nothing_personal_in_the_logs(client, site_log, django_capture_on_commit_callbacks):
    secrets = {EDITOR, CO_EDITOR, VISITOR, CONTACT, PASSWORD, NEW_PASSWORD}

    # A group signs up and confirms its address.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/en/accounts/signup/",
            {"email": EDITOR, "password1": PASSWORD, "password2": PASSWORD, "display_name": "Maria"},
        )
    confirm = link_in(mail.outbox[-1])
    secrets.add(confirm.rstrip("/").rsplit("/", 1)[-1])
    client.post(confirm)
    client.logout()
    assert client.post("/en/accounts/login/", {"login": EDITOR, "password": "wrong password"}).status_code == 200
    assert client.post("/en/accounts/login/", {"login": EDITOR, "password": PASSWORD}).status_code == 302

    # It lists its project, with a location it asks to hide, and invites a co-editor.
    client.post(
        "/en/projects/new/",
        {"original_language": "en", "name_en": "Hidden Co-op", "country": "ES", "city": "Barcelona"},
    )
    project = Project.objects.get(name_en="Hidden Co-op")
    location = {
        "address": "Carrer Secret 1",
        "city": "Barcelona",
        "country": "ES",
        "longitude": f"{HIDDEN[0]}",
        "latitude": f"{HIDDEN[1]}",
        "location_precision": LocationPrecision.APPROXIMATE,
        "project-version": project.version,
    }
    client.post(f"/en/projects/{project.slug}/edit/location/", location)
    # A bad value too: forms that refuse input must not log what was typed.
    client.post(f"/en/projects/{project.slug}/edit/location/", {**location, "latitude": "91.1534567"})
    project.refresh_from_db()
    assert project.location_precision == LocationPrecision.APPROXIMATE
    client.post(f"/en/projects/{project.slug}/edit/texts/", texts_data(project, summary_en="Twelve households."))
    Project.objects.filter(pk=project.pk).update(contact_email=CONTACT)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/projects/{project.slug}/edit/editors/", {"email": CO_EDITOR})
    secrets.add(EditorInvitation.objects.get(email=CO_EDITOR).token)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/projects/{project.slug}/edit/submit/")
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED

    # A moderator publishes it.
    moderator = make_moderator(email="moderator.secret@example.org")
    secrets.add(moderator.email)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/projects/project/{project.pk}/review/", {"action": "publish", "publish-message": "Welcome"}
        )
    project.refresh_from_db()
    assert project.status == Status.PUBLISHED

    # A visitor writes to the group; the editor forgets the password and sets a new one.
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/en/projects/{project.slug}/contact/", {"name": "Vera", "email": VISITOR, "message": "Can we visit?"}
        )
        client.post("/en/accounts/password/reset/", {"email": EDITOR})
    reset = link_in(mail.outbox[-1])
    secrets.add(reset.rstrip("/").rsplit("/", 1)[-1])
    form_page = client.get(reset, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    # Links with wrong tokens and addresses in paths: the 404s are logged, redacted.
    client.force_login(moderator)
    for path in (
        "/en/projects/invitations/a-guessed-token-0123456789/",
        "/en/accounts/confirm-email/a-guessed-key-0123456789/",
        f"/en/organisations/{EDITOR}/",
    ):
        client.get(path)
    secrets |= {"a-guessed-token-0123456789", "a-guessed-key-0123456789"}

    log = site_log.getvalue()
    # The log was really written: the 404s are in it, with the secret parts taken out.
    assert "Not Found: /en/projects/invitations/[secret]/" in log
    assert "Not Found: /en/organisations/[e-mail]/" in log
    found = sorted(secret for secret in secrets if secret in log)
    assert found == [], f"the log holds {found}:\n{log}"
    for value in HIDDEN:
        leaked = [pattern for pattern in point_spellings(value) if re.search(pattern, log)]
        assert leaked == [], f"the log holds the hidden point ({leaked}):\n{log}"
    assert "Carrer Secret" not in log


def test_sign_ins_their_failures_sign_outs_and_password_changes_are_logged_without_the_address(client, site_log):
    from tests.habitat.support import make_verified_user

    user = make_verified_user(email=EDITOR)
    client.post("/en/accounts/login/", {"login": EDITOR, "password": "wrong password"})
    client.post("/en/accounts/login/", {"login": EDITOR, "password": PASSWORD})
    client.post(
        "/en/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    client.post("/en/accounts/logout/")

    lines = [line for line in site_log.getvalue().splitlines() if re.match(r"(sign|password|e-mail|second)", line)]
    assert lines == [
        "sign-in failed from 127.0.0.1",
        f"sign-in succeeded: account #{user.pk} from 127.0.0.1",
        f"password changed: account #{user.pk} from 127.0.0.1",
        f"sign-out: account #{user.pk} from 127.0.0.1",
    ]
    assert EDITOR not in site_log.getvalue() and NEW_PASSWORD not in site_log.getvalue()
