"""A moderator imports a network's list in the admin, in a real browser (issue 12): uploads the
CSV, sees its columns matched, reads the preview with one probable duplicate and one error
named by row and column, confirms, and follows the import to its end."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Permission
from playwright.sync_api import Page, expect

from habitat.models import Organisation
from projects.models import Project, Status
from tests.factories import make_moderator, make_organisation, make_project
from tests.habitat.support import PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "importer@example.org"
LIST = """name;pays;lat;lon;étape
Le Village Vertical;France;45.7485;4.8467;inhabited
Les Voisins du Quai;FR;45.7600;4.8300;construction
La Ferme du Bout;FR;145.2;4.9;idea
Le Grand Portail;FR;45.7700;4.8500;planning
"""


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # Staff would otherwise be sent to set up an authenticator app before the admin opens.
    settings.STAFF_REQUIRE_MFA = False


@pytest.fixture
def importer(transactional_db):
    user = make_moderator(username="importer", email=EMAIL, password=PASSWORD)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_importbatch", "view_importbatch", "undo_importbatch"])
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def listed(transactional_db):
    """The project the network's list repeats, already in the directory."""
    return make_project(name_en="Le Village Vertical", city="Lyon", country="FR", lon=4.8467, lat=45.7485)


@pytest.fixture
def network(transactional_db):
    return make_organisation(name_en="Habitat Participatif France", kind=Organisation.Kind.NETWORK)


def test_a_moderator_previews_and_imports_a_networks_list(
    page: Page, live_server, importer, listed, network, page_errors
):
    page.goto("/en/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/en/my/")

    page.goto("/admin/imports/importbatch/")
    page.get_by_role("link", name="Add import").click()
    page.get_by_label("File").set_input_files(
        files=[{"name": "membres.csv", "mimeType": "text/csv", "buffer": LIST.encode()}]
    )
    page.get_by_label("Network").select_option(label=str(network))
    page.get_by_label("Language of the texts").select_option(label="French")
    page.get_by_role("button", name="Read the file").click()

    # The columns, matched from their French headers.
    expect(page.get_by_role("heading", level=1)).to_have_text("Match the columns of “membres.csv”")
    expect(page.get_by_label("pays", exact=True)).to_have_value("country")
    expect(page.get_by_label("lat", exact=True)).to_have_value("latitude")
    expect(page.get_by_label("étape", exact=True)).to_have_value("stage")
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Preview of “membres.csv”")
    counts = page.locator("#outcome-counts")
    expect(counts).to_contain_text("New: 2")
    expect(counts).to_contain_text("Probable duplicate: 1")
    expect(counts).to_contain_text("Error: 1")
    rows = page.get_by_role("table", name="What each row of “membres.csv” would become")
    duplicate = rows.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Le Village Vertical"))
    expect(duplicate).to_contain_text("Probable duplicate")
    expect(duplicate.get_by_role("link", name="Le Village Vertical")).to_have_attribute(
        "href", f"/admin/projects/project/{listed.pk}/change/"
    )
    expect(duplicate.get_by_label("Import row 1 anyway, as a new project")).not_to_be_checked()
    error = rows.get_by_role("row").filter(has=page.get_by_role("rowheader", name="La Ferme du Bout"))
    expect(error).to_contain_text("Row 3, column “lat”: enter a number between -90 and 90")
    assert not Project.objects.filter(name_fr="Les Voisins du Quai").exists()

    page.get_by_role("button", name="Import as drafts").click()
    expect(page.locator(".messagelist")).to_contain_text("The import has started.")
    expect(page.get_by_text("4 of 4 rows done")).to_be_visible()
    imported = page.get_by_role("table").filter(has=page.get_by_role("rowheader", name="Les Voisins du Quai"))
    expect(imported.get_by_role("link", name="Le Grand Portail")).to_be_visible()

    new = Project.objects.filter(name_fr__in=["Les Voisins du Quai", "Le Grand Portail"])
    assert sorted(new.values_list("status", flat=True)) == [Status.DRAFT, Status.DRAFT]
    assert Project.objects.filter(name_en="Le Village Vertical").count() == 1
    assert page_errors == []
