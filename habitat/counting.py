"""Lists that stay fast at a million rows: counted exactly up to a cap, estimated past it.

An exact COUNT(*) reads every matching row (half a second for a common search word among a
million projects). Past the cap, the number shown is PostgreSQL's own estimate, from its
statistics, labelled as one; the pages stop at the cap, where the visitor is better served by
another filter than by page 400.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


def _keys_sql(queryset):
    """The SQL that selects the keys of ``queryset``, and its parameters: compiled once where
    the rows are both counted and estimated (Django takes a millisecond to compile a search)."""
    # Only the key: an annotation (a search's rank) would be computed for every row counted.
    try:
        return queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # none(), or a filter that nothing can match: no query to ask
        return None


def _count_up_to(cursor, keys, cap):
    sql, params = keys
    cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT {int(cap) + 1}) AS matching", params)
    return cursor.fetchone()[0]


def _estimated_count(cursor, keys):
    sql, params = keys
    cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def count_up_to(queryset, cap):
    """The number of rows of ``queryset``, or ``cap + 1`` if it has more: it stops reading there."""
    keys = _keys_sql(queryset)
    if keys is None:
        return 0
    with connections[queryset.db].cursor() as cursor:
        return _count_up_to(cursor, keys, cap)


def rounded(number):
    """An estimate to two significant figures (538,291 is "about 540,000"): no more precise
    than it is."""
    return int(float(f"{number:.2g}"))


def count_or_estimate(queryset, cap, *, counted=None):
    """``(number, is_estimate)``: the exact number of rows up to ``cap`` (``counted``, if the
    caller has it), past it PostgreSQL's estimate, from its planner (no row is read). The
    estimate is asked whatever the size, so that a page asks as many queries at any size."""
    keys = _keys_sql(queryset)
    if keys is None:
        return 0, False
    with connections[queryset.db].cursor() as cursor:
        if counted is None:
            counted = _count_up_to(cursor, keys, cap)
        estimate = _estimated_count(cursor, keys)
    if counted <= cap:
        return counted, False
    return max(rounded(estimate), counted), True


class CappedPaginator(Paginator):
    """Pages over at most ``cap`` rows of ``object_list``: the rows that match (``matching``, by
    default the listed rows themselves), or ``cap`` of them in some order.

    ``total`` is the number of rows that match: exact up to the cap and then estimated,
    ``total_is_estimate`` telling which. It is counted once, or given: ``counted`` (counted up
    to ``cap + 1`` by the caller) or ``known_total`` (the exact number, kept counted).
    """

    def __init__(self, object_list, per_page, *, cap, matching=None, counted=None, known_total=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.matching = object_list if matching is None else matching
        self.counted = counted
        self.known_total = known_total

    @cached_property
    def _matching_up_to_cap(self):
        return count_up_to(self.matching, self.cap) if self.counted is None else self.counted

    @cached_property
    def count(self):
        # Every match is listed, or cap of them: one count serves the pages and the total.
        return min(self._matching_up_to_cap, self.cap)

    @cached_property
    def _total(self):
        if self.known_total is not None:
            return self.known_total, False
        return count_or_estimate(self.matching, self.cap, counted=self._matching_up_to_cap)

    @property
    def total(self):
        return self._total[0]

    @property
    def total_is_estimate(self):
        return self._total[1]


# Past this many matching rows, the values of a filter are not counted from the rows (each
# count would read every match): the counts are left out rather than guessed. As many as the
# list shows at most: three counts of 10,000 searched projects took 0.3 s at a million.
VALUE_COUNT_CAP = 1_000


def value_counts(queryset, column, *, each_of_array=False, cap=VALUE_COUNT_CAP):
    """``{value: count}`` of the rows of ``queryset`` by ``column`` (an array column with
    ``each_of_array``: a row counts once for each value it holds), or None when more than
    ``cap`` rows match. One query, which stops reading at ``cap + 1`` rows."""
    try:
        sql, params = queryset.order_by().values(column)[: int(cap) + 1].query.sql_with_params()
    except EmptyResultSet:
        return {}
    values = f"found CROSS JOIN LATERAL unnest(found.{column}) AS value" if each_of_array else "found"
    value = "value" if each_of_array else f"found.{column}"
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(
            f"""
            WITH found AS MATERIALIZED ({sql})
            SELECT {value}, count(*), (SELECT count(*) FROM found) FROM {values} GROUP BY 1
            """,
            params,
        )
        rows = cursor.fetchall()
    if rows and rows[0][2] > cap:
        return None
    return {value: count for value, count, _found in rows}
