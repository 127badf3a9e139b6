"""The map's clusters, counted in advance: one row per map cell, zoom level and combination of
the facets people filter by (stage, country, housing models), kept current by PostgreSQL.

Clustering a million projects on each request reads every one of them (a second for the whole
world). Here a view of the world sums a few thousand rows instead, whatever the size of the
directory. A trigger on the projects table (migration 0013) adds a project to the rows of its
cells when it becomes public and takes it out when it stops being public, moves, or changes a
facet, whatever made the change (a moderator, a merge, the admin, a bulk update). The rule of
what is public is ``ProjectQuerySet.public()``; the trigger repeats it in SQL, and
tests/projects/test_map_aggregates.py checks that both always agree.

Only the zoom levels of wide views are counted in advance (``AGGREGATED_ZOOMS``): a closer view
holds few projects and reads them directly. The extent of a cell (used to zoom in on a cluster,
and to tell a stack of projects on one spot) only grows as projects leave; ``rebuild()`` makes
every row exact again.
"""

import functools

from django.contrib.postgres.fields import ArrayField
from django.db import connection, connections, models, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from habitat import geo
from projects.models.project import (
    STACK_LIST_LIMIT,
    Project,
    Stage,
    cells_with_markers,
    key_ranges_sql,
    listed_cells_sql,
    public_markers_sql,
)

# Views up to this zoom are answered from the counts (a city is zoom 12).
AGGREGATED_ZOOMS = range(0, 13)
AGGREGATED_LEVELS = [zoom + geo.CLUSTER_LEVEL_OFFSET for zoom in AGGREGATED_ZOOMS]
# The facets that the counts are split by: filters on these (alone or together) are answered
# from them; any other filter (a search, an organisation…) clusters the matching projects.
FACETS = ("stage", "country", "housing_model")


def _facet_rows(*, stage=(), country=(), housing_model=()):
    """The SQL condition (and its parameters) that picks the rows of the facets asked for:
    each a tuple of values, any of which matches (empty: any value). Every public project is
    counted once in the rows it picks."""
    if country and not stage and not housing_model:
        return _rows_of_countries(country=country)
    if not country and len(housing_model) <= 1:
        return _rows_across_countries(stage=stage, housing_model=housing_model)
    return _rows_by_country(stage=stage, country=country, housing_model=housing_model)


def _rows_across_countries(*, stage=(), housing_model=(), each_stage=False, each_model=False):
    """The rows with no country: each cell's row of all its projects, or of those of a stage,
    of a housing model, or of both; several stages, summed. With ``each_stage`` or
    ``each_model``, the rows of each stage or model rather than the one of them all."""
    if stage:
        stages, params = "stage = ANY(%s)", [list(stage)]
    else:
        stages, params = ("stage <> ''" if each_stage else "stage = ''"), []
    if each_model:
        return f"country = '' AND {stages} AND cardinality(housing_models) = 1", params
    return f"country = '' AND {stages} AND housing_models = %s::varchar(30)[]", [*params, list(housing_model)]


def _rows_by_country(*, stage=(), country=(), housing_model=()):
    """The rows of one country, stage and set of housing models: a project holding two of the
    housing models asked for is in one of them, counted once."""
    conditions, params = ["country = ANY(%s)" if country else "country <> ''"], [list(country)] if country else []
    if stage:
        conditions.append("stage = ANY(%s)")
        params.append(list(stage))
    else:
        conditions.append("stage <> ''")  # not the rows of all of a country's projects
    if housing_model:
        conditions.append("housing_models && %s::varchar(30)[]")
        params.append(list(housing_model))
    return " AND ".join(conditions), params


def _rows_of_countries(*, country=()):
    """The rows of all of a cell's projects in a country, one per cell and country: what the
    countries are counted from when no other facet is asked for."""
    if country:
        return "country = ANY(%s) AND stage = ''", [list(country)]
    return "country <> '' AND stage = ''", []


