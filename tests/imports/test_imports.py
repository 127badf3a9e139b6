"""Staff import a network's list of projects (issue 12): the file read (CSV, GeoJSON), its
columns matched, a dry-run preview of every row (new, probable duplicate, update, unchanged,
error named by row and column), the import as drafts or published projects on the worker,
re-runs that update rather than duplicate, and undoing an import as a whole."""

import json

import pytest
import reversion
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from habitat.models import Organisation
from imports import columns, files, tasks
from imports.models import BatchStatus, ImportBatch, ImportedRow
from projects.models import LocationPrecision, Project, ProjectActor, Status
from projects.models.moderation import Action
from tests.factories import make_moderator, make_organisation, make_project, make_user

pytestmark = pytest.mark.django_db

# Two projects of a French network, the second in Lyon by its French name.
LIST = """name;pays;lat;lon;étape;logements;id
Le Village Vertical;France;45,7485;4,8467;inhabited;14;vv-1
Les Voisins du Quai;FR;45.7600;4.8300;construction;20;vq-2
"""


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_REQUIRE_MFA = False


@pytest.fixture
def network():
    return make_organisation(name_en="Habitat Participatif France", kind=Organisation.Kind.NETWORK)


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def importer():
    """A moderator who may import and undo imports."""
    return grant(make_moderator(), "add_importbatch", "view_importbatch", "undo_importbatch")


@pytest.fixture
def staff(client, importer):
    client.force_login(importer)
    return client


