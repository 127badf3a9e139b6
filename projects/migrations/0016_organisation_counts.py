from django.db import migrations

# The triggers that keep habitat_organisation.public_project_count current: the public
# projects (ProjectQuerySet.public(): published, not a working copy, not merged into another
# project) that name the organisation, once however many roles they give it. Each change
# counts again the organisations it touches, from the index of actors by organisation;
# tests/projects/test_organisation_counts.py checks the counts against public() after each.
TRIGGER = """
CREATE FUNCTION projects_organisation_recount(organisation bigint) RETURNS void AS $$
    UPDATE habitat_organisation SET public_project_count = (
        SELECT count(DISTINCT a.project_id)
        FROM projects_projectactor a JOIN projects_project p ON p.id = a.project_id
        WHERE a.organisation_id = organisation AND p.status = 'published'
          AND p.merged_into_id IS NULL AND p.revision_of_id IS NULL
    )
    WHERE id = organisation;
$$ LANGUAGE sql;

CREATE FUNCTION projects_actor_counts_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM projects_organisation_recount(OLD.organisation_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.organisation_id <> OLD.organisation_id) THEN
        PERFORM projects_organisation_recount(NEW.organisation_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER projects_actor_counts AFTER INSERT OR DELETE OR UPDATE OF organisation_id, project_id
    ON projects_projectactor FOR EACH ROW EXECUTE FUNCTION projects_actor_counts_trigger();

CREATE FUNCTION projects_project_counts_trigger() RETURNS trigger AS $$
BEGIN
    PERFORM projects_organisation_recount(organisation_id)
    FROM (SELECT DISTINCT organisation_id FROM projects_projectactor WHERE project_id = NEW.id) AS named;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- A project's actors are counted again only when it enters or leaves the public projects.
CREATE TRIGGER projects_project_counts AFTER UPDATE ON projects_project
    FOR EACH ROW WHEN (
        OLD.status IS DISTINCT FROM NEW.status
        OR OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id
        OR OLD.revision_of_id IS DISTINCT FROM NEW.revision_of_id
    )
    EXECUTE FUNCTION projects_project_counts_trigger();
"""

UNDO_TRIGGER = """
DROP TRIGGER projects_project_counts ON projects_project;
DROP FUNCTION projects_project_counts_trigger();
DROP TRIGGER projects_actor_counts ON projects_projectactor;
DROP FUNCTION projects_actor_counts_trigger();
DROP FUNCTION projects_organisation_recount(bigint);
"""


def count_public_projects(apps, schema_editor):
    from projects.models import Project

    Project.objects.recount_organisations()


class Migration(migrations.Migration):
    dependencies = [
        ("habitat", "0007_organisation_public_project_count"),
        ("projects", "0015_open_data_snapshots"),
    ]

    operations = [
        migrations.RunSQL(TRIGGER, UNDO_TRIGGER),
        migrations.RunPython(count_public_projects, migrations.RunPython.noop),
    ]
