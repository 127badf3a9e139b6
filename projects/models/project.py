"""A project and its parts: what it is, where it is (exact and public points), the
organisations involved, its photos and documents, and the one definition of who sees it."""

import functools
from datetime import timedelta
from typing import NamedTuple

import reversion
from django import forms
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, JSONObject, Now, Upper
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from habitat import counting, geo
from habitat.models import Organisation, OriginalLanguageField
from habitat.slugs import unique_slug
from habitat.translation import LANGUAGE_CODES, fallback_expression, translated
from habitat.uploads import Document, Photo
from projects.models.moderation import Moderated, Status, can_moderate
from projects.models.revisions import PARTS, WorkingCopies

YEAR_VALIDATORS = [MinValueValidator(1800), MaxValueValidator(2100)]
# Probable duplicates: names at least this alike (pg_trgm word similarity, 0 to 1), this close.
SIMILAR_NAME_THRESHOLD = 0.5
SIMILAR_WITHIN_KM = 5
# A project's page shows a few of its peers (``ProjectQuerySet.peers_of``) and of the projects
# near it (``near``): near is within a day's visit.
PEERS_SHOWN = 4
NEAR_WITHIN_KM = 100
# The nearest projects in degrees measured again on the sphere (``nearest_to``): enough that
# the few nearest on the sphere are among them at any latitude a group lives at.
NEAREST_CANDIDATES = 32
# A project's peers are looked for among this many public projects nearest to it: in a dense
# city a few streets, in a sparse region a continent (``peers_of``).
PEERS_AMONG = 1000


def confirmation_interval():
    """How long an entry stays current without its group saying so (CONFIRMATION_INTERVAL_DAYS)."""
    return timedelta(days=settings.CONFIRMATION_INTERVAL_DAYS)


def confirmation_grace():
    """How long a group asked whether its entry is current has to answer before the entry is
    shown as not confirmed (CONFIRMATION_GRACE_DAYS)."""
    return timedelta(days=settings.CONFIRMATION_GRACE_DAYS)


def asked_to_confirm():
    """Its group was asked whether the entry is still current, and has not answered since."""
    return Q(confirmation_requested_at__gte=F("confirmed_at"))


def unconfirmed():
    """The rule of an entry not confirmed: its group was asked whether it is still current
    and has not answered in CONFIRMATION_GRACE_DAYS. On the database's clock, so that the
    map's statements, compiled once (``public_markers_sql``), stay true as days pass."""
    return asked_to_confirm() & Q(confirmation_requested_at__lte=Now() - confirmation_grace())


def is_unconfirmed():
    """``unconfirmed()`` as a column of a query."""
    return ExpressionWrapper(unconfirmed(), output_field=BooleanField())


class SphereDistance(Func):
    """Metres between two points on the sphere (PostGIS's ST_DistanceSphere), as a plain number:
    GeoDjango's Distance would first read the points' spheroid from spatial_ref_sys, a query
    more on a process's first page."""

    function = "ST_DistanceSphere"
    output_field = FloatField()


def _point_value(point):
    return Value(point, output_field=models.PointField())


class Nearness(Func):
    """How near a geometry is to another, as PostGIS's ``<->`` operator measures it: ordered by
    it, a query reads the GiST index of the points nearest first and stops at its LIMIT,
    rather than sorting every match."""

    arg_joiner = " <-> "
    template = "%(expressions)s"
    output_field = FloatField()


class Stage(models.TextChoices):
    IDEA = "idea", pgettext_lazy("project stage", "idea")
    FORMING_GROUP = "forming_group", pgettext_lazy("project stage", "forming group")
    PLANNING = "planning", pgettext_lazy("project stage", "planning")
    CONSTRUCTION = "construction", pgettext_lazy("project stage", "construction")
    INHABITED = "inhabited", pgettext_lazy("project stage", "inhabited")
    STOPPED = "stopped", pgettext_lazy("project stage", "stopped")


class HousingModel(models.TextChoices):
    COOPERATIVE = "cooperative", _("housing co-operative")
    MUTUAL_AID_COOPERATIVE = "mutual_aid_cooperative", _("mutual-aid co-operative")
    COMMUNITY_LAND_TRUST = "community_land_trust", _("community land trust")
    PARTICIPATORY_HOUSING = "participatory_housing", _("participatory housing")
    SELF_BUILD = "self_build", _("self-build")
    INCREMENTAL_UPGRADING = "incremental_upgrading", _("incremental upgrading")
    COLLECTIVE_OWNERSHIP = "collective_ownership", _("collective ownership")
    TENANT_MANAGED = "tenant_managed", _("tenant-managed")
    OTHER = "other", pgettext_lazy("housing model", "other")