def upload(client, network, text, *, name="list.csv", publish=False, language="en"):
    """Upload a file and keep the columns as guessed: the batch, ready for its preview."""
    data = text.encode() if isinstance(text, str) else text
    response = client.post(
        reverse("admin:imports_importbatch_add"),
        {
            "file": SimpleUploadedFile(name, data),
            "network": network.pk,
            "language": language,
            "publish": "yes" if publish else "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    batch = ImportBatch.objects.latest("pk")
    columns_page = client.get(response["Location"])
    form = columns_page.context["form"]
    answer = client.post(
        response["Location"], {name: form[name].initial for name in form.fields if form[name].initial is not None}
    )
    assert answer.status_code == 302, answer.context["form"].errors
    return batch


def preview_of(client, batch):
    response = client.get(reverse("admin:imports_importbatch_preview", args=[batch.pk]))
    assert response.status_code == 200
    return {report.number: report for report in response.context["reports"]}, response


def run(client, batch, include=()):
    response = client.post(reverse("admin:imports_importbatch_preview", args=[batch.pk]), {"include": list(include)})
    assert response.status_code == 302
    batch.refresh_from_db()
    return batch


# --- Reading files and matching columns ---------------------------------------------------


def test_headers_are_matched_whatever_their_language_case_or_accents():
    guessed = columns.guess(["Nom du projet", "PAÍS", "Latitud", "lng", "Ville", "Año de inicio", "notes", "nombre"])
    assert guessed == {
        "Nom du projet": "name",
        "PAÍS": "country",
        "Latitud": "latitude",
        "lng": "longitude",
        "Ville": "city",
        "Año de inicio": "start_year",
    }


def test_a_csv_with_semicolons_is_read_and_its_blank_lines_skipped():
    table = files.read_csv("nom;pays\n\nLa Borda;ES\n;\nKalkbreite;CH\n")
    assert table.headers == ["nom", "pays"]
    assert table.rows == [["La Borda", "ES"], ["Kalkbreite", "CH"]]


def test_a_geojson_file_gives_its_properties_and_points_as_columns():
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [2.17, 41.39]},
                "properties": {"nombre": "La Borda", "models": ["cooperative", "self_build"]},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": []},
                "properties": {"nombre": "Una plaza", "país": "ES"},
            },
        ],
    }
    table = files.read_geojson(json.dumps(collection))
    assert table.headers == ["nombre", "models", "país", "longitude", "latitude"]
    assert table.rows[0] == ["La Borda", "cooperative; self_build", "", "2.17", "41.39"]
    assert table.problems == {2: "its geometry is not a point (Polygon): only points can be imported."}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.csv", "nom;pays\nCoopérative;France\n".encode("latin-1"), "The file is not in UTF-8."),
        ("list.xlsx", b"name,country\nA,FR\n", "Only CSV files (.csv) and GeoJSON files (.geojson) can be imported."),
        ("list.csv", b"name,country\n", "The file has no rows of projects under its header."),
        ("list.csv", b"", "The submitted file is empty."),
        (
            "list.geojson",
            b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null, "properties": {}}]}',
            "The GeoJSON file has no points: each project must be a Point feature.",
        ),
        ("list.geojson", b'{"type": "Feature"}', "The GeoJSON file must be a FeatureCollection"),
    ],
)
def test_a_file_that_cannot_be_imported_says_why(staff, network, name, content, message):
    response = staff.post(
        reverse("admin:imports_importbatch_add"),
        {"file": SimpleUploadedFile(name, content), "network": network.pk, "language": "en", "publish": ""},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists()


def test_a_file_too_large_says_how_to_split_it(staff, network, monkeypatch):
    monkeypatch.setattr(files, "MAX_BYTES", 100)
    response = staff.post(
        reverse("admin:imports_importbatch_add"),
        {"file": SimpleUploadedFile("list.csv", b"name,country\n" + b"A,FR\n" * 50), "network": network.pk},
    )
    assert "The file is too large" in response.context["form"].errors["file"][0]


def test_the_columns_page_guesses_and_requires_a_name_and_a_country(staff, network):
    response = staff.post(
        reverse("admin:imports_importbatch_add"),
        {"file": SimpleUploadedFile("list.csv", LIST.encode()), "network": network.pk, "language": "fr"},
    )
    batch = ImportBatch.objects.get()
    assert batch.mapping == {
        "name": "name",
        "pays": "country",
        "lat": "latitude",
        "lon": "longitude",
        "étape": "stage",
        "logements": "dwellings",
        "id": "external_id",
    }
    page = staff.get(response["Location"])
    assert page.context["form"]["column_1"].initial == "country"
    # The country left out, and the latitude without its longitude.
    answer = staff.post(response["Location"], {"column_0": "name", "column_2": "latitude"})
    errors = answer.context["form"].non_field_errors()
    assert (
        "Choose the column that holds the projects’ country (name or two-letter code): every project needs one."
        in errors
    )
    assert "Choose a column for the latitude and one for the longitude, or neither." in errors
    answer = staff.post(response["Location"], {"column_0": "name", "column_1": "country", "column_6": "name"})
    assert answer.context["form"].errors["column_6"] == ["“name” already fills “name”: choose one column for it."]


# --- The preview ------------------------------------------------------------------------------


def test_the_preview_names_each_error_by_row_and_column_and_saves_nothing(staff, network):
    text = (
        "nom,pays,latitude,longitude,début,étape\n"
        "La Borda,Espagne,41.39,2.17,2014,habité\n"
        "Sans pays,Narnia,41.39,2.17,,\n"
        "Trop au nord,ES,91,2.17,,\n"
        "Sans longitude,ES,41.39,,,\n"
        "Trop tôt,ES,,,1492,idée\n"
        "Étape inconnue,ES,,,,en rêve\n"
    )
    batch = upload(staff, network, text, language="fr")
    reports, response = preview_of(staff, batch)
    assert reports[1].outcome == "new" and reports[1].messages == []
    assert reports[2].messages == [
        "Row 2, column “pays”: “Narnia” is not a country we know: give its name or its two-letter code"
    ]
    assert reports[3].messages == ["Row 3, column “latitude”: enter a number between -90 and 90"]
    assert reports[4].messages == ["Row 4, column “longitude”: give both latitude and longitude, or neither"]
    assert reports[5].messages == ["Row 5, column “début”: Ensure this value is greater than or equal to 1800."]
    assert reports[6].messages[0].startswith("Row 6, column “étape”: “en rêve” is not one of: idea, forming group")
    assert response.context["counts"] == {"new": 1, "duplicate": 0, "update": 0, "unchanged": 0, "error": 5}
    assert "Row 3, column “latitude”: enter a number between -90 and 90" in response.content.decode()
    assert not Project.objects.exists()


def test_probable_duplicates_are_the_same_name_in_the_country_or_a_similar_name_nearby(staff, network):
    same_name = make_project(name_en="Coopérative La Borda", country="ES", city="Barcelona", lon=2.0, lat=41.0)
    nearby = make_project(name_en="Habitatge cooperatiu Sostre Cívic", country="ES", lon=2.1700, lat=41.3900)
    make_project(name_en="Another group entirely", country="ES", lon=2.1702, lat=41.3901)
    make_project(name_en="Cooperative la Borda", country="FR", lon=5.0, lat=45.0)
    text = (
        "name,country,latitude,longitude\n"
        "cooperative LA BORDA!,ES,,\n"
        "Sostre Civic,ES,41.3950,2.1700\n"
        "Somewhere new,ES,41.3905,2.1705\n"
    )
    batch = upload(staff, network, text)
    reports, response = preview_of(staff, batch)
    assert reports[1].outcome == "duplicate" and reports[1].duplicates == [same_name]
    assert reports[2].outcome == "duplicate" and reports[2].duplicates == [nearby]
    assert reports[3].outcome == "new" and reports[3].duplicates == []
    page = response.content.decode()
    assert reverse("admin:projects_project_change", args=[same_name.pk]) in page
    assert 'name="include" value="1"' in page


# --- Importing --------------------------------------------------------------------------------


def test_an_import_as_drafts_names_the_network_and_leaves_duplicates_and_errors_out(staff, network, importer):
    listed = make_project(name_en="Le Village Vertical", country="FR", lon=4.8467, lat=45.7485)
    text = LIST + "Sans pays;;45.7;4.8;;;x-3\nLa Ferme;FR;;;idea;;x-4\n"
    batch = upload(staff, network, text)
    batch = run(staff, batch)

    assert batch.status == BatchStatus.DONE
    assert (batch.created_count, batch.duplicate_count, batch.error_count, batch.rows_done) == (2, 1, 1, 4)
    assert batch.run_errors == ["Row 3, column “pays”: This field cannot be blank."]
    quai = Project.objects.get(name_en="Les Voisins du Quai")
    assert quai.status == Status.DRAFT
    assert quai.country == "FR" and quai.dwellings == 20 and quai.stage == "construction"
    # Imported points are shown rounded unless the file says they are exact.
    assert quai.location_precision == LocationPrecision.APPROXIMATE
    assert quai.public_location != quai.location
    assert ProjectActor.objects.get(project=quai).organisation == network
    assert ProjectActor.objects.get(project=quai).role == ProjectActor.Role.NETWORK
    farm = Project.objects.get(name_en="La Ferme")
    assert farm.location is None
    assert list(ImportedRow.objects.values_list("key", "action")) == [("id:vq-2", "created"), ("id:x-4", "created")]
    assert Project.objects.filter(name_en="Le Village Vertical").get() == listed
    page = staff.get(reverse("admin:imports_importbatch_change", args=[batch.pk])).content.decode()
    assert "4 of 4 rows done" in page
    assert 'http-equiv="refresh"' not in page


def test_a_geojson_list_is_imported_with_its_points(staff, network):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [2.1734, 41.3851]},
                "properties": {"nombre": "La Borda", "país": "España", "viviendas": 28, "precisión": "exacta"},
            }
        ],
    }
    batch = upload(staff, network, json.dumps(collection), name="red.geojson", language="es")
    assert batch.file_format == "geojson"
    assert batch.mapping == {
        "nombre": "name",
        "país": "country",
        "viviendas": "dwellings",
        "precisión": "location_precision",
        "longitude": "longitude",
        "latitude": "latitude",
    }
    run(staff, batch)
    borda = Project.objects.get()
    assert (borda.name_es, borda.original_language, borda.country, borda.dwellings) == ("La Borda", "es", "ES", 28)
    assert (borda.location.x, borda.location.y) == (2.1734, 41.3851)
    assert borda.location_precision == LocationPrecision.EXACT


