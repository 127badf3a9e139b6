import pytest

from tests.habitat.support import make_verified_user


@pytest.fixture
def user(db):
    return make_verified_user(email="ana@example.org")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client