class Tenure(models.TextChoices):
    COOPERATIVE = "cooperative", _("co-operative (use rights)")
    COLLECTIVE_OWNERSHIP = "collective_ownership", _("collective ownership")
    COMMUNITY_LAND_TRUST = "community_land_trust", _("land held in trust, homes owned or leased")
    INDIVIDUAL_OWNERSHIP = "individual_ownership", _("individual ownership")
    RENTAL = "rental", _("rental")
    MIXED = "mixed", _("mixed")
    OTHER = "other", pgettext_lazy("tenure", "other")


# What a group says it needs and what it offers other groups: the directory filters by them,
# so that groups find the peers that can help them, and those they can help.
class Need(models.TextChoices):
    LAND = "land", _("land")
    FINANCE = "finance", _("finance")
    TECHNICAL_SUPPORT = "technical_support", _("technical support")
    VOLUNTEERS = "volunteers", _("volunteers")


class Offer(models.TextChoices):
    VISITS = "visits", _("visits")
    EXPERIENCE = "experience", _("its experience")
    TRAINING = "training", _("training")


def _labels(choices, values):
    """The labels of ``values`` of the TextChoices ``choices``, in the active language."""
    labels = dict(choices.choices)
    return [labels.get(value, value) for value in values]


class LocationPrecision(models.TextChoices):
    EXACT = "exact", _("exact")
    APPROXIMATE = "approximate", _("approximate (about 1 km)")


class ChoiceArrayField(ArrayField):
    """An array of choices, edited as check boxes rather than comma-separated text."""

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.base_field.choices,
            "coerce": self.base_field.to_python,
            "widget": forms.CheckboxSelectMultiple,
        }
        defaults.update(kwargs)
        # ArrayField.formfield would force its own SimpleArrayField form class.
        return super(ArrayField, self).formfield(**defaults)


# PostgreSQL text search configurations (made by migration 0010) that fold accents, so
# that "coopérative" and "cooperative" find each other, whatever language a text is in.
SEARCH_CONFIGS = {"simple": "habitat_simple", "en": "habitat_english", "fr": "habitat_french", "es": "habitat_spanish"}


def search_vector():
    """Every searchable text, in the dictionary of its language.

    Names and cities go through the language-neutral ``simple`` dictionary as well, so that
    proper nouns ("Kalkbreite", "Montevideo") match exactly whatever the page's language.
    """
    names = [f"name_{code}" for code in LANGUAGE_CODES]
    vectors = [SearchVector(*names, "city", config=SEARCH_CONFIGS["simple"], weight="A")]
    for code in LANGUAGE_CODES:
        config = SEARCH_CONFIGS[code]
        vectors.append(SearchVector(f"name_{code}", config=config, weight="A"))
        vectors.append(SearchVector(f"summary_{code}", config=config, weight="B"))
        vectors.append(SearchVector(f"description_{code}", config=config, weight="C"))
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def search_query(text):
    """What a visitor typed, understood in every language we hold texts in."""
    configs = [SEARCH_CONFIGS["simple"], *(SEARCH_CONFIGS[code] for code in LANGUAGE_CODES)]
    query = SearchQuery(text, config=configs[0], search_type="websearch")
    for config in configs[1:]:
        query |= SearchQuery(text, config=config, search_type="websearch")
    return query


def figure_aggregates():
    """The directory's figures as aggregates, for the home page, every table of /stats/ and
    the programmes: projects listed, projects inhabited, dwellings (a sum of those known)."""
    return {
        "projects": Count("pk"),
        "inhabited": Count("pk", filter=Q(stage=Stage.INHABITED)),
        # Not named "dwellings": the alias would hide the field from the other aggregates.
        "dwelling_total": Coalesce(Sum("dwellings"), 0),
    }


def cluster_cell(zoom):
    """The map cluster cell of each project at ``zoom``: its stored Morton key, shifted (see
    habitat.geo). Written once for the clustering query and for the projects of a cell."""
    return F("map_cell").bitrightshift(geo.cluster_shift(zoom))


class ColumnCondition(Expression):
    """A condition on one column, for filter(), written in SQL by ``as_sql``."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column):
        super().__init__()
        self.column = F(column) if isinstance(column, str) else column

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions


def key_ranges_sql(column, ranges):
    """SQL of whether the key ``column`` lies in any of ``ranges`` (``[(first, last)]``), and
    its parameters."""
    if not ranges:
        return "FALSE", []
    between = " OR ".join([f"{column} BETWEEN %s AND %s"] * len(ranges))
    return f"({between})", [value for first, last in ranges for value in (first, last)]


class Holds(ColumnCondition):
    """Whether the array ``column`` holds any of ``values``: ``value = ANY(column) OR …``,
    which PostgreSQL tests on each row it reads, where ``column__overlap=values`` may be read
    from the column's GIN index."""

    def __init__(self, column, *values):
        super().__init__(column)
        self.values = values

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        tests = " OR ".join(f"%s = ANY({column})" for _value in self.values)
        return f"({tests})", [param for value in self.values for param in (value, *params)]