def test_a_ticked_duplicate_is_imported_as_a_new_project(staff, network):
    make_project(name_en="Le Village Vertical", country="FR")
    batch = run(staff, upload(staff, network, LIST), include=[1])
    assert batch.created_count == 2 and batch.duplicate_count == 0
    assert Project.objects.filter(name_en="Le Village Vertical").count() == 2


def test_an_import_as_published_projects_goes_through_the_moderation_steps(staff, network, importer, mailoutbox):
    text = (
        "name,country,latitude,longitude,summary\n"
        "La Borda,ES,41.39,2.17,A co-operative in Barcelona.\n"
        "No summary,ES,41.4,2.2,\n"
    )
    batch = upload(staff, network, text, publish=True)
    reports, _response = preview_of(staff, batch)
    assert reports[2].messages == [
        "Row 2, column “summary”: a published project needs a short summary; import the list as drafts to add it later"
    ]
    batch = run(staff, batch)
    borda = Project.objects.public().get()
    assert borda.name_en == "La Borda"
    assert list(borda.events.values_list("action", "actor")) == [
        (Action.PUBLISHED, importer.pk),
        (Action.SUBMITTED, importer.pk),
    ]
    assert mailoutbox == []
    assert Organisation.objects.get(pk=network.pk).public_project_count == 1


