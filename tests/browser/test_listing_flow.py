"""A group lists its project and a moderator publishes it, in a real browser (issue #4).

Each test plays several people, each in a browser context of their own: the group's editor,
a moderator in the admin, and an anonymous visitor of the public pages. Every page they open
must log no console error (a Content-Security-Policy violation would show there).
"""

import json

import pytest
from allauth.account.models import EmailAddress
from django_countries import countries
from PIL import Image
from playwright.sync_api import Page, expect

from habitat import geo
from projects.models import LocationPrecision, Project, Stage, Status
from tests.browser.support import collect_page_errors, result_count, wait_for_map
from tests.factories import make_moderator, make_project, make_user
from tests.habitat.support import PASSWORD, link_in

pytestmark = pytest.mark.browser

EDITOR_EMAIL = "grupo@example.org"
MODERATOR_EMAIL = "moderator@example.org"
# Montevideo, where the new project is placed on the map; a published neighbour is already there.
COUNTRY = "UY"
CITY = "Montevideo"
MONTEVIDEO = (-34.9011, -56.1645)


@pytest.fixture(autouse=True)
def _site(settings, media_root):
    """Uploads go to the test's own folder (media_root), which the site serves them from."""
    # Staff would otherwise be sent to set up an authenticator app before the admin opens.
    settings.STAFF_REQUIRE_MFA = False


@pytest.fixture
def errors():
    """The console errors of every page that the test's people open."""
    return []


@pytest.fixture
def open_browser(new_context, live_server, errors):
    """A new person: a browser context of their own, its page watched for console errors."""

    def open_page() -> Page:
        page = new_context().new_page()
        collect_page_errors(page, live_server.url, errors)
        return page

    return open_page