class IsAnyOf(ColumnCondition):
    """Whether ``column`` is one of ``values``: ``column = ANY(%s)`` with the values as one
    array, where ``column__in=values`` sends and quotes each of a thousand values on its own."""

    def __init__(self, column, values):
        super().__init__(column)
        self.values = list(values)

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        return f"{column} = ANY(%s)", [*params, self.values]


# Stands for a slug in a reversed address, to find what comes before and after it.
_SLUG_PLACE = "SLUG-PLACE"


@functools.lru_cache(maxsize=64)
def _page_address_around_slug(language, urlconf, script_prefix):
    """What comes before and after the slug in a project page's address, for the language,
    URLconf and script prefix that reverse() reads (the arguments are its cache key)."""
    before, after = reverse("projects:detail", kwargs={"slug": _SLUG_PLACE}).split(_SLUG_PLACE)
    return before, after


# A stack (projects on one spot, which no zoom can split) lists its projects in the map's
# popup up to this many; a bigger one stays a cluster.
STACK_LIST_LIMIT = 20


# What the map shows of a project on its own, in this order (``ProjectQuerySet.marker_values``).
MARKER_VALUES = (
    "slug",
    "city",
    "country",
    "shown_name",
    "longitude",
    "latitude",
    "stage",
    "housing_models",
    "shown_summary",
    "cover",
    "is_unconfirmed",
)


def listed_cells_sql(zoom):
    """SQL of whether a cell of the map's clustering statements (a row of ``cells``, with its
    ``count`` and extent) is shown as its projects rather than as a number: a cell of one
    project, or a "stack" of up to STACK_LIST_LIMIT projects on one spot that no zoom splits."""
    unsplittable = "TRUE" if zoom >= geo.MAX_ZOOM else "(cells.min_x = cells.max_x AND cells.min_y = cells.max_y)"
    return f"(cells.count = 1 OR (cells.count <= {STACK_LIST_LIMIT} AND {unsplittable}))"


def public_markers_sql(alias, **facets):
    """``(sql, params)`` selecting ``pk`` and ``MARKER_VALUES``, in the active language, from
    the public projects with ``facets`` (``ProjectQuerySet.with_facets``), named ``alias``
    (a WHERE may follow, on those columns and ``map_cell``): the map's clustering statements
    join it, so that the projects of the cells they list come in the same statement.

    Compiled once per language and facets: Django took longer to compile it than PostgreSQL
    took to join it."""
    select, params = _public_markers_sql(get_language(), **facets)
    columns = ", ".join(f"{alias}.{column}" for column in ("pk", *MARKER_VALUES))
    return f"SELECT {columns} FROM ({select}) AS {alias}", params


@functools.lru_cache(maxsize=1024)
def _public_markers_sql(language, **facets):
    with translation.override(language):
        projects = Project.objects.public().with_facets(**facets).order_by()
        return projects.marker_values("pk", "map_cell").query.sql_with_params()


def cells_with_markers(rows, first_marker_column):
    """The cells of a clustering statement's ``rows`` (a row per cell, or per project of a
    cell that it lists, in order), each with the ``MARKER_VALUES`` of those (``markers``)."""
    cells = []
    for row in rows:
        cell, marker = row[:first_marker_column], row[first_marker_column:]
        if not cells or cells[-1][0] != cell:
            cells.append((cell, []))
        if marker[0] is not None:  # its pk: a project it lists
            cells[-1][1].append(tuple(marker[1:]))
    return cells


class Clusters(NamedTuple):
    """The map cells of some projects (``ProjectQuerySet.clusters``)."""

    cells: list
    # False when only the first ``at_most`` projects were grouped and there were more.
    complete: bool
    # How many projects were read: all of them, or ``at_most + 1`` when there were more.
    found: int


# The rows that can be public: not a working copy, not a merged duplicate. The indexes that
# public pages use are partial on these rows, so that public() can be answered from them.
LISTED_ROWS = Q(revision_of__isnull=True, merged_into__isnull=True)