def test_only_moderators_may_publish_an_import(client, network):
    clerk = grant(make_user(is_staff=True), "add_importbatch", "view_importbatch")
    client.force_login(clerk)
    response = client.post(
        reverse("admin:imports_importbatch_add"),
        {"file": SimpleUploadedFile("list.csv", LIST.encode()), "network": network.pk, "publish": "yes"},
    )
    assert response.context["form"].errors["publish"] == [
        "Only moderators may publish projects: import them as drafts."
    ]


# --- Re-running with an updated file ----------------------------------------------------------


def test_a_rerun_of_an_updated_file_updates_the_projects_and_creates_no_duplicates(staff, network):
    first = run(staff, upload(staff, network, LIST))
    assert first.created_count == 2
    updated = LIST.replace(";20;vq-2", ";24;vq-2") + "La Ferme;FR;;;idea;;x-4\n"
    second = upload(staff, network, updated)
    reports, _response = preview_of(staff, second)
    assert [reports[number].outcome for number in (1, 2, 3)] == ["unchanged", "update", "new"]
    assert reports[2].changes == ["dwellings"]
    second = run(staff, second)
    assert (second.created_count, second.updated_count, second.unchanged_count) == (1, 1, 1)
    assert Project.objects.count() == 3
    assert Project.objects.get(name_en="Les Voisins du Quai").dwellings == 24


def test_a_rerun_without_external_ids_finds_the_projects_by_name_and_country(staff, network):
    text = "name,country,dwellings\nLa Borda,ES,28\n"
    run(staff, upload(staff, network, text))
    rerun = run(staff, upload(staff, network, "Name,Country,Dwellings\nLA BORDA,Spain,30\n"))
    assert (rerun.created_count, rerun.updated_count) == (0, 1)
    assert Project.objects.get().dwellings == 30


def test_another_networks_list_is_not_an_update_but_a_probable_duplicate(staff, network):
    run(staff, upload(staff, network, LIST))
    other = make_organisation(name_en="Another network")
    batch = upload(staff, other, LIST)
    reports, _response = preview_of(staff, batch)
    assert [report.outcome for report in reports.values()] == ["duplicate", "duplicate"]


def test_a_row_repeated_in_the_file_is_an_error(staff, network):
    batch = upload(staff, network, LIST + "Le Village Vertical again;FR;;;;;vv-1\n")
    reports, _response = preview_of(staff, batch)
    assert reports[3].messages == [
        "Row 3, column “id”: the same project as row 1 (same external id, or same name and country)"
    ]


# --- Undoing ----------------------------------------------------------------------------------


