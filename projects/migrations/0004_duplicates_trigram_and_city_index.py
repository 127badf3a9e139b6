# For Project.objects.similar_to(), which finds probable duplicates.
#
# pg_trgm gives the name similarity. It is a "trusted" extension (PostgreSQL 13+): the
# database owner may create it without being a superuser. The index serves the "same city
# and country" half of the search, which compares cities case-blind.

import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0003_location_optional_for_drafts"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                models.F("status"),
                models.F("country"),
                django.db.models.functions.text.Upper("city"),
                name="project_status_city",
            ),
        ),
    ]