class ProjectQuerySet(models.QuerySet):
    def public(self):
        """The one definition of what an anonymous visitor may see.

        Every public page, the map, feeds, exports and statistics start from here.
        """
        return self.filter(LISTED_ROWS, status=Status.PUBLISHED)

    def due_for_confirmation(self):
        """Public projects whose editors are to be asked whether the entry is still current:
        not confirmed for CONFIRMATION_INTERVAL_DAYS, and not asked since (projects.confirmation)."""
        return self.public().filter(
            Q(confirmation_requested_at__isnull=True) | Q(confirmation_requested_at__lt=F("confirmed_at")),
            confirmed_at__lte=Now() - confirmation_interval(),
        )

    def unconfirmed(self):
        return self.filter(unconfirmed())

    def awaiting_confirmation(self):
        """Asked whether they are current, and still within CONFIRMATION_GRACE_DAYS to answer."""
        return self.filter(asked_to_confirm()).exclude(unconfirmed())

    def with_confirmation(self):
        """These projects with ``is_unconfirmed`` (``unconfirmed()``)."""
        return self.annotate(is_unconfirmed=is_unconfirmed())

    def annotate_public(self):
        """Each project with ``is_public``: whether public() holds it."""
        return self.annotate(is_public=Exists(Project.objects.public().filter(pk=OuterRef("pk"))))

    def visible_to(self, user):
        """What ``user`` may see: the public projects, the ones they edit and their working
        copies; moderators see everything. Pages of drafts and their files ask here."""
        if can_moderate(user):
            return self
        if not user.is_authenticated:
            return self.public()
        editorships = Project.editors.through.objects.filter(user=user)
        return self.filter(
            Q(pk__in=Project.objects.public().values("pk"))
            | Exists(editorships.filter(project=OuterRef("pk")))
            | Exists(editorships.filter(project=OuterRef("revision_of")))
        )

    def search(self, text):
        query = search_query(text)
        # F(): SearchRank given a bare field name would rebuild the vector from its text for
        # every row (slow, and the name/summary/description weights would be lost).
        return self.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))

    def newest_first(self):
        """Newest published first (never published last), in the order of an index."""
        return self.order_by(F("published_at").desc(nulls_last=True), "-pk")

    def with_covers(self):
        """These projects with their photos read in one query for all of them, in order: the
        first is the project's ``cover`` on cards."""
        photos = ProjectPhoto.objects.order_by("order", "pk")
        return self.prefetch_related(Prefetch("photos", queryset=photos, to_attr="ordered_photos"))

    def count_by(self, facet):
        """``{value: count}`` of these projects by a facet of the map's ("stage", "country",
        "housing_model": a project of two models counts for each), or None past
        ``counting.VALUE_COUNT_CAP`` of them."""
        if facet == "housing_model":
            return counting.value_counts(self, "housing_models", each_of_array=True)
        return counting.value_counts(self, facet)

    def newest_keys(self, limit):
        """The primary keys of the ``limit`` newest of these projects, newest first.

        Found by walking the primary key backwards, which stops as soon as it has them: a
        common search word matches half the directory, and reading every match first (to rank
        or to count them) takes half a second at a million projects.
        """
        return list(self.order_by("-pk").values_list("pk", flat=True)[:limit])

    def best_matches_among(self, keys):
        """The projects of ``keys`` (say the newest matches, ``newest_keys``), best match to
        these projects' search (``search()``) first."""
        rank = self.query.annotations["rank"]
        return self.model.objects.filter(IsAnyOf("pk", keys)).annotate(rank=rank).order_by(F("rank").desc(), "-pk")

    def in_bbox(self, bbox):
        """Projects whose *public* point lies in a ``geo.BoundingBox``."""
        if bbox.is_whole_world:
            return self
        # For points, the bounding-box operator (&&) is exact, uses the GiST index and
        # spares a geometry function call per row.
        condition = Q()
        for polygon in bbox.polygons():
            condition |= Q(public_location__bboverlaps=polygon)
        return self.filter(condition)

    def clusters(self, *, zoom, at_most=None):
        """These projects grouped into the map cells of ``zoom``, in PostGIS: ``Clusters``.

        Each cell is a dict with its key, its count, the mean public position, the extent of
        its points, and the ``markers`` (``MARKER_VALUES``) of its public projects if it lists
        them (``listed_cells_sql``). One query, whatever the number of projects. Wide views
        of the public projects, alone or by facets, are counted in advance instead
        (``MapCell.objects.clusters``).

        With ``at_most``, only the first that many projects PostgreSQL finds are grouped: a
        common word in a dense view matches tens of thousands, and ordering them (by age, by
        anything) would read every one of them first. The same reading tells whether there
        were more.
        """
        rows = self.order_by().annotate(cell=cluster_cell(zoom)).values("pk", "cell", "public_location")
        if at_most is not None:
            rows = rows[: at_most + 1]
        select, params = rows.query.sql_with_params()
        markers, marker_params = public_markers_sql("m")
        # Written out: Django's ORM cannot aggregate over a limited subquery; min and max of
        # the coordinates are the extent of points, exact where ST_Extent rounds to floats.
        shown = "found" if at_most is None else f"(SELECT * FROM found LIMIT {int(at_most)}) AS shown"
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"""
                WITH found AS MATERIALIZED ({select}),
                cells AS (
                    SELECT cell, count(*) AS count, avg(ST_X(public_location)) AS x, avg(ST_Y(public_location)) AS y,
                           min(ST_X(public_location)) AS min_x, min(ST_Y(public_location)) AS min_y,
                           max(ST_X(public_location)) AS max_x, max(ST_Y(public_location)) AS max_y,
                           CASE WHEN count(*) <= {STACK_LIST_LIMIT} THEN array_agg(pk) END AS members
                    FROM {shown} GROUP BY cell
                )
                SELECT cells.cell, cells.count, cells.x, cells.y, cells.min_x, cells.min_y, cells.max_x, cells.max_y,
                       (SELECT count(*) FROM found), marker.*
                FROM cells LEFT JOIN LATERAL (
                    {markers} WHERE {listed_cells_sql(zoom)} AND m.pk = ANY(cells.members)
                ) AS marker ON TRUE
                ORDER BY cells.count DESC, cells.cell, marker.pk
                """,
                [*params, *marker_params],
            )
            rows = cursor.fetchall()
        cells = [
            {"cell": cell, "count": count, "x": x, "y": y, "extent": (min_x, min_y, max_x, max_y), "markers": markers}
            for (cell, count, x, y, min_x, min_y, max_x, max_y, _found), markers in cells_with_markers(rows, 9)
        ]
        found = rows[0][8] if rows else 0
        return Clusters(cells, complete=at_most is None or found <= at_most, found=found)

    def with_organisation(self, organisation):
        """Projects that name ``organisation`` (an Organisation, or an outer reference to one)."""
        return self.filter(Exists(ProjectActor.objects.filter(project=OuterRef("pk"), organisation=organisation)))

    def with_housing_model(self, *housing_models):
        """Projects of any of ``housing_models``."""
        return self.filter(housing_models__overlap=list(housing_models))

    def needing(self, *needs):
        """Projects whose group needs any of ``needs``."""
        return self.filter(needs__overlap=list(needs))

    def offering(self, *offers):
        """Projects whose group offers any of ``offers``."""
        return self.filter(offers__overlap=list(offers))

    def with_facets(self, *, stage=(), country=(), housing_model=()):
        """These projects with the map's facets (``ProjectFilter.facets()``), as the projects
        of a map's small cells are read (``public_markers_sql``): the same projects as the
        list's filters give, the housing model tested on each row found by its cell.

        ``with_housing_model`` lets PostgreSQL read the housing models' index, which finds a
        rare model among millions; beside the cells' key ranges it would also read it for a
        common one, and its estimate of that index's cost is far too low: every co-operative
        of the world read to keep the few of a view (30 to 80 ms instead of 3).
        """
        projects = self
        if stage:
            projects = projects.filter(stage__in=stage)
        if country:
            projects = projects.filter(country__in=country)
        if housing_model:
            projects = projects.filter(Holds("housing_models", *housing_model))
        return projects

    def marker_values(self, *keys):
        """``keys`` and ``MARKER_VALUES`` of these projects: what the map shows of a project on
        its own (``representation.markers``), the name chosen in SQL as
        ``project.name`` chooses it, without building a model for each."""
        return self.values(
            *keys,
            "slug",
            "city",
            "country",
            "stage",
            "housing_models",
            shown_name=fallback_expression("name"),
            shown_summary=fallback_expression("summary"),
            longitude=Func("public_location", function="ST_X", output_field=FloatField()),
            latitude=Func("public_location", function="ST_Y", output_field=FloatField()),
            # The first photo (``Project.cover``): its stored name, width and alternative text.
            cover=Subquery(
                ProjectPhoto.objects.filter(project=OuterRef("pk"))
                .order_by("order", "pk")
                .values(json=JSONObject(image="image", width="width", alt="alt_text"))[:1]
            ),
            # Faded on the map (projects.confirmation).
            is_unconfirmed=is_unconfirmed(),
        )

    def recount_organisations(self):
        """Count again every organisation's public projects (Organisation.public_project_count,
        which triggers keep current): after a bulk load made with the triggers off."""
        counts = (
            ProjectActor.objects.filter(project__in=self.public())
            .values("organisation")
            .annotate(count=Count("project", distinct=True))
        )
        counted = {row["organisation"]: row["count"] for row in counts}
        organisations = list(Organisation.objects.only("pk", "public_project_count"))
        for organisation in organisations:
            organisation.public_project_count = counted.get(organisation.pk, 0)
        Organisation.objects.bulk_update(organisations, ["public_project_count"], batch_size=1000)

    def supported_by(self, programme):
        """Projects that at least one action of ``programme`` names (a Programme, or an outer
        reference to one inside a subquery)."""
        from projects.models.programmes import SupportAction

        # pk IN (...), like with_organisation(): from the programme's few actions.
        return self.filter(pk__in=SupportAction.objects.filter(programme=programme).values("project"))

    def figures(self):
        """The headline numbers: projects listed, projects inhabited, dwellings."""
        return self.aggregate(**figure_aggregates())

    def update_search_vectors(self):
        return self.update(search_vector=search_vector())

    def peers_of(self, project, *, among=PEERS_AMONG):
        """Public projects like ``project``, in any country, nearest first: the same stage and a
        housing model in common (the same stage alone when it names none), among the ``among``
        public projects nearest to it. Measured between public points only, so that nothing
        tells where a group that hides its place lives."""
        point = project.public_location
        if point is None:
            return self.none()
        peers = self.filter(pk__in=self.around(point, among)).exclude(pk=project.pk).filter(stage=project.stage)
        if project.housing_models:
            peers = peers.with_housing_model(*project.housing_models)
        return peers.nearest_to(point)

    def near(self, project, *, within_km=NEAR_WITHIN_KM):
        """The public projects within ``within_km`` of ``project``'s public point, nearest first:
        of the NEAREST_CANDIDATES nearest, those that close (a page shows a few)."""
        point = project.public_location
        if point is None:
            return self.none()
        return (
            self.filter(pk__in=self.around(point, NEAREST_CANDIDATES))
            .exclude(pk=project.pk)
            .alias(metres=SphereDistance("public_location", _point_value(point)))
            .filter(metres__lte=within_km * 1000)
            .nearest_to(point)
        )

    def around(self, point, count):
        """The ids of the ``count`` public projects nearest to ``point`` in degrees: read from the
        GiST index nearest first, which stops at ``count`` whatever the directory's size. (A
        filter beside the distance, on stage or housing models, let PostgreSQL choose to read
        and sort the whole table instead: a second at a million projects.)"""
        return (
            Project.objects.public()
            .annotate(nearness=Nearness("public_location", _point_value(point)))
            .order_by("nearness")
            .values("pk")[:count]
        )

    def nearest_to(self, point, *, candidates=NEAREST_CANDIDATES):
        """The nearest of these projects to ``point`` (their public points), nearest first on the
        sphere, with ``distance_km``. The ``candidates`` nearest in degrees, a flat measure that
        stretches east-west away from the equator, are measured on the sphere and ordered."""
        nearest = (
            self.annotate(nearness=Nearness("public_location", _point_value(point)))
            .order_by("nearness")
            .values("pk")[:candidates]
        )
        return (
            self.model.objects.filter(pk__in=nearest)
            .annotate(distance_km=SphereDistance("public_location", _point_value(point)) / 1000)
            .order_by("distance_km", "pk")
        )

    def similar_to(self, project, *, within_km=SIMILAR_WITHIN_KM, threshold=SIMILAR_NAME_THRESHOLD):
        """Public projects that may be ``project`` listed twice, most alike first.

        Alike means a similar name (pg_trgm word similarity, either way round, so that "La Borda"
        finds "Cooperativa La Borda") in any of the languages, and a public point within
        ``within_km`` or the same city and country. Moderators see these beside a submission;
        groups see them before they list a project that may already be here.
        """
        names = {getattr(project, f"name_{code}") for code in LANGUAGE_CODES} - {""}
        place = Q()
        if project.city and project.country:
            place |= Q(country=project.country, city__iexact=project.city)
        point = project.public_location or geo.public_point(project.location, project.has_exact_location)
        if point is not None:
            place |= Q(**geo.within_km_lookups("public_location", point, within_km))
        if not names or not place:
            return self.none()
        scores = []
        for code in LANGUAGE_CODES:
            for name in names:
                scores.append(TrigramWordSimilarity(name, f"name_{code}"))
                scores.append(TrigramWordSimilarity(F(f"name_{code}"), Value(name)))
        return (
            self.public()
            .filter(place)
            .exclude(pk__in=[pk for pk in (project.pk, project.revision_of_id) if pk])
            .annotate(similarity=Greatest(*scores))
            .filter(similarity__gte=threshold)
            .order_by("-similarity", "pk")
        )


