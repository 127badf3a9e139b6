"""Plain factories: the smallest valid objects, with every detail overridable."""

import itertools

from django.contrib.auth.models import Permission
from django.contrib.gis.geos import Point
from django.utils import timezone

from habitat.models import Organisation, User
from projects.models import LocationPrecision, Project, ProjectActor, Stage, Status

_counter = itertools.count(1)

# Where a group facing eviction lives (Nairobi), and its street: never public.
HIDDEN_LON, HIDDEN_LAT = 36.8219417, -1.2920659
HIDDEN_ADDRESS = "Plot 42, Riverside Lane"


def make_organisation(**fields):
    n = next(_counter)
    fields.setdefault("name_en", f"Organisation {n}")
    fields.setdefault("slug", f"organisation-{n}")
    return Organisation.objects.create(**fields)


def make_project(*, lon=6.143, lat=46.204, organisations=(), **fields):
    """A published project in Geneva unless told otherwise."""
    n = next(_counter)
    fields.setdefault("name_en", f"Housing co-operative {n}")
    fields.setdefault("summary_en", "A group of families building their homes together.")
    fields.setdefault("city", "Geneva")
    fields.setdefault("country", "CH")
    fields.setdefault("stage", Stage.INHABITED)
    fields.setdefault("status", Status.PUBLISHED)
    fields.setdefault("location_precision", LocationPrecision.EXACT)
    if fields["status"] == Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now())
    project = Project(location=Point(lon, lat, srid=4326), **fields)
    project.full_clean()
    project.save()
    for order, organisation in enumerate(organisations):
        ProjectActor.objects.create(project=project, organisation=organisation, order=order)
    return project


def make_hidden_project(**fields):
    """A published project of a group that asked to hide where it lives (HIDDEN_*)."""
    fields.setdefault("address", HIDDEN_ADDRESS)
    fields.setdefault("city", "Nairobi")
    fields.setdefault("country", "KE")
    return make_project(lon=HIDDEN_LON, lat=HIDDEN_LAT, location_precision=LocationPrecision.APPROXIMATE, **fields)


def make_user(**fields):
    n = next(_counter)
    fields.setdefault("username", f"user{n}")
    fields.setdefault("email", f"user{n}@example.org")
    fields.setdefault("display_name", f"Person {n}")
    password = fields.pop("password", "a-long-test-password")
    return User.objects.create_user(password=password, **fields)


def make_moderator(**fields):
    """Staff with the one permission that moderation asks for, and nothing more."""
    fields.setdefault("is_staff", True)
    user = make_user(**fields)
    user.user_permissions.add(Permission.objects.get(codename="moderate_project"))
    return user
