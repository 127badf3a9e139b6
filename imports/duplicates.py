"""The one rule of which listed projects a row of an import probably repeats.

A row is a probable duplicate of a project (any project but a working copy or a merged one)
with the same name in the same country, names compared without case, accents or punctuation
("Coopérative La Borda" and "cooperative la borda"), or with a similar name (pg_trgm word
similarity, as ``ProjectQuerySet.similar_to`` measures it) within about a kilometre of the
row's point. Nearness alone is not enough: in a dense city many groups live within a
kilometre of each other. Points are compared with the projects' public points, as everywhere.

A row that matches a project this network's earlier import made is not a duplicate but an
update of it (``resources``): those rows are not asked about.
"""

from dataclasses import dataclass

from django.db import connection

from projects.models import Project
from projects.models.project import SIMILAR_NAME_THRESHOLD

WITHIN_KM = 1
# Kilometres in a degree of latitude.
KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class Candidate:
    """A row to check: its number, the name and country it gives, its point if any."""

    number: int
    name: str
    country: str
    longitude: float | None = None
    latitude: float | None = None


def _normalised(sql):
    return f"btrim(regexp_replace(lower(unaccent({sql})), '[^[:alnum:]]+', ' ', 'g'))"


def _names(alias):
    return [f"{alias}.name_{code}" for code in ("en", "fr", "es")]


def probable_duplicates(candidates, *, excluding=(), within_km=WITHIN_KM, threshold=SIMILAR_NAME_THRESHOLD):
    """``{row number: [projects]}`` for the ``candidates`` that probably repeat listed projects,
    other than those of ``excluding`` (ids).

    Two statements for all the rows, written out in SQL because they join the rows to the
    projects: the same name in the same country, and a similar name nearby. The rows' names
    are normalised by the same SQL as the projects', so that both sides fold alike."""
    candidates = [candidate for candidate in candidates if candidate.name]
    if not candidates:
        return {}
    table = Project._meta.db_table
    listed = "p.revision_of_id IS NULL AND p.merged_into_id IS NULL AND NOT (p.id = ANY(%s))"
    excluded = list(excluding)
    same_name = " OR ".join(f"{_normalised(column)} = r.norm" for column in _names("p"))
    pairs = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH r AS (
                SELECT number, country, {_normalised("name")} AS norm
                FROM unnest(%s::int[], %s::text[], %s::text[]) AS given(number, name, country)
            )
            SELECT r.number, p.id FROM r JOIN {table} p ON p.country = r.country
            WHERE r.norm <> '' AND {listed} AND ({same_name})
            """,
            [
                [candidate.number for candidate in candidates],
                [candidate.name for candidate in candidates],
                [candidate.country for candidate in candidates],
                excluded,
            ],
        )
        pairs += cursor.fetchall()
        placed = [candidate for candidate in candidates if candidate.longitude is not None]
        if placed:
            similarity = ", ".join(
                f"word_similarity(r.name, {column}), word_similarity({column}, r.name)" for column in _names("p")
            )
            # The box in degrees first (the GiST index of the public points answers it, wide
            # enough in longitude for the latitude), then the distance on the sphere.
            cursor.execute(
                f"""
                WITH r AS (
                    SELECT number, name, ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS point,
                           %s / {KM_PER_DEGREE} AS dy,
                           %s / {KM_PER_DEGREE} / greatest(cos(radians(lat)), 0.01) AS dx
                    FROM unnest(%s::int[], %s::text[], %s::float8[], %s::float8[]) AS given(number, name, lon, lat)
                )
                SELECT r.number, p.id FROM r JOIN {table} p
                  ON p.public_location && ST_Expand(r.point, r.dx, r.dy)
                WHERE {listed}
                  AND ST_DistanceSphere(p.public_location, r.point) <= %s
                  AND greatest({similarity}) >= %s
                """,
                [
                    within_km,
                    within_km,
                    [candidate.number for candidate in placed],
                    [candidate.name for candidate in placed],
                    [candidate.longitude for candidate in placed],
                    [candidate.latitude for candidate in placed],
                    excluded,
                    within_km * 1000,
                    threshold,
                ],
            )
            pairs += cursor.fetchall()
    projects = Project.objects.in_bulk({pk for _number, pk in pairs})
    found = {}
    for number, pk in sorted(pairs):
        if projects[pk] not in found.setdefault(number, []):
            found[number].append(projects[pk])
    return found
