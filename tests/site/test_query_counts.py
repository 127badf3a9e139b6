"""Every page and endpoint asks the database as many times for a small directory as for a
larger one: nothing is read project by project."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import HousingModel, Stage
from tests.factories import make_organisation, make_project

pytestmark = pytest.mark.django_db

ADDRESSES = [
    "/en/",
    "/en/projects/",
    "/en/projects/?stage=inhabited&housing_model=cooperative",
    "/en/projects/?q=co-operative",
    "/en/projects/?q=co-operative&organisation=network",
    "/projects/map.json?bbox=-180,-85,180,85&zoom=2",
    "/projects/map.json?bbox=-180,-85,180,85&zoom=2&stage=inhabited",
    "/projects/map.json?bbox=-20,10,8,48&zoom=12",
    "/projects/map.json?bbox=-180,-85,180,85&zoom=2&q=co-operative",
    "/projects/map.json?bbox=-20,10,8,48&zoom=16&organisation=network",
    "/en/projects/feed.atom?country=CH",
    "/api/v1/projects/?stage=inhabited",
    "/api/v1/projects/?q=co-operative&limit=10",
    "/en/organisations/network/",
]


def grow(directory, size):
    if not directory:
        # One project alone in its part of the world, so that every view shows one project as
        # itself (one query for its details) besides the clusters.
        network = make_organisation(slug="network")
        directory.append(make_project(name_en="Ouakam co-operative", lon=-17.47, lat=14.72, organisations=[network]))
    network = directory[0].organisations.first()
    while len(directory) < size:
        n = len(directory)
        directory.append(
            make_project(
                name_en=f"Housing co-operative {n}",
                lon=6 + (n % 7) * 0.3,
                lat=46 + (n % 5) * 0.2,
                stage=Stage.INHABITED if n % 2 else Stage.CONSTRUCTION,
                housing_models=[HousingModel.COOPERATIVE],
                organisations=[network],
            )
        )


def queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, address
    return len(captured)


def test_queries_per_request_do_not_grow_with_the_directory(client, settings):
    settings.EXPORTS_PER_HOUR = 10**6
    directory = []
    grow(directory, 3)
    small = {address: queries(client, address) for address in ADDRESSES}
    grow(directory, 45)
    large = {address: queries(client, address) for address in ADDRESSES}
    project = directory[-1].get_absolute_url()
    assert queries(client, project) == queries(client, directory[0].get_absolute_url())
    assert large == small