class MapCellQuerySet(models.QuerySet):
    """The map's reads of the counts, on every view of the map: written in SQL here, as Django
    took longer to build these aggregates than PostgreSQL took to answer them."""

    def _rows(self, sql, params):
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def clusters(self, *, zoom, bbox, **facets):
        """The public projects' clusters at ``zoom`` in ``bbox``, with the facets asked for, in
        the shape of ``ProjectQuerySet.clusters``: cell, count, mean position, extent and the
        ``markers`` of the projects of the cells it lists. A cluster is in view when its mean
        position is, as a map draws it.

        The project of a cell of one is found by its id (the cell's ``sum_id``); those of a
        stack (projects on one spot) by the cell's range of keys, in the same statement."""
        level = zoom + geo.CLUSTER_LEVEL_OFFSET
        shift = geo.cluster_shift(zoom)
        facet_rows, params = _facet_rows(**facets)
        in_view = "TRUE"
        if not bbox.is_whole_world:
            in_view, range_params = key_ranges_sql("cell", geo.cell_key_ranges(bbox, level))
            params = [*params, *range_params]
        markers, marker_params = public_markers_sql("m", **facets)
        rows = self._rows(
            f"""
            WITH cells AS (
                SELECT cell, sum(count) AS count, sum(sum_id)::bigint AS sum_id, sum(sum_x) AS sum_x,
                       sum(sum_y) AS sum_y, min(min_x) AS min_x, min(min_y) AS min_y,
                       max(max_x) AS max_x, max(max_y) AS max_y
                FROM {self.model._meta.db_table} WHERE level = %s AND {facet_rows} AND {in_view}
                GROUP BY cell
            )
            SELECT cells.cell, cells.count, cells.sum_x, cells.sum_y, cells.min_x, cells.min_y,
                   cells.max_x, cells.max_y, marker.*
            FROM cells LEFT JOIN LATERAL (
                {markers} WHERE cells.count = 1 AND m.pk = cells.sum_id
                UNION ALL
                -- At most a stack's worth: so PostgreSQL also plans it (the range of a city's
                -- cell holds thousands of projects of other facets; planned as read, the
                -- statement's cost crossed the threshold of JIT compiling it, 0.4 s).
                ({markers} WHERE cells.count > 1 AND {listed_cells_sql(zoom)}
                    AND m.map_cell BETWEEN cells.cell << {shift} AND ((cells.cell + 1) << {shift}) - 1
                    LIMIT {STACK_LIST_LIMIT})
            ) AS marker ON TRUE
            ORDER BY cells.count DESC, cells.cell, marker.pk
            """,
            [level, *params, *marker_params, *marker_params],
        )
        found = []
        for (cell, count, sum_x, sum_y, *extent), markers in cells_with_markers(rows, 8):
            x, y = sum_x / count, sum_y / count
            if any(w <= x <= e and s <= y <= n for w, s, e, n in bbox.boxes):
                found.append(
                    {"cell": cell, "count": count, "x": x, "y": y, "extent": tuple(extent), "markers": markers}
                )
        return found

    def total(self, **facets):
        """How many public projects have these facets: the coarsest level's rows, summed."""
        facet_rows, params = _facet_rows(**facets)
        ((total,),) = self._rows(
            f"SELECT sum(count) FROM {self.model._meta.db_table} WHERE level = %s AND {facet_rows}",
            [AGGREGATED_LEVELS[0], *params],
        )
        return total or 0

    def _counted(self, value, rows, params, joined="", *, level, view=("TRUE", [])):
        """``{value: count}`` of the public projects of the ``rows`` (``_facet_rows``' kind) of
        ``level`` in ``view`` (a condition on the cells, and its parameters)."""
        in_view, view_params = view
        sql = (
            f"SELECT {value}, sum(count) FROM {self.model._meta.db_table} {joined} "
            f"WHERE level = %s AND {in_view} AND {rows} GROUP BY 1"
        )
        return {found: int(count) for found, count in self._rows(sql, [level, *view_params, *params])}

    def value_counts(self, *, stage=(), country=(), housing_model=()):
        """``{facet: {value: count}}``: how many public projects each stage, country and housing
        model would give with the other facets as asked, from the coarsest level's rows. A
        project of two housing models counts for each."""
        counted = functools.partial(self._counted, level=AGGREGATED_LEVELS[0])
        if not country and len(housing_model) <= 1:
            stages = counted("stage", *_rows_across_countries(housing_model=housing_model, each_stage=True))
        else:
            stages = counted("stage", *_rows_by_country(country=country, housing_model=housing_model))
        if stage or housing_model:
            countries = counted("country", *_rows_by_country(stage=stage, housing_model=housing_model))
        else:
            countries = counted("country", *_rows_of_countries())
        if not country:
            models = counted("housing_models[1]", *_rows_across_countries(stage=stage, each_model=True))
        else:
            rows, params = _rows_by_country(stage=stage, country=country)
            models = counted("model", rows, params, "CROSS JOIN LATERAL unnest(housing_models) AS model")
        return {"stage": stages, "country": countries, "housing_model": models}

    def in_view(self, *, zoom, bbox, stage=(), country=(), housing_model=()):
        """``{facet: {value: count}}``: the public projects with these facets in the cells of
        ``bbox`` at ``zoom``, by stage, by country and by housing model (a project of two
        models counts for each): the charts beside the map. Read from the rows of the
        zoom's level, as the map's clusters are."""
        level = zoom + geo.CLUSTER_LEVEL_OFFSET
        view = ("TRUE", [])
        if not bbox.is_whole_world:
            view = key_ranges_sql("cell", geo.cell_key_ranges(bbox, level))
        counted = functools.partial(self._counted, level=level, view=view)
        by_country = _rows_by_country(stage=stage, country=country, housing_model=housing_model)
        if stage or housing_model:
            countries = counted("country", *by_country)
        else:
            countries = counted("country", *_rows_of_countries(country=country))
        if not country and not housing_model:
            # Each cell's rows of a stage, and of a housing model: a few per cell.
            stages = counted("stage", *_rows_across_countries(each_stage=True))
            if stage:
                stages = {value: count for value, count in stages.items() if value in stage}
            models = counted("housing_models[1]", *_rows_across_countries(stage=stage, each_model=True))
        else:
            # A housing model asked for: which others its projects have is in these rows alone.
            stages = counted("stage", *by_country)
            models = counted("model", *by_country, "CROSS JOIN LATERAL unnest(housing_models) AS model")
        return {"stage": stages, "country": countries, "housing_model": models}

    def figures(self):
        """The directory's headline numbers, as ``ProjectQuerySet.figures()`` counts them for
        any set of projects, read from the counts of the coarsest level."""
        rows = self.filter(level=AGGREGATED_LEVELS[0], country="", housing_models=[])
        return rows.aggregate(
            projects=Coalesce(Sum("count", filter=Q(stage="")), 0),
            inhabited=Coalesce(Sum("count", filter=Q(stage=Stage.INHABITED)), 0),
            dwelling_total=Coalesce(Sum("dwellings", filter=Q(stage="")), 0),
        )

    def rebuild(self):
        """Count every row again from the projects (after a bulk load, or to make extents
        exact): the finest level from the projects, each coarser one from the level below."""
        public = Project.objects.public().filter(map_cell__isnull=False).order_by()
        select, params = public.values("pk").query.sql_with_params()
        table = self.model._meta.db_table
        finest, *coarser = sorted(AGGREGATED_LEVELS, reverse=True)
        columns = (
            "level, cell, stage, country, housing_models, count, dwellings, sum_id, "
            "sum_x, sum_y, min_x, min_y, max_x, max_y"
        )
        # All or nothing: a failure half-way must not leave the map without its counts.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(
                f"""
                WITH placed AS (
                    SELECT p.id, p.map_cell >> {2 * (geo.CELL_LEVEL - finest)} AS cell,
                           p.stage, p.country, p.housing_models,
                           COALESCE(p.dwellings, 0) AS dwellings,
                           ST_X(p.public_location) AS x, ST_Y(p.public_location) AS y
                    FROM projects_project p WHERE p.id IN ({select})
                )
                INSERT INTO {table} ({columns})
                SELECT {finest}, cell, COALESCE(stage, ''), COALESCE(country, ''), COALESCE(housing_models, '{{}}'),
                       count(*), sum(dwellings), sum(id), sum(x), sum(y), min(x), min(y), max(x), max(y)
                FROM placed
                GROUP BY GROUPING SETS ((cell, stage, country, housing_models), (cell), (cell, stage), (cell, country))
                UNION ALL
                SELECT {finest}, cell, COALESCE(stage, ''), '', ARRAY[model]::varchar(30)[],
                       count(*), sum(dwellings), sum(id), sum(x), sum(y), min(x), min(y), max(x), max(y)
                FROM placed CROSS JOIN unnest(housing_models) AS model
                GROUP BY GROUPING SETS ((cell, model), (cell, stage, model))
                """,
                params,
            )
            for level in coarser:
                # A cell's four quadrants are the cells of the level below whose key, shifted
                # by two bits, is its own.
                cursor.execute(
                    f"""
                    INSERT INTO {table} ({columns})
                    SELECT %s, cell >> 2, stage, country, housing_models, sum(count), sum(dwellings),
                           sum(sum_id), sum(sum_x), sum(sum_y),
                           min(min_x), min(min_y), max(max_x), max(max_y)
                    FROM {table} WHERE level = %s
                    GROUP BY cell >> 2, stage, country, housing_models
                    """,
                    [level, level + 1],
                )
            # Fresh statistics, so that the first views after a rebuild are planned well.
            cursor.execute(f"ANALYZE {table}")