def undo(client, batch):
    response = client.post(reverse("admin:imports_importbatch_undo", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    return batch


def test_undoing_an_import_removes_what_it_created_and_puts_back_what_it_updated(staff, network):
    first = run(staff, upload(staff, network, LIST))
    changed = LIST.replace(";20;vq-2", ";24;vq-2").replace("Quai;FR;45.7600", "Quai;Belgique;50.8503")
    second = run(staff, upload(staff, network, changed))
    quai = Project.objects.get(name_en="Les Voisins du Quai")
    assert (quai.dwellings, quai.country, quai.location.y) == (24, "BE", 50.8503)

    second = undo(staff, second)
    quai.refresh_from_db()
    assert (quai.dwellings, quai.country, quai.location.y) == (20, "FR", 45.76)
    assert second.status == BatchStatus.UNDONE
    assert list(second.imported_rows.values_list("undo_outcome", flat=True)) == ["restored"]
    assert ProjectActor.objects.filter(project=quai, organisation=network).count() == 1

    first = undo(staff, first)
    assert not Project.objects.exists()
    assert list(first.imported_rows.values_list("undo_outcome", flat=True)) == ["removed", "removed"]
    # Undoing again changes nothing and says so.
    response = staff.post(reverse("admin:imports_importbatch_undo", args=[first.pk]), follow=True)
    assert "This import has already been undone." in response.content.decode()


def test_undoing_keeps_the_projects_people_changed_since(staff, network, importer):
    batch = run(staff, upload(staff, network, LIST))
    quai = Project.objects.get(name_en="Les Voisins du Quai")
    with reversion.create_revision():
        reversion.set_user(importer)
        quai.summary_en = "Written by the group."
        quai.save()
    claimed = Project.objects.get(name_en="Le Village Vertical")
    claimed.editors.add(make_user())

    batch = undo(staff, batch)
    assert Project.objects.count() == 2
    notes = dict(batch.imported_rows.values_list("project_name", "undo_note"))
    assert notes == {
        "Le Village Vertical": "a group now edits it",
        "Les Voisins du Quai": "it was changed after the import",
    }
    page = staff.get(reverse("admin:imports_importbatch_change", args=[batch.pk])).content.decode()
    assert "it was changed after the import" in page


def test_an_undone_import_can_be_imported_again(staff, network):
    undo(staff, run(staff, upload(staff, network, LIST)))
    again = run(staff, upload(staff, network, LIST))
    assert again.created_count == 2
    assert Project.objects.count() == 2


# --- Progress and permissions ---------------------------------------------------------------


def test_a_run_cut_short_starts_again_after_the_last_rows_it_committed(staff, network):
    batch = upload(staff, network, LIST + "La Ferme;FR;;;idea;;x-4\n")
    # The worker died after committing the first rows: habitat.worker runs the task again.
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, total_rows=3, rows_done=2, created_count=2
    )
    tasks.run_import.call(batch_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.rows_done, batch.created_count) == (BatchStatus.DONE, 3, 3)
    assert list(Project.objects.values_list("name_en", flat=True)) == ["La Ferme"]


def test_a_running_import_shows_its_progress_and_reloads_itself(staff, network, importer):
    batch = ImportBatch.objects.create(
        network=network,
        created_by=importer,
        file_name="big.csv",
        file_format="csv",
        status=BatchStatus.RUNNING,
        total_rows=5000,
        rows_done=1200,
    )
    page = staff.get(reverse("admin:imports_importbatch_change", args=[batch.pk])).content.decode()
    assert "1200 of 5000 rows done" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="import-progress" max="5000" value="1200">' in page


def test_the_list_of_imports_links_each_to_its_page(staff, network, importer):
    batch = run(staff, upload(staff, network, LIST))
    page = staff.get(reverse("admin:imports_importbatch_changelist")).content.decode()
    assert reverse("admin:imports_importbatch_change", args=[batch.pk]) in page
    assert reverse("admin:imports_importbatch_add") in page
    # A batch whose columns are still to match leads back to that step.
    waiting = upload(staff, network, LIST)
    response = staff.get(reverse("admin:imports_importbatch_change", args=[waiting.pk]))
    assert response["Location"] == reverse("admin:imports_importbatch_columns", args=[waiting.pk])


def test_people_without_the_permission_cannot_import(client, network):
    url = reverse("admin:imports_importbatch_add")
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(make_user())
    assert client.get(url).status_code == 302
    client.force_login(make_moderator())  # staff, but not allowed to import
    assert client.get(url).status_code == 403
    batch = ImportBatch.objects.create(network=network, file_name="x.csv", file_format="csv", status=BatchStatus.DONE)
    assert client.post(reverse("admin:imports_importbatch_undo", args=[batch.pk])).status_code == 403
    assert client.get(reverse("admin:imports_importbatch_preview", args=[batch.pk])).status_code == 403
