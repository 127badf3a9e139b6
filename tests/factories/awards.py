"""Factories for awards, editions, categories and nominations."""

import itertools

from awards.models import Award, Category, Edition, Nomination

_counter = itertools.count(1)


def make_award(**fields):
    n = next(_counter)
    fields.setdefault("name_en", f"Award {n}")
    fields.setdefault("slug", f"award-{n}")
    return Award.objects.create(**fields)


def make_edition(award=None, **fields):
    fields.setdefault("year", 2020)
    return Edition.objects.create(award=award or make_award(), **fields)


def make_category(edition, **fields):
    fields.setdefault("name_en", f"Category {next(_counter)}")
    return Category.objects.create(edition=edition, **fields)


def make_nomination(edition=None, **fields):
    fields.setdefault("result", "winner")
    if "project" not in fields:
        fields.setdefault("project_name", f"Project {next(_counter)}")
    nomination = Nomination(edition=edition or make_edition(), **fields)
    nomination.full_clean()
    nomination.save()
    return nomination