class Project(Moderated, WorkingCopies, models.Model):
    name = translated(models.CharField(_("name"), max_length=200, blank=True))
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    original_language = OriginalLanguageField(
        help_text=_("The language the group wrote its texts in; the others are translations.")
    )
    summary = translated(models.TextField(_("summary"), max_length=600, blank=True))
    description = translated(models.TextField(_("description"), blank=True))

    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDEA)
    housing_models = ChoiceArrayField(
        models.CharField(max_length=30, choices=HousingModel.choices),
        verbose_name=_("housing models"),
        default=list,
        blank=True,
    )
    tenure = models.CharField(_("tenure"), max_length=30, choices=Tenure.choices, blank=True)
    dwellings = models.PositiveIntegerField(_("dwellings"), null=True, blank=True)
    inhabitants = models.PositiveIntegerField(_("inhabitants"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True, validators=YEAR_VALIDATORS)
    completion_year = models.PositiveSmallIntegerField(
        _("completion year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    needs = ChoiceArrayField(
        models.CharField(max_length=30, choices=Need.choices),
        verbose_name=_("what the group needs"),
        default=list,
        blank=True,
        help_text=_("Other groups and organisations that can help find you by it."),
    )
    offers = ChoiceArrayField(
        models.CharField(max_length=30, choices=Offer.choices),
        verbose_name=_("what the group offers other groups"),
        default=list,
        blank=True,
    )
    priority_neighbourhood = models.BooleanField(
        _("in a priority or low-income neighbourhood"),
        default=False,
        help_text=_("For example a French QPV (quartier prioritaire de la politique de la ville)."),
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Never shown: visitors write through a form that relays their message."),
    )
    source_url = models.URLField(_("source"), max_length=500, blank=True)

    # Where it is. ``location`` is exact and private; only ``public_location`` is ever read
    # by public pages, the map and exports.
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"))
    # Empty while a draft does not yet say where it is; required to submit.
    location = models.PointField(_("location"), srid=4326, null=True, blank=True)
    location_precision = models.CharField(
        _("public location"),
        max_length=12,
        choices=LocationPrecision.choices,
        default=LocationPrecision.EXACT,
        help_text=_(
            "Approximate: public pages show only a point rounded to about 1 km and never the "
            "address. Choose it if the group could be harmed by being found."
        ),
    )
    public_location = models.PointField(srid=4326, editable=False, null=True)
    map_cell = models.BigIntegerField(editable=False, null=True)

    organisations = models.ManyToManyField(Organisation, through="ProjectActor", related_name="projects", blank=True)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="edited_projects", blank=True, verbose_name=_("editors")
    )
    # The working copy of a published project while an editor's change waits for review:
    # the public keeps seeing the original until a moderator publishes the change.
    revision_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="pending_revision", editable=False
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_projects",
        verbose_name=_("merged into"),
        help_text=_("A duplicate merged into another project; its address redirects there."),
    )
    # Bumped by every save through the group's forms, so that two editors saving the same
    # section at once cannot overwrite each other unknowingly.
    version = models.PositiveIntegerField(default=1, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    status = models.CharField(_("moderation status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("publication date"), null=True, blank=True)
    # Entries stay current (projects.confirmation): when the group last said the entry is
    # current (its publication, a published change, or an answer to a reminder), and when its
    # editors were last asked.
    confirmed_at = models.DateTimeField(_("last confirmed"), null=True, blank=True, editable=False)
    confirmation_requested_at = models.DateTimeField(_("confirmation asked for"), null=True, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        # As newest_first(), the order of the project_status_published index.
        ordering = [F("published_at").desc(nulls_last=True), "-pk"]
        permissions = [("moderate_project", _("Can moderate projects"))]
        indexes = [
            # Every cluster cell is a range of map_cell: a map view reads its small cells'
            # projects by these ranges. The stage beside the key lets a view of one stage pass
            # over the others' projects in the index, not on the table (541 rows read for 28
            # shown in a country view of two facets, at a million projects).
            models.Index(
                fields=["status", "map_cell", "stage"], condition=LISTED_ROWS, name="project_status_cell_stage"
            ),
            models.Index(fields=["status", "country"], condition=LISTED_ROWS, name="project_status_country"),
            # Probable duplicates in the same city (similar_to() compares cities case-blind).
            models.Index("status", "country", Upper("city"), name="project_status_city"),
            models.Index(fields=["status", "stage"], condition=LISTED_ROWS, name="project_status_stage"),
            # newest_first(): NULLS LAST must be the index's own order, or every page is sorted.
            models.Index(
                "status",
                F("published_at").desc(nulls_last=True),
                F("id").desc(),
                condition=LISTED_ROWS,
                name="project_status_published",
            ),
            models.Index(fields=["status", "name_en"], condition=LISTED_ROWS, name="project_status_name"),
            models.Index(fields=["priority_neighbourhood"], name="project_priority"),
            GinIndex(fields=["housing_models"], name="project_housing_models"),
            GinIndex(fields=["needs"], name="project_needs"),
            GinIndex(fields=["offers"], name="project_offers"),
            GinIndex(fields=["search_vector"], name="project_search"),
            # ``public_location`` gets its GiST index from GeoDjango (spatial_index=True).
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(completion_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(completion_year__gte=models.F("start_year")),
                name="project_completion_after_start",
                violation_error_message=_("The completion year cannot be before the start year."),
            ),
            # Every public project is on the map, so the map's counts and the list's agree.
            models.CheckConstraint(
                condition=~Q(status="published") | Q(location__isnull=False),
                name="project_published_has_location",
                violation_error_message=_("A published project needs a location."),
            ),
        ]

    def __str__(self):
        return self.name or self.slug

    def get_absolute_url(self):
        return self.url_of(self.slug)

    @property
    def cover(self):
        """The project's first photo, or None: read with the others by ``with_covers()``."""
        photos = getattr(self, "ordered_photos", None)
        if photos is None:
            return self.photos.order_by("order", "pk").first()
        return photos[0] if photos else None

    @staticmethod
    def url_of(slug):
        """The page of the project with ``slug``: for outputs that read values, not models."""
        return Project.page_addresses()(slug)

    @staticmethod
    def page_addresses():
        """``address(slug)``, the page of a project in the active language, for many slugs.

        The address around the slug is reversed once per language (a quarter of a millisecond
        each time: a map lists a hundred projects, an export a million), and the language
        looked up once for all of them."""
        before, after = _page_address_around_slug(
            get_language(), get_urlconf(settings.ROOT_URLCONF), get_script_prefix()
        )
        return lambda slug: f"{before}{slug}{after}"

    def clean(self):
        super().clean()
        if not getattr(self, f"name_{self.original_language}"):
            raise ValidationError(
                {f"name_{self.original_language}": _("Give the project's name in its original language.")}
            )
        if self.status == Status.PUBLISHED and self.location is None:
            raise ValidationError({"location": _("A published project needs a location.")})
        if self.start_year and self.completion_year and self.completion_year < self.start_year:
            raise ValidationError({"completion_year": _("The completion year cannot be before the start year.")})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Project, self.name, fallback="project", exclude_pk=self.pk)
        self.public_location = geo.public_point(self.location, self.has_exact_location)
        self.map_cell = geo.map_cell(self.public_location)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"location", "location_precision"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "public_location", "map_cell"}
        if self.published_at and not self.confirmed_at:
            # Published (by a moderator, the admin or a loader): current as of its publication.
            self.confirmed_at = self.published_at
            if update_fields is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "confirmed_at"}
        super().save(*args, **kwargs)
        Project.objects.filter(pk=self.pk).update_search_vectors()

    @property
    def has_exact_location(self):
        return self.location_precision == LocationPrecision.EXACT

    @property
    def public_address(self):
        """The address, unless the group asked to hide where it lives."""
        return self.address if self.has_exact_location else ""

    def get_housing_models_display(self):
        return _labels(HousingModel, self.housing_models)

    def get_needs_display(self):
        return _labels(Need, self.needs)

    def get_offers_display(self):
        return _labels(Offer, self.offers)

    # --- Who may do what. The one place that decides it; views and admin ask here. -------

    def is_editor(self, user):
        if not user.is_authenticated:
            return False
        original = self.revision_of or self
        return original.editors.filter(pk=user.pk).exists()

    def can_edit(self, user):
        return self.is_editor(user) or can_moderate(user)

    def confirm(self):
        """The group says the entry is still current (projects.confirmation)."""
        self.confirmed_at = timezone.now()
        self.save(update_fields=["confirmed_at", "updated_at"])

    confirm.alters_data = True


class ProjectActor(models.Model):
    """An organisation's part in a project."""

    class Role(models.TextChoices):
        INHABITANT_GROUP = "inhabitant_group", _("inhabitant group")
        TECHNICAL_SUPPORT = "technical_support", _("technical support")
        FUNDER = "funder", _("funder")
        PUBLIC_AUTHORITY = "public_authority", _("public authority")
        NETWORK = "network", _("network")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="actors")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="project_roles")
    role = models.CharField(
        _("role"),
        max_length=30,
        choices=Role.choices,
        blank=True,
        help_text=_("Leave empty when the source does not say."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("organisation involved")
        verbose_name_plural = _("organisations involved")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "organisation", "role"], name="actor_unique_role"),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display() or '-'})"


class ProjectPhoto(Photo):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos")

    upload_folder = "photos"
    owner = "project"

    class Meta(Photo.Meta):
        pass


class ProjectDocument(Document):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")

    upload_folder = "documents"
    owner = "project"

    class Meta(Document.Meta):
        pass


# One revision spans a project and its photos, documents and organisations, so that staff
# can restore any earlier version of the whole from the admin's history.
reversion.register(ProjectPhoto)
reversion.register(ProjectDocument)
reversion.register(ProjectActor)
reversion.register(Project, follow=list(PARTS), exclude=["search_vector"], ignore_duplicates=True)
