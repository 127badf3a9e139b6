"""Usernames name nobody: random for new accounts, and made random by migration 0005 for the
accounts whose username django-allauth had made from the e-mail address."""

import importlib

import pytest

migration = importlib.import_module("habitat.migrations.0005_usernames_not_made_from_addresses")


@pytest.mark.parametrize(
    ("username", "email", "made"),
    [
        ("newcomer-a", "newcomer-a@example.org", True),
        ("ana2", "ana@example.org", True),
        ("ana.souza", "Ana.Souza@example.org", True),
        ("demo-staff", "staff@example.org", False),
        ("member-3f9a1c2b7d4e5f60", "ana@example.org", False),
        ("user12", "user@example.org", True),
    ],
)
def test_usernames_made_from_the_address_are_recognised(username, email, made):
    assert migration.made_from_the_address(username, email) is made
