# What the fault checks need besides the demo directory, created in the harness's own database
# (run by `manage.py shell -c`; prints what it made as one JSON line):
#   - people who can sign in (verified addresses): one who lists a project, twenty who forget
#     their password;
#   - five published projects whose only recipient is a contact address of their own, so that
#     each message of the contact check goes to one known address.
import json

from allauth.account.models import EmailAddress
from django.contrib.gis.geos import Point
from django.utils import timezone

from habitat.models import User
from projects.models import LocationPrecision, Project, Stage, Status

PASSWORD = "faults-check-password-2026"


def person(email, name):
    user = User.objects.create_user(
        username=f"faults-{email.split('@')[0]}", email=email, password=PASSWORD, display_name=name, language="en"
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


person("lister@faults.test", "Fault Lister")
reset_users = [person(f"reset-{n:02d}@faults.test", f"Forgetful {n}").email for n in range(20)]
contact_projects = []
for n in range(5):
    project = Project(
        name_en=f"Fault check co-operative {n}",
        summary_en="A project for the fault checks.",
        city="Montevideo",
        country="UY",
        stage=Stage.INHABITED,
        status=Status.PUBLISHED,
        published_at=timezone.now(),
        location_precision=LocationPrecision.APPROXIMATE,
        location=Point(-56.16 + n / 100, -34.90, srid=4326),
        contact_email=f"group-{n}@faults.test",
    )
    project.full_clean()
    project.save()
    contact_projects.append({"slug": project.slug, "email": project.contact_email})

demo = Project.objects.public().exclude(slug__startswith="fault-check").order_by("pk").first()
print(
    json.dumps(
        {
            "password": PASSWORD,
            "lister": "lister@faults.test",
            "reset_users": reset_users,
            "contact_projects": contact_projects,
            "project_slug": demo.slug,
        }
    )
)
