"""Search folds accents: "coopérative" finds "cooperative" and the other way round.

Four text search configurations copy PostgreSQL's simple, English, French and Spanish ones
with the unaccent dictionary before their own, so that both the stored vectors and the
visitors' queries lose their accents before stemming. The vectors are then computed again;
the GIN index on them stays as it is.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

from projects.models.project import SEARCH_CONFIGS, search_vector

DICTIONARIES = {"simple": "simple", "en": "english_stem", "fr": "french_stem", "es": "spanish_stem"}
COPIES = {"simple": "simple", "en": "english", "fr": "french", "es": "spanish"}


def create_sql():
    statements = []
    for key, name in SEARCH_CONFIGS.items():
        statements.append(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{COPIES[key]})")
        statements.append(
            f"ALTER TEXT SEARCH CONFIGURATION {name} "
            f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {DICTIONARIES[key]}"
        )
    return statements


def drop_sql():
    return [f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}" for name in SEARCH_CONFIGS.values()]


def compute_vectors(apps, schema_editor):
    apps.get_model("projects", "Project").objects.update(search_vector=search_vector())


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0009_merged_state_invitation_language_cleaned_uploads"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunSQL(create_sql(), drop_sql()),
        migrations.RunPython(compute_vectors, migrations.RunPython.noop),
    ]
