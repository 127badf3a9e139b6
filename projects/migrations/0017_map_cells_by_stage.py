import importlib

from django.db import migrations

# The map's counts gain a row per cell for each stage, and for each stage and housing model,
# with no country: a view filtered by stage (and housing model) then reads one row per cell,
# not every country's rows of the cell. Only the function that adds a project to its rows
# changes; the triggers that call it stay as migration 0013 made them.
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
        -- The row of its facets; then, with no country (a published project always has one),
        -- the cell's rows of every project, of its stage, of each of its housing models and
        -- of its stage with each of its housing models.
        FOR f_stage, f_country, f_models IN
            SELECT p.stage, p.country::varchar, p.housing_models
            UNION ALL SELECT stage, ''::varchar, '{}'::varchar[] FROM unnest(ARRAY['', p.stage]) AS stage
            UNION ALL SELECT stage, ''::varchar, ARRAY[model]::varchar[]
                FROM unnest(ARRAY['', p.stage]) AS stage CROSS JOIN unnest(p.housing_models) AS model
        LOOP
            IF sign > 0 THEN
                INSERT INTO projects_mapcell AS m
                    (level, cell, stage, country, housing_models, count, dwellings, sum_x, sum_y, min_x, min_y, max_x, max_y)
                VALUES (lvl, key, f_stage, f_country, f_models, 1, d, x, y, x, y, x, y)
                ON CONFLICT (level, cell, stage, country, housing_models) DO UPDATE SET
                    count = m.count + 1, dwellings = m.dwellings + d, sum_x = m.sum_x + x, sum_y = m.sum_y + y,
                    min_x = LEAST(m.min_x, x), min_y = LEAST(m.min_y, y),
                    max_x = GREATEST(m.max_x, x), max_y = GREATEST(m.max_y, y);
            ELSE
                UPDATE projects_mapcell AS m
                SET count = m.count - 1, dwellings = m.dwellings - d, sum_x = m.sum_x - x, sum_y = m.sum_y - y
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
    """The function as migration 0013 made it, and no rows by stage without a country."""
    earlier = importlib.import_module("projects.migrations.0013_map_cells").TRIGGER
    function = earlier[: earlier.index("CREATE FUNCTION projects_mapcell_trigger")]
    return [
        function.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"),
        "DELETE FROM projects_mapcell WHERE stage <> '' AND country = ''",
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0016_organisation_counts"),
    ]

    operations = [
        migrations.RunSQL(APPLY, earlier_apply()),
        # The projects already published are counted by migration 0020 (MapCell.objects.rebuild()
        # is today's code, which writes the columns the table has from there on).
    ]
