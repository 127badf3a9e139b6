"""axe-core on every kind of page, in English, French and Spanish: no violation of any impact
(issue 11). The kinds are those that `make weight` weighs (habitat.weight.page_kinds: the
sitemap's, the list with filters, sign-in and sign-up, open data, a 404), plus what a
visitor or a group sees beyond them: the forms with their errors, a group's own pages once
signed in (every section of the project editor, the editors and the invitation), the account
pages, and the error pages. One page walks them all, so that the browser starts once; every
violation is collected and reported together."""

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from playwright.sync_api import Page

from habitat.weight import page_kinds
from hubs.models import Meeting
from projects.models import EditorInvitation, Project, ProjectDocument, ProjectPhoto, Status
from subscriptions.models import Subscription
from tests.browser.support import axe_violations, describe
from tests.factories import make_organisation, make_project, make_user
from tests.factories.files import jpeg, pdf

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "fr", "es"]
PASSWORD = "a-long-test-password"


@dataclass
class Visit:
    name: str
    address: str  # in English: "/en/" (or "lang=en") is replaced by each language's
    # What to do on the page before axe looks at it (send a form to see its errors).
    then: Callable[[Page], None] | None = None


def in_language(address, language):
    return address.replace("/en/", f"/{language}/", 1).replace("lang=en", f"lang={language}")


def send_form(values=None, form="main form[method=post]"):
    """Send the page's form with ``values`` (by field name), past the browser's own checks, so
    that the server's errors show."""

    def send(page: Page):
        target = page.locator(form).first
        target.evaluate("form => { form.noValidate = true; }")
        for name, value in (values or {}).items():
            target.locator(f"[name='{name}']").fill(value)
        with page.expect_navigation():
            target.locator("[type=submit]").first.click()

    return send


def wait_for_maps(page: Page):
    """Let every Leaflet map draw itself and the project map get its data, so that axe sees
    the markers and the legend as a visitor does."""
    for container in page.locator(".leaflet-container").all():
        container.locator(".leaflet-control-zoom").wait_for()
    page.wait_for_function(
        """() => [...document.querySelectorAll(".project-map")]
            .every(map => ["ready", "error"].includes(map.dataset.state))"""
    )


@pytest.fixture
def group(transactional_db, media_root):
    """A group's editor, signed up and confirmed, with a draft that has a photo, a document and
    an organisation, and an invitation to edit another group's draft."""
    editor = make_user(email="grupo@example.org", password=PASSWORD, display_name="Lucía")
    EmailAddress.objects.create(user=editor, email=editor.email, verified=True, primary=True)
    draft = make_project(
        name_en="Cooperativa Zarzamora", status=Status.DRAFT, organisations=[make_organisation(name_en="FUCVAM")]
    )
    draft.editors.add(editor)
    ProjectPhoto(
        project=draft, image=SimpleUploadedFile("homes.jpg", jpeg()), alt_text="Homes around a courtyard"
    ).save()
    ProjectDocument(project=draft, file=SimpleUploadedFile("plans.pdf", pdf()), title="Plans").save()
    other = make_project(name_en="Cooperativa Vecina", status=Status.DRAFT)
    invitation = EditorInvitation.objects.create(project=other, email=editor.email, invited_by=make_user())
    return editor, draft, invitation


def visitor_visits():
    project = Project.objects.public().order_by("pk").first()
    project.contact_email = "group@example.org"
    project.save(update_fields=["contact_email"])
    conference_year = Meeting.objects.global_events().order_by("start_date").first().year
    subscription = Subscription.objects.create(email="reader@example.org", query="country=BR", language="en")
    return [
        *(Visit(name, address) for name, address in page_kinds()),
        Visit("conference of a year", f"/en/conference/{conference_year}/"),
        Visit("embedded map", "/embed/map/?lang=en"),
        Visit("sign in with errors", "/en/accounts/login/", send_form({"login": "no@example.org", "password": "x"})),
        Visit("sign up with errors", "/en/accounts/signup/", send_form({"email": "ana@example.org", "password1": "x"})),
        Visit("password reset", "/en/accounts/password/reset/"),
        Visit("password reset with errors", "/en/accounts/password/reset/", send_form({"email": "not an address"})),
        Visit("contact form", f"/en/projects/{project.slug}/contact/"),
        Visit("contact form with errors", f"/en/projects/{project.slug}/contact/", send_form()),
        Visit("report form", f"/en/projects/{project.slug}/report/"),
        Visit("report form with errors", f"/en/projects/{project.slug}/report/", send_form()),
        Visit("subscription", "/en/subscriptions/?country=BR&housing_model=community_land_trust"),
        Visit("subscription with errors", "/en/subscriptions/?country=BR", send_form({"email": "not an address"})),
        Visit("subscription sent", "/en/subscriptions/sent/"),
        Visit("subscription to confirm", f"/en/subscriptions/confirm/{subscription.token}/"),
        Visit("unsubscribe", f"/en/subscriptions/unsubscribe/{subscription.token}/"),
        Visit("bad request", "/en/projects/abc%00def/"),
        Visit("server error", "/en/failing/server-error/"),
        Visit("database out of reach", "/en/failing/database/"),
        Visit("too many attempts", "/en/failing/too-many-attempts/"),
    ]


