from django.db.models import IntegerField, Subquery, Value
from django.db.models.functions import Coalesce


def aggregate_subquery(queryset, aggregate, *, default=0, output_field=None):
    """``aggregate`` over the whole of ``queryset`` (which names an OuterRef), as a subquery
    that an outer query can annotate with: one number per outer row, in the same query."""
    # Grouped by a constant, which Django leaves out of GROUP BY: one aggregate row.
    rows = queryset.order_by().annotate(_all=Value(1)).values("_all").annotate(value=aggregate).values("value")
    return Coalesce(Subquery(rows), default, output_field=output_field or IntegerField())
