"""Dated snapshots of the open data: made once a day by the command, read back with zipfile,
csv and json, listed on the open data page, downloadable by anyone, and holding nothing that
the public must not see."""

import csv
import datetime
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command

from projects.models import OpenDataSnapshot, Status
from projects.opendata import COLUMNS
from tests.factories import make_hidden_project, make_moderator, make_project

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 1)


@pytest.fixture
def snapshot(media_root):
    kept = make_project(name_en="Kalkbreite", contact_email="secret-contact@example.org")
    duplicate = make_project(name_en="Kalkbreite again")
    duplicate.merge_into(kept, by=make_moderator())
    make_hidden_project(name_en="Riverside")
    make_project(name_en="A draft", status=Status.DRAFT)
    made, created = OpenDataSnapshot.make(on=DAY)
    assert created
    return {"made": made, "kept": kept, "duplicate": duplicate}


def files_of(snapshot):
    with snapshot.archive.open("rb") as archive:
        data = archive.read()
    assert hashlib.sha256(data).hexdigest() == snapshot.sha256 and len(data) == snapshot.size
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist()}


def test_a_snapshot_holds_the_projects_the_merges_and_a_codebook(snapshot):
    files = files_of(snapshot["made"])

    assert set(files) == {"projects.csv", "projects.geojson", "merged.csv", "codebook.md", "README.txt"}
    rows = list(csv.DictReader(io.StringIO(files["projects.csv"].decode(), newline="")))
    assert [row["name"] for row in rows] == ["Kalkbreite", "Riverside"]
    assert snapshot["made"].projects == 2
    assert rows[0]["url"].startswith("http://127.0.0.1:8000/en/projects/")
    geojson = json.loads(files["projects.geojson"])
    assert [feature["id"] for feature in geojson["features"]] == [int(row["id"]) for row in rows]
    merged = list(csv.DictReader(io.StringIO(files["merged.csv"].decode(), newline="")))
    assert merged == [{"withdrawn_id": str(snapshot["duplicate"].pk), "kept_id": str(snapshot["kept"].pk)}]
    codebook = files["codebook.md"].decode()
    for column in COLUMNS:
        assert f"## {column.name}" in codebook
    assert "- `community_land_trust`: community land trust" in codebook
    assert "2026-12-01" in files["README.txt"].decode()


def test_a_snapshot_holds_no_contact_address_nor_hidden_place(snapshot):
    everything = b"".join(files_of(snapshot["made"]).values()).decode()
    assert "secret-contact@example.org" not in everything and "Riverside Lane" not in everything
    assert "36.821941" not in everything and "-1.292065" not in everything
    assert "A draft" not in everything


def test_the_command_makes_one_snapshot_a_day(media_root):
    make_project()
    out = io.StringIO()
    call_command("make_open_data_snapshot", stdout=out)
    call_command("make_open_data_snapshot", stdout=out)
    assert OpenDataSnapshot.objects.count() == 1
    assert "Already made" in out.getvalue()


def test_the_open_data_page_lists_snapshots_that_anyone_may_download(client, snapshot):
    page = client.get("/fr/open-data/")
    url = snapshot["made"].archive.url
    assert f'href="{url}"' in page.text and snapshot["made"].sha256 in page.text

    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content)[:2] == b"PK"
