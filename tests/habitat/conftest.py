import signal

import pytest
from django.core.management import call_command

from tests.habitat.support import make_verified_user


@pytest.fixture
def user(db):
    return make_verified_user(email="ana@example.org")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def run_worker():
    """The worker of `make run`, in batch mode: runs every task that is due, then stops."""
    # The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run():
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    yield run
    for sig, handler in saved.items():
        signal.signal(sig, handler)
