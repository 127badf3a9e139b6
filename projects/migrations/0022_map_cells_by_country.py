import importlib

from django.db import migrations

# A row per map cell and country of all the cell's projects in that country (no stage, no
# housing model), so that the charts beside the map and the filters' counts read one row per
# cell and country rather than one per combination of facets (51-89 ms at a million projects,
# at world and country zooms). Only the function that adds a project to its rows changes (as
# migration 0020 made it); the triggers that call it stay as migration 0013 made them.
APPLY = """
CREATE OR REPLACE FUNCTION projects_mapcell_apply(p projects_project, sign integer) RETURNS void AS $$
DECLARE
    lvl integer;
    key bigint;
    x double precision;
    y double precision;
    d bigint := COALESCE(p.dwellings, 0);
    f_stage varchar;
    f_country varchar;
    f_models varchar[];
BEGIN
    IF p.status <> 'published' OR p.merged_into_id IS NOT NULL OR p.revision_of_id IS NOT NULL
       OR p.map_cell IS NULL OR p.public_location IS NULL THEN
        RETURN;
    END IF;
    x := ST_X(p.public_location);
    y := ST_Y(p.public_location);
    FOREACH lvl IN ARRAY ARRAY[2,3,4,5,6,7,8,9,10,11,12,13,14] LOOP
        key := p.map_cell >> (2 * (24 - lvl));
        -- The row of its facets; the row of all the cell's projects in its country (no
        -- stage: a project always has one); then, with no country (a published project
        -- always has one), the cell's rows of every project, of its stage, of each of its
        -- housing models and of its stage with each of its housing models.
        FOR f_stage, f_country, f_models IN
            SELECT p.stage, p.country::varchar, p.housing_models
            UNION ALL SELECT ''::varchar, p.country::varchar, '{}'::varchar[]
            UNION ALL SELECT stage, ''::varchar, '{}'::varchar[] FROM unnest(ARRAY['', p.stage]) AS stage
            UNION ALL SELECT stage, ''::varchar, ARRAY[model]::varchar[]
                FROM unnest(ARRAY['', p.stage]) AS stage CROSS JOIN unnest(p.housing_models) AS model
        LOOP
            IF sign > 0 THEN
                INSERT INTO projects_mapcell AS m
                    (level, cell, stage, country, housing_models, count, dwellings, sum_id, sum_x, sum_y, min_x, min_y, max_x, max_y)
                VALUES (lvl, key, f_stage, f_country, f_models, 1, d, p.id, x, y, x, y, x, y)
                ON CONFLICT (level, cell, stage, country, housing_models) DO UPDATE SET
                    count = m.count + 1, dwellings = m.dwellings + d, sum_id = m.sum_id + p.id, sum_x = m.sum_x + x, sum_y = m.sum_y + y,
                    min_x = LEAST(m.min_x, x), min_y = LEAST(m.min_y, y),
                    max_x = GREATEST(m.max_x, x), max_y = GREATEST(m.max_y, y);
            ELSE
                UPDATE projects_mapcell AS m
                SET count = m.count - 1, dwellings = m.dwellings - d, sum_id = m.sum_id - p.id, sum_x = m.sum_x - x, sum_y = m.sum_y - y
                WHERE m.level = lvl AND m.cell = key AND m.stage = f_stage AND m.country = f_country
                  AND m.housing_models = f_models;
                DELETE FROM projects_mapcell AS m
                WHERE m.level = lvl AND m.cell = key AND m.stage = f_stage AND m.country = f_country
                  AND m.housing_models = f_models AND m.count <= 0;
            END IF;
        END LOOP;
    END LOOP;
END;
$$ LANGUAGE plpgsql;
"""


def earlier_apply():
    return importlib.import_module("projects.migrations.0020_map_cells_name_their_one_project").APPLY


def count_the_map(apps, schema_editor):
    from projects.models.maps import MapCell

    MapCell.objects.rebuild()


def forget_the_countries_rows(apps, schema_editor):
    schema_editor.execute("DELETE FROM projects_mapcell WHERE stage = '' AND country <> ''")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0021_photo_sizes"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, forget_the_countries_rows),
        migrations.RunSQL(APPLY, earlier_apply()),
        migrations.RunPython(count_the_map, migrations.RunPython.noop),
    ]