@pytest.fixture
def moderator(transactional_db):
    user = make_moderator(username="moderator", email=MODERATOR_EMAIL, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def editor(transactional_db):
    user = make_user(username="grupo", email=EDITOR_EMAIL, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def log_in(page: Page, email):
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/en/my/")


def expect_message(page: Page, text):
    expect(page.locator(".messages")).to_contain_text(text)


def open_section(page: Page, name):
    link = page.get_by_role("navigation", name="Sections of the project").get_by_role("link", name=name, exact=True)
    link.click()
    expect(link).to_have_attribute("aria-current", "page")


def save_section(page: Page, name):
    page.locator("main").get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/edit/")
    expect_message(page, f"“{name}” is saved.")


def review_url(project):
    return f"/admin/projects/project/{project.pk}/review/"


def decide(page: Page, button, message=""):
    """Take a decision on the moderator's review page, with its message."""
    form = page.locator("form.review-decision").filter(has=page.get_by_role("button", name=button, exact=True))
    if message:
        form.locator("textarea").fill(message)
    form.get_by_role("button", name=button, exact=True).click()


def edit_summary(page: Page, summary):
    open_section(page, "Texts")
    page.get_by_label("Summary in English").fill(summary)
    save_section(page, "Texts")


def small_jpeg(path):
    Image.new("RGB", (64, 48), (200, 120, 40)).save(path, "JPEG")
    return path


def test_new_group_lists_a_project_that_a_moderator_publishes(
    open_browser, moderator, mailoutbox, errors, live_server, tmp_path
):
    neighbour = make_project(name_en="Cooperativa Vecina", city=CITY, country=COUNTRY, lat=-34.88, lon=-56.18)
    make_project(name_en="Elsewhere", country="CH")
    name = "Cooperativa Zarzamora"
    summary = "Forty families build their homes by mutual aid."

    # --- A new person signs up and confirms the address from the e-mail.
    group = open_browser()
    group.goto("/en/accounts/signup/")
    group.get_by_label("Email").fill(EDITOR_EMAIL)
    group.get_by_label("Password:", exact=True).fill(PASSWORD)
    group.get_by_label("Password (again)").fill(PASSWORD)
    group.get_by_label("Your name on the platform").fill("Lucía of Zarzamora")
    group.locator("main").get_by_role("button", name="Sign Up").click()
    group.wait_for_url("**/en/accounts/confirm-email/")
    assert [message.to for message in mailoutbox] == [[EDITOR_EMAIL]]

    group.goto(link_in(mailoutbox[0]))
    group.locator("main").get_by_role("button", name="Confirm").click()
    # Confirmed in the browser that signed up: signed in already.
    group.wait_for_url("**/en/my/")
    assert EmailAddress.objects.get(email=EDITOR_EMAIL).verified

    # --- The draft: name, country and city first.
    group.get_by_role("link", name="List a new project").click()
    group.wait_for_url("**/en/projects/new/")
    group.get_by_label("Name in English").fill(name)
    group.get_by_label("Country").select_option(label=countries.name(COUNTRY))
    group.get_by_label("City").fill(CITY)
    group.get_by_role("button", name="Create the draft").click()
    group.wait_for_url("**/edit/")
    expect_message(group, "Your draft is saved.")
    project = Project.objects.get(name_en=name)
    assert project.status == Status.DRAFT and list(project.editors.values_list("email", flat=True)) == [EDITOR_EMAIL]

    # --- The sections, each saved on its own.
    edit_summary(group, summary)

    open_section(group, "What it is")
    group.get_by_label("Stage").select_option(Stage.CONSTRUCTION)
    group.get_by_label("Dwellings").fill("40")
    save_section(group, "What it is")

    open_section(group, "Where it is")
    group.locator(".picker-map .leaflet-control-zoom").wait_for()
    latitude, longitude = group.locator("#id_latitude"), group.locator("#id_longitude")
    expect(latitude).to_have_value("")
    # The group pans and zooms to its neighbourhood, then clicks its place on the map.
    group.evaluate(
        "([lat, lng]) => window.__testMaps['location-picker'].setView([lat, lng], 15, {animate: false})",
        list(MONTEVIDEO),
    )
    group.locator(".picker-map .leaflet-container").click()
    expect(latitude).not_to_have_value("")
    expect(longitude).not_to_have_value("")
    expect(group.locator(".picker-map .leaflet-marker-icon")).to_have_count(1)
    clicked = (float(latitude.input_value()), float(longitude.input_value()))
    assert clicked == (pytest.approx(MONTEVIDEO[0], abs=0.005), pytest.approx(MONTEVIDEO[1], abs=0.005))
    group.get_by_label("Address").fill("Calle Secreta 1234")
    group.get_by_label("approximate (about 1 km)").check()
    save_section(group, "Where it is")
    project.refresh_from_db()
    assert project.location_precision == LocationPrecision.APPROXIMATE
    exact = project.location
    assert (round(exact.y, 6), round(exact.x, 6)) == clicked

    open_section(group, "Photos")
    group.get_by_label("Image").set_input_files(small_jpeg(tmp_path / "obra.jpg"))
    group.get_by_label("Alternative text").fill("Families laying bricks on the building site")
    group.get_by_label("Caption").fill("The second block rises")
    group.get_by_label("Credit").fill("Ana Pérez")
    group.get_by_role("button", name="Add the photo").click()
    expect_message(group, "The photo is added.")
    expect(group.locator("img.thumb")).to_have_attribute("alt", "Families laying bricks on the building site")

    # --- Submitted: the moderators hear of it.
    group.get_by_role("link", name="Overview").click()
    group.get_by_role("button", name="Submit for review").click()
    expect_message(group, "Submitted. A moderator will review it")
    expect(group.locator(".meta").first).to_contain_text("State: submitted")
    assert any(message.to == [MODERATOR_EMAIL] and name in message.subject for message in mailoutbox)

    # Nobody else sees it yet: neither the list nor the map of its country.
    visitor = open_browser()
    visitor.goto("/en/projects/?q=Zarzamora")
    assert result_count(visitor) == 0
    visitor.goto(f"/en/projects/?country={COUNTRY}")
    expect(wait_for_map(visitor)).to_have_attribute("data-total", "1")
    # (Asked without opening it in the page, whose console would log the 404.)
    assert visitor.request.get(f"{live_server.url}/en/projects/{project.slug}/").status == 404

    # --- The moderator finds it in the queue and publishes it.
    admin = open_browser()
    log_in(admin, MODERATOR_EMAIL)
    admin.goto("/admin/projects/project/")
    admin.get_by_role("link", name="1 new project waits for review").click()
    admin.get_by_role("link", name=f"Review “{name}”").click()
    admin.wait_for_url(f"**{review_url(project)}")
    standing = admin.get_by_role("region", name="Where it stands")
    expect(standing).to_contain_text("This group asked to hide where it lives.")
    # The moderator knows the editor by the name they chose, never by their address.
    expect(standing).to_contain_text("Editors: Lucía of Zarzamora")
    expect(standing).not_to_contain_text("grupo")
    decide(admin, "Publish")
    expect(admin.locator(".messagelist")).to_contain_text(f"“{name}” is published.")
    project.refresh_from_db()
    assert project.status == Status.PUBLISHED
    assert any(message.to == [EDITOR_EMAIL] and "published" in message.subject for message in mailoutbox)

    # --- The public list and map now show it.
    visitor.goto("/en/projects/?q=Zarzamora")
    assert result_count(visitor) == 1
    expect(visitor.locator(".project-card h3")).to_have_text(name)
    visitor.goto(f"/en/projects/?country={COUNTRY}")
    container = wait_for_map(visitor)
    expect(container).to_have_attribute("data-total", "2")
    # Newest first.
    expect(visitor.locator(".project-card h3")).to_have_text([name, neighbour.name])
    # The map's data, as close as it zooms: single points, the listed one at its cell's centre.
    map_json = visitor.request.get(f"{live_server.url}/projects/map.json?country={COUNTRY}&zoom=18").text()
    public = geo.public_point(exact, precision_is_exact=False)
    points = {f["properties"]["name"]: f["geometry"]["coordinates"] for f in json.loads(map_json)["features"]}
    assert points[name] == [public.x, public.y]

    # --- Its page: the photo with its description, only the approximate place.
    visitor.get_by_role("link", name=name).click()
    visitor.wait_for_url(f"**/en/projects/{project.slug}/")
    photo = visitor.get_by_role("img", name="Families laying bricks on the building site")
    photo.scroll_into_view_if_needed()
    expect(photo).to_be_visible()
    visitor.wait_for_function("img => img.complete && img.naturalWidth === 64", arg=photo.element_handle())
    expect(visitor.locator("figcaption")).to_contain_text("The second block rises")
    expect(visitor.locator("figcaption")).to_contain_text("Photo: Ana Pérez")
    expect(visitor.locator(".detail-side")).to_contain_text("Approximate location")
    detail_map = visitor.locator(".detail-map")
    expect(detail_map).to_have_attribute("data-lat", f"{public.y:.6f}")
    expect(detail_map).to_have_attribute("data-lng", f"{public.x:.6f}")
    visitor.locator(".detail-map .leaflet-control-zoom").wait_for()
    html = visitor.content()
    for text in (map_json, html):
        assert f"{exact.y:.4f}" not in text and f"{exact.x:.4f}" not in text
    assert "Calle Secreta" not in html

    assert errors == []


def test_moderator_requests_changes_that_the_group_makes(open_browser, moderator, editor, mailoutbox, errors):
    project = make_project(
        name_en="Cooperativa Las Acacias",
        summary_en="A first summary that says too little.",
        city=CITY,
        country=COUNTRY,
        status=Status.SUBMITTED,
    )
    project.editors.add(editor)
    request = "Please say how many families take part and how the land was obtained."
    better = "Thirty families, on land the city lent them for fifty years."

    admin = open_browser()
    log_in(admin, MODERATOR_EMAIL)
    admin.goto(review_url(project))
    decide(admin, "Request changes", request)
    expect(admin.locator(".messagelist")).to_contain_text("is sent back to its group with your message.")
    expect(admin.locator("#events")).to_contain_text(request)
    assert any(message.to == [EDITOR_EMAIL] and request in message.body for message in mailoutbox)

    # The group reads the request in its space and on the project's overview.
    group = open_browser()
    log_in(group, EDITOR_EMAIL)
    card = group.locator(".project-card").filter(has_text=project.name)
    expect(card).to_contain_text("State: changes requested")
    expect(card.locator("blockquote")).to_have_text(request)
    card.get_by_role("link", name=project.name).click()
    group.wait_for_url(f"**/en/projects/{project.slug}/edit/")
    expect(group.locator(".note")).to_contain_text("A moderator asked for changes")
    expect(group.locator(".event blockquote").first).to_have_text(request)

    edit_summary(group, better)
    group.get_by_role("button", name="Submit for review").click()
    expect_message(group, "Submitted. A moderator will review it")

    admin.reload()
    expect(admin.get_by_role("region", name="Where it stands")).to_contain_text("Moderation status: submitted")
    decide(admin, "Publish")
    expect(admin.locator(".messagelist")).to_contain_text("is published.")

    visitor = open_browser()
    visitor.goto(project.get_absolute_url())
    expect(visitor.locator(".lead")).to_have_text(better)

    assert errors == []


def test_change_to_a_published_project_stays_private_until_published(open_browser, moderator, editor, errors):
    before = "A housing co-operative of twelve families."
    after = "A housing co-operative of twelve families, now with a shared garden."
    project = make_project(name_en="Cooperativa El Ceibo", summary_en=before, city=CITY, country=COUNTRY)
    project.editors.add(editor)

    group = open_browser()
    log_in(group, EDITOR_EMAIL)
    group.get_by_role("link", name=project.name).click()
    group.get_by_role("button", name="Start a change").click()
    expect_message(group, "You are now changing a copy.")
    edit_summary(group, after)
    group.get_by_role("button", name="Submit my changes").click()
    expect_message(group, "Submitted. A moderator will review it")
    expect(group.locator(".meta").first).to_contain_text("your change: submitted")

    # Until a moderator publishes the change, the public sees the published version.
    visitor = open_browser()
    visitor.goto(project.get_absolute_url())
    expect(visitor.locator(".lead")).to_have_text(before)

    admin = open_browser()
    log_in(admin, MODERATOR_EMAIL)
    admin.goto("/admin/projects/project/")
    admin.get_by_role("link", name="1 change to a published project waits for review").click()
    admin.get_by_role("link", name=f"Review “{project.name}”").click()
    differences = admin.locator("#differences")
    expect(differences).to_contain_text(before)
    expect(differences).to_contain_text(after)
    decide(admin, "Publish")
    expect(admin.locator(".messagelist")).to_contain_text(f"The change to “{project.name}” is published")
    admin.wait_for_url(f"**{review_url(project)}")

    visitor.reload()
    expect(visitor.locator(".lead")).to_have_text(after)
    assert Project.objects.get(pk=project.pk).summary_en == after
    assert not Project.objects.filter(revision_of=project).exists()

    assert errors == []


@pytest.fixture
def draft(editor):
    project = make_project(name_en="Cooperativa Borrador", city=CITY, country=COUNTRY, status=Status.DRAFT)
    project.editors.add(editor)
    return project


def test_refused_photo_keeps_what_was_typed(open_browser, draft, errors, tmp_path):
    not_an_image = tmp_path / "plano.jpg"
    not_an_image.write_text("This is a text file, not a photo.")

    group = open_browser()
    log_in(group, EDITOR_EMAIL)
    group.goto(f"/en/projects/{draft.slug}/edit/photos/")
    group.get_by_label("Image").set_input_files(not_an_image)
    group.get_by_label("Alternative text").fill("The plan of the ground floor")
    group.get_by_label("Caption").fill("Ground floor")
    group.get_by_label("Credit").fill("Taller de arquitectura")
    group.get_by_role("button", name="Add the photo").click()

    expect(group.locator(".error-summary")).to_contain_text("The photo was not added")
    expect(group.locator(".field-error")).to_contain_text("“plano.jpg” was refused: This file is not an image")
    expect(group.get_by_label("Alternative text")).to_have_value("The plan of the ground floor")
    expect(group.get_by_label("Caption")).to_have_value("Ground floor")
    expect(group.get_by_label("Credit")).to_have_value("Taller de arquitectura")
    assert not draft.photos.exists()

    assert errors == []


def add_text_file_as_pdf(page: Page, draft, tmp_path):
    """On the documents section, add a text file named like a PDF, with a title."""
    not_a_pdf = tmp_path / "estatutos.pdf"
    not_a_pdf.write_text("These statutes were saved as plain text.")
    page.goto(f"/en/projects/{draft.slug}/edit/documents/")
    page.get_by_label("File").set_input_files(not_a_pdf)
    page.get_by_label("Title").fill("Statutes of the co-operative")
    page.get_by_role("button", name="Add the document").click()


def test_refused_document_keeps_its_title(open_browser, draft, errors, tmp_path):
    group = open_browser()
    log_in(group, EDITOR_EMAIL)
    add_text_file_as_pdf(group, draft, tmp_path)

    expect(group.locator(".field-error")).to_contain_text("This file is not a PDF document.")
    expect(group.get_by_label("Title")).to_have_value("Statutes of the co-operative")
    assert not draft.documents.exists()

    assert errors == []


def test_refused_document_error_names_the_file(open_browser, draft, tmp_path):
    group = open_browser()
    log_in(group, EDITOR_EMAIL)
    add_text_file_as_pdf(group, draft, tmp_path)

    expect(group.locator(".field-error")).to_contain_text("This file is not a PDF document.")
    expect(group.locator(".field-error")).to_contain_text("“estatutos.pdf” was refused", timeout=1_000)