class MapCell(models.Model):
    """The public projects of one map cell at one level that share a stage, a country and a
    set of housing models: how many, the sum of their positions and their extent. The rows with
    no country (every published project has one) count the cell's projects across countries:
    all of them (no stage, no housing model), those of a stage, of a housing model, or of a
    stage and a housing model. The rows with a country and no stage (every project has one)
    count all of the cell's projects in that country."""

    level = models.PositiveSmallIntegerField()
    cell = models.BigIntegerField()
    stage = models.CharField(max_length=20)
    country = models.CharField(max_length=2)
    housing_models = ArrayField(models.CharField(max_length=30), default=list)
    count = models.IntegerField()
    dwellings = models.BigIntegerField(default=0)  # the sum of those the groups gave
    # The sum of the projects' ids: where the count is 1, the project itself (its marker is
    # joined by it, rather than looked for in the cell).
    sum_id = models.BigIntegerField(default=0)
    sum_x = models.FloatField()
    sum_y = models.FloatField()
    min_x = models.FloatField()
    min_y = models.FloatField()
    max_x = models.FloatField()
    max_y = models.FloatField()

    objects = MapCellQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "cell", "stage", "country", "housing_models"], name="map_cell_facets"
            )
        ]
        indexes = [
            # The rows across countries (every view without a country filter) apart from the
            # rows of every country and combination of facets, which outnumber them.
            models.Index(
                fields=["level", "stage", "housing_models", "cell"],
                name="map_cell_across_countries",
                condition=Q(country=""),
            )
        ]

    def __str__(self):
        return f"level {self.level}, cell {self.cell}: {self.count}"