def group_visits(draft, invitation):
    edit = f"/en/projects/{draft.slug}/edit"
    someone_elses = Project.objects.public().exclude(editors__isnull=False).order_by("pk").first()
    return [
        Visit("my projects", "/en/my/"),
        Visit("new project", "/en/projects/new/"),
        Visit("new project with errors", "/en/projects/new/", send_form(form="main form.edit-form")),
        Visit("project editor", f"{edit}/"),
        Visit("texts", f"{edit}/texts/"),
        Visit("facts", f"{edit}/facts/"),
        Visit("facts with errors", f"{edit}/facts/", send_form({"start_year": "1000"}, form="main form.edit-form")),
        Visit("location", f"{edit}/location/"),
        Visit("location with errors", f"{edit}/location/", send_form({"latitude": "500"}, form="main form.edit-form")),
        Visit("organisations", f"{edit}/organisations/"),
        Visit(
            "new organisation with errors",
            f"{edit}/organisations/",
            send_form({"new-website": "not an address"}, form="main form:has(button[value=add])"),
        ),
        Visit("photos", f"{edit}/photos/"),
        Visit("photo with errors", f"{edit}/photos/", send_form(form="main form[enctype='multipart/form-data']")),
        Visit("documents", f"{edit}/documents/"),
        Visit("document with errors", f"{edit}/documents/", send_form(form="main form[enctype='multipart/form-data']")),
        Visit("editors", f"{edit}/editors/"),
        Visit("editors with errors", f"{edit}/editors/", send_form({"email": "not an address"}, form="main form")),
        Visit("invitation", f"/en/projects/invitations/{invitation.token}/"),
        Visit("not allowed", f"/en/projects/{someone_elses.slug}/edit/"),
        Visit("profile", "/en/accounts/profile/"),
        Visit("profile with errors", "/en/accounts/profile/", send_form({"display_name": ""})),
        Visit("e-mail addresses", "/en/accounts/email/"),
        Visit(
            "e-mail address with errors",
            "/en/accounts/email/",
            send_form({"email": "not an address"}, form="main form:has(button[name=action_add])"),
        ),
        Visit("password change", "/en/accounts/password/change/"),
        Visit("password change with errors", "/en/accounts/password/change/", send_form({"oldpassword": "wrong"})),
        Visit("two-factor", "/en/accounts/2fa/"),
        Visit("account deletion", "/en/accounts/delete/"),
        Visit("account deletion with errors", "/en/accounts/delete/", send_form({"password": "wrong"})),
        Visit("reauthentication", "/en/accounts/reauthenticate/"),
    ]


def sign_in(page: Page, user, live_server):
    """Give the browser the session of ``user``, as the log-in form would."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_no_page_has_any_accessibility_violation_in_any_language(page: Page, whole_demo, group, live_server, settings):
    settings.ROOT_URLCONF = "tests.browser.error_urls"
    editor, draft, invitation = group
    started = time.monotonic()
    found = {}

    def look_at(visits):
        for language in LANGUAGES:
            for visit in visits:
                page.goto(in_language(visit.address, language))
                if visit.then:
                    visit.then(page)
                wait_for_maps(page)
                violations = axe_violations(page)
                if violations:
                    found[f"{visit.name} ({language}) {page.url}"] = describe(violations)
                # A form sent with errors is checked with its summary (templates/includes/form_errors.html).
                if visit.then and not page.locator(".error-summary").count():
                    found[f"{visit.name} ({language}) {page.url}: no summary"] = "the form came back without one"

    visitor = visitor_visits()
    look_at(visitor)
    sign_in(page, editor, live_server)
    signed_in = group_visits(draft, invitation)
    look_at(signed_in)

    pages = len(LANGUAGES) * (len(visitor) + len(signed_in))
    print(f"axe looked at {pages} pages in {time.monotonic() - started:.0f} s")
    assert not found, f"{len(found)} of {pages} pages have violations:\n\n" + "\n\n".join(
        f"{where}\n{what}" for where, what in found.items()
    )
