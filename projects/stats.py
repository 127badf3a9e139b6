"""The directory's figures, computed live from the public projects.

Every table is one aggregate query, whatever the number of projects: the page costs the
same number of queries for ten projects or a million.
"""

from django.db.models import Count, F, Func, Q
from django.utils.translation import gettext as _
from django_countries import countries

from projects.models import Exchange, HousingModel, Programme, Project, Stage, figure_aggregates


def _rows(queryset, key, labels):
    """``[{"label", "projects", "inhabited", "dwellings"}, ...]`` from a grouped queryset."""
    return [
        {
            "key": row[key],
            "label": labels(row[key]),
            "projects": row["projects"],
            "inhabited": row["inhabited"],
            "dwellings": row["dwelling_total"],
        }
        for row in queryset
    ]


# The charts' geometry, in SVG user units: a label column, then the bars.
ROW_HEIGHT = 28
BAR_START = 240
BAR_MAX = 330


def _with_bars(rows):
    """Adds each row's place in the chart: its line and its bar's length, the largest
    number of projects drawing the longest bar."""
    largest = max((row["projects"] for row in rows), default=0) or 1
    for index, row in enumerate(rows):
        row["y"] = index * ROW_HEIGHT + 4
        row["text_y"] = row["y"] + 19
        row["bar_width"] = round(row["projects"] * BAR_MAX / largest, 1)
        row["value_x"] = BAR_START + row["bar_width"] + 6
    return rows


def project_statistics():
    public = Project.objects.public().order_by()
    stage_labels = dict(Stage.choices)
    model_labels = dict(HousingModel.choices)
    country_names = dict(countries)

    by_country = _rows(
        public.values("country").annotate(**figure_aggregates()).order_by("-projects", "country"),
        "country",
        lambda code: country_names.get(code, code),
    )
    by_stage = _rows(public.values("stage").annotate(**figure_aggregates()), "stage", lambda v: stage_labels.get(v, v))
    # Ordered as the stages go, from idea to inhabited.
    stage_order = list(stage_labels)
    by_stage.sort(key=lambda row: stage_order.index(row["key"]) if row["key"] in stage_order else len(stage_order))

    # A project with several housing models counts once under each of them.
    by_model = _rows(
        public.values(model=Func(F("housing_models"), function="unnest"))
        .annotate(**figure_aggregates())
        .order_by("-projects", "model"),
        "model",
        lambda v: model_labels.get(v, v),
    )

    by_year = _rows(
        public.filter(start_year__isnull=False)
        .values("start_year")
        .annotate(**figure_aggregates())
        .order_by("start_year"),
        "start_year",
        str,
    )

    programmes = Programme.objects.with_figures().order_by("slug")
    by_programme = [
        {
            "key": programme.slug,
            "label": programme.name,
            "url": programme.get_absolute_url(),
            "projects": programme.projects,
            "inhabited": programme.inhabited,
            "dwellings": programme.dwelling_total,
        }
        for programme in programmes
    ]

    totals = public.aggregate(
        **figure_aggregates(),
        without_start_year=Count("pk", filter=Q(start_year__isnull=True)),
        without_dwellings=Count("pk", filter=Q(dwellings__isnull=True)),
    )
    charts = [
        {"id": "country", "title": _("Projects by country"), "rows": _with_bars(by_country), "column": _("Country")},
        {"id": "stage", "title": _("Projects by stage"), "rows": _with_bars(by_stage), "column": _("Stage")},
        {
            "id": "model",
            "title": _("Projects by housing model"),
            "rows": _with_bars(by_model),
            "column": _("Housing model"),
        },
        {
            "id": "programme",
            "title": _("Projects by programme of support"),
            "rows": _with_bars(by_programme),
            "column": _("Programme"),
        },
        {"id": "year", "title": _("Projects by start year"), "rows": _with_bars(by_year), "column": _("Start year")},
    ]
    for chart in charts:
        chart["height"] = len(chart["rows"]) * ROW_HEIGHT + 8
    # Every request a group has made of another through the platform, whatever has become of
    # the two projects since, and those the asked group accepted.
    exchanges = Exchange.objects.order_by().aggregate(
        asked=Count("pk"), accepted=Count("pk", filter=Q(status=Exchange.Status.ACCEPTED))
    )
    return {"totals": totals, "exchanges": exchanges, "charts": charts, "bar_start": BAR_START}
