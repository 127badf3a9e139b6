import math
import secrets

import reversion
from django import forms
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.measure import D
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from habitat import geo
from habitat.models import Language, Organisation
from habitat.translation import LANGUAGE_CODES, translated
from habitat.uploads import CleanedPdf, ReencodedPhoto, random_name, validate_pdf
from projects import notifications

YEAR_VALIDATORS = [MinValueValidator(1800), MaxValueValidator(2100)]
# Probable duplicates: names at least this alike (pg_trgm word similarity, 0 to 1), this close.
SIMILAR_NAME_THRESHOLD = 0.5
SIMILAR_WITHIN_KM = 5


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


class LocationPrecision(models.TextChoices):
    EXACT = "exact", _("exact")
    APPROXIMATE = "approximate", _("approximate (about 1 km)")


class Status(models.TextChoices):
    """Moderation states; only ``published`` is visible to the public."""

    DRAFT = "draft", pgettext_lazy("moderation status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("moderation status", "submitted")
    CHANGES_REQUESTED = "changes_requested", pgettext_lazy("moderation status", "changes requested")
    PUBLISHED = "published", pgettext_lazy("moderation status", "published")
    REJECTED = "rejected", pgettext_lazy("moderation status", "rejected")
    ARCHIVED = "archived", pgettext_lazy("moderation status", "archived")


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


def search_vector():
    """Every searchable text, in the dictionary of its language.

    Names and cities go through the language-neutral ``simple`` dictionary as well, so that
    proper nouns ("Kalkbreite", "Montevideo") match exactly whatever the page's language.
    """
    vectors = [SearchVector(*[f"name_{code}" for code in LANGUAGE_CODES], "city", config="simple", weight="A")]
    dictionaries = {"en": "english", "fr": "french", "es": "spanish"}
    for code in LANGUAGE_CODES:
        vectors.append(SearchVector(f"name_{code}", config=dictionaries[code], weight="A"))
        vectors.append(SearchVector(f"summary_{code}", config=dictionaries[code], weight="B"))
        vectors.append(SearchVector(f"description_{code}", config=dictionaries[code], weight="C"))
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


def search_query(text):
    """What a visitor typed, understood in every language we hold texts in."""
    query = SearchQuery(text, config="simple", search_type="websearch")
    for config in ("english", "french", "spanish"):
        query |= SearchQuery(text, config=config, search_type="websearch")
    return query


class ProjectQuerySet(models.QuerySet):
    def public(self):
        """The one definition of what an anonymous visitor may see.

        Every public page, the map, feeds, exports and statistics start from here.
        """
        return self.filter(LISTED_ROWS, status=Status.PUBLISHED)

    def search(self, text):
        query = search_query(text)
        # F(): SearchRank given a bare field name would rebuild the vector from its text for
        # every row (slow, and the name/summary/description weights would be lost).
        return self.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))

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

    def with_organisation(self, organisation):
        return self.filter(Exists(ProjectActor.objects.filter(project=OuterRef("pk"), organisation=organisation)))

    def with_housing_model(self, housing_model):
        return self.filter(housing_models__contains=[housing_model])

    def figures(self):
        """The headline numbers: projects listed, projects inhabited, dwellings."""
        return self.aggregate(
            projects=Count("pk"),
            inhabited=Count("pk", filter=Q(stage=Stage.INHABITED)),
            dwellings=Coalesce(Sum("dwellings"), 0),
        )

    def update_search_vectors(self):
        return self.update(search_vector=search_vector())

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
            # The bounding-box pre-filter in degrees uses the GiST index; wide enough in longitude
            # for the latitude, then the exact distance on the sphere.
            degrees = within_km / 111.32 / max(math.cos(math.radians(point.y)), 0.01)
            place |= Q(
                public_location__dwithin=(point, degrees), public_location__distance_lte=(point, D(km=within_km))
            )
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


class InvalidTransition(ValidationError):
    """A moderation step that the project's state does not allow."""


def can_moderate(user):
    return user.is_authenticated and user.has_perm("projects.moderate_project")


def unique_slug(model, text, *, exclude_pk=None):
    base = slugify(text)[:80].strip("-") or "project"
    slug, n = base, 2
    others = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# The rows that can be public: not a working copy, not a merged duplicate. The indexes that
# public pages use are partial on these rows, so that public() can be answered from them.
LISTED_ROWS = Q(revision_of__isnull=True, merged_into__isnull=True)


class Project(models.Model):
    name = translated(models.CharField(_("name"), max_length=200, blank=True))
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    original_language = models.CharField(
        _("original language"),
        max_length=2,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text=_("The language the group wrote its texts in; the others are translations."),
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
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-published_at", "-pk"]
        permissions = [("moderate_project", _("Can moderate projects"))]
        indexes = [
            # Every cluster cell is a range of map_cell: per-level aggregates will scan it.
            models.Index(fields=["status", "map_cell"], condition=LISTED_ROWS, name="project_status_cell"),
            models.Index(fields=["status", "country"], condition=LISTED_ROWS, name="project_status_country"),
            # Probable duplicates in the same city (similar_to() compares cities case-blind).
            models.Index("status", "country", Upper("city"), name="project_status_city"),
            models.Index(fields=["status", "stage"], condition=LISTED_ROWS, name="project_status_stage"),
            models.Index(
                fields=["status", "-published_at", "-id"], condition=LISTED_ROWS, name="project_status_published"
            ),
            models.Index(fields=["status", "name_en"], condition=LISTED_ROWS, name="project_status_name"),
            models.Index(fields=["priority_neighbourhood"], name="project_priority"),
            GinIndex(fields=["housing_models"], name="project_housing_models"),
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
        ]

    def __str__(self):
        return self.name or self.slug

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"slug": self.slug})

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
            self.slug = unique_slug(Project, self.name, exclude_pk=self.pk)
        self.public_location = geo.public_point(self.location, self.has_exact_location)
        self.map_cell = geo.map_cell(self.public_location)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"location", "location_precision"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "public_location", "map_cell"}
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
        labels = dict(HousingModel.choices)
        return [labels.get(value, value) for value in self.housing_models]

    # --- Who may do what. The one place that decides it; views and admin ask here. -------

    def is_editor(self, user):
        if not user.is_authenticated:
            return False
        original = self.revision_of or self
        return original.editors.filter(pk=user.pk).exists()

    def can_edit(self, user):
        return self.is_editor(user) or can_moderate(user)

    # --- Moderation. Nobody assigns ``status``: these methods do, after checking who asks
    # and from which state, and each one records an event and notifies the people concerned.

    def _set_state(self, status, action, *, by, message="", notify=None):
        """Move to ``status``, record ``action`` and tell the people concerned: the one way
        every moderation step changes a project's state."""
        self.status = status
        fields = ["status", "updated_at"]
        if status == Status.SUBMITTED:
            self.submitted_at = timezone.now()
            fields.append("submitted_at")
        if status == Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()
            fields.append("published_at")
        self.save(update_fields=fields)
        event = self.record(action, by=by, message=message)
        (notify or notifications.decided)(self, event)
        return event

    def _require(self, allowed, states, refusal):
        """Raise PermissionDenied for the wrong person, ``refusal`` for the wrong state."""
        if not allowed:
            raise PermissionDenied
        if self.status not in states:
            raise InvalidTransition(refusal)

    def missing_for_review(self):
        """What the group still has to fill in before a moderator can review the project."""
        missing = []
        if not getattr(self, f"name_{self.original_language}"):
            missing.append(_("the project's name in its original language"))
        if not getattr(self, f"summary_{self.original_language}"):
            missing.append(_("a short summary in the original language"))
        if not self.country:
            missing.append(_("the country"))
        if self.location is None:
            missing.append(_("where it is on the map"))
        return missing

    @transaction.atomic
    def submit(self, *, by):
        """The group asks for review: its first listing, or a change to a published project."""
        states = {Status.DRAFT, Status.CHANGES_REQUESTED}
        if self.revision_of_id:
            # A rejected change stays the project's one working copy (revision_of is one-to-one):
            # its editors must be able to rework it and submit again, or they could never change
            # their published project any more.
            states.add(Status.REJECTED)
        self._require(self.can_edit(by), states, _("Only a draft or a project sent back for changes can be submitted."))
        missing = self.missing_for_review()
        if missing:
            raise InvalidTransition(
                _("Before submitting, add: %(missing)s.") % {"missing": ", ".join(map(str, missing))}
            )
        return self._set_state(
            Status.SUBMITTED,
            ModerationEvent.Action.SUBMITTED,
            by=by,
            notify=notifications.submitted,
        )

    submit.alters_data = True

    @transaction.atomic
    def publish(self, *, by, message=""):
        """Approve a submission. For a pending change, the change replaces the public version."""
        self._require(can_moderate(by), {Status.SUBMITTED}, _("Only a submitted project can be published."))
        if self.revision_of_id:
            original = self.revision_of
            original.apply_revision(self)
            event = original.record(ModerationEvent.Action.CHANGE_PUBLISHED, by=by, message=message)
            notifications.decided(original, event)
            return event
        return self._set_state(Status.PUBLISHED, ModerationEvent.Action.PUBLISHED, by=by, message=message)

    publish.alters_data = True

    @transaction.atomic
    def request_changes(self, *, by, message):
        """Send a submission back to the group with what to change; nothing is lost."""
        self._require(can_moderate(by), {Status.SUBMITTED}, _("Only a submitted project can be sent back for changes."))
        if not message.strip():
            raise InvalidTransition(_("Say what the group should change."))
        return self._set_state(
            Status.CHANGES_REQUESTED, ModerationEvent.Action.CHANGES_REQUESTED, by=by, message=message
        )

    request_changes.alters_data = True

    @transaction.atomic
    def reject(self, *, by, reason):
        """Refuse a submission, with the reason. The texts stay, visible to the group."""
        self._require(can_moderate(by), {Status.SUBMITTED}, _("Only a submitted project can be rejected."))
        if not reason.strip():
            raise InvalidTransition(_("Give the reason for the rejection."))
        return self._set_state(Status.REJECTED, ModerationEvent.Action.REJECTED, by=by, message=reason)

    reject.alters_data = True

    @transaction.atomic
    def archive(self, *, by, message=""):
        # A working copy is never public, so there is nothing to archive: a refused step, not a refused person.
        self._require(
            can_moderate(by),
            set() if self.revision_of_id else {Status.PUBLISHED},
            _("Only a published project can be archived."),
        )
        return self._set_state(Status.ARCHIVED, ModerationEvent.Action.ARCHIVED, by=by, message=message)

    archive.alters_data = True

    @transaction.atomic
    def restore(self, *, by, message=""):
        self._require(
            can_moderate(by),
            set() if self.revision_of_id else {Status.ARCHIVED},
            _("Only an archived project can be restored."),
        )
        if self.merged_into_id:
            # It may never have been approved (a merged submission), and its address redirects.
            raise InvalidTransition(_("A project merged into another cannot be restored."))
        return self._set_state(Status.PUBLISHED, ModerationEvent.Action.RESTORED, by=by, message=message)

    restore.alters_data = True

    @transaction.atomic
    def merge_into(self, target, *, by, message=""):
        """Fold this duplicate into ``target``. It is archived, not deleted (nothing the group
        typed is lost), its address redirects to the target and its editors become editors of
        the target."""
        if not can_moderate(by):
            raise PermissionDenied
        if target.pk == self.pk:
            raise InvalidTransition(_("A project cannot be merged into itself."))
        if self.revision_of_id or target.revision_of_id:
            raise InvalidTransition(_("A pending change cannot be merged: publish or reject it instead."))
        if self.merged_into_id or target.merged_into_id:
            raise InvalidTransition(_("A project already merged into another cannot be merged again."))
        if target.status in {Status.REJECTED, Status.ARCHIVED}:
            raise InvalidTransition(
                _("A project cannot be merged into one that is %(state)s.") % {"state": target.get_status_display()}
            )
        self.status = Status.ARCHIVED
        self.merged_into = target
        self.save(update_fields=["status", "merged_into", "updated_at"])
        # Earlier duplicates of this one now lead straight to the target: one redirect, no chains.
        self.merged_projects.update(merged_into=target)
        target.editors.add(*self.editors.all())
        event = self.record(
            ModerationEvent.Action.MERGED,
            by=by,
            message=message or gettext("Merged into “%(name)s”.") % {"name": target.name},
        )
        target.record(
            ModerationEvent.Action.MERGED,
            by=by,
            message=gettext("“%(name)s” was merged into this project.") % {"name": self.name},
        )
        notifications.decided(self, event)
        return event

    merge_into.alters_data = True

    def record(self, action, *, by, message=""):
        actor = by if by is not None and by.is_authenticated else None
        return ModerationEvent.objects.create(project=self, actor=actor, action=action, message=message)

    # --- Changes to a published project ----------------------------------------------

    def editable_version(self, *, by):
        """What an editor's forms change: the project itself, or for a published project a
        working copy that the public does not see until a moderator publishes it."""
        if not self.can_edit(by):
            raise PermissionDenied
        if self.status != Status.PUBLISHED or self.revision_of_id:
            return self
        try:
            return self.pending_revision
        except Project.DoesNotExist:
            return self.start_revision(by=by)

    @transaction.atomic
    def start_revision(self, *, by):
        revision = Project.objects.get(pk=self.pk)
        revision.pk = revision.id = None
        revision._state.adding = True
        revision.slug = f"{self.slug[:70]}-change-{secrets.token_hex(4)}"
        revision.status = Status.DRAFT
        revision.revision_of = self
        revision.submitted_at = None
        revision.save()
        for related in ("photos", "documents", "actors"):
            for item in getattr(self, related).all():
                item.pk = item.id = None
                item._state.adding = True
                item.project = revision
                item.save()  # a photo's file is already stored: it is shared, not re-encoded
        self.record(ModerationEvent.Action.CHANGE_STARTED, by=by)
        return revision

    def apply_revision(self, revision):
        """Make ``revision`` (a working copy of this project) the public version."""
        kept = {"id", "slug", "status", "published_at", "created_at", "revision_of", "merged_into", "submitted_at"}
        for field in Project._meta.concrete_fields:
            if field.name not in kept:
                setattr(self, field.attname, getattr(revision, field.attname))
        self.version += 1
        self.save()
        for related in ("photos", "documents", "actors"):
            # The rows go; their files stay, now used by the revision's copies of the rows.
            getattr(self, related).all().delete()
            getattr(revision, related).update(project=self)
        # The change's own history (its submission, the moderators' requests) stays with the project.
        revision.events.update(project=self)
        revision.delete()

    def differences(self, other):
        """Field by field, what ``other`` (a working copy) changes: (label, before, after)."""
        skip = {
            "id",
            "slug",
            "status",
            "published_at",
            "created_at",
            "updated_at",
            "revision_of",
            "merged_into",
            "submitted_at",
            "version",
            "search_vector",
            "public_location",
            "map_cell",
        }
        rows = []
        for field in Project._meta.concrete_fields:
            if field.name in skip:
                continue
            before, after = getattr(self, field.attname), getattr(other, field.attname)
            if field.name == "location":
                before, after = (before and before.coords), (after and after.coords)
            if before != after:
                rows.append((field.verbose_name, before, after))
        for related, describe in (
            ("actors", lambda a: f"{a.organisation} ({a.get_role_display() or '-'})"),
            ("photos", lambda p: p.alt_text),
            ("documents", lambda d: d.title),
        ):
            before = [describe(item) for item in getattr(self, related).all()]
            after = [describe(item) for item in getattr(other, related).all()]
            if before != after:
                rows.append((getattr(self, related).model._meta.verbose_name_plural, before, after))
        return rows


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


def upload_photo(instance, filename):
    return random_name("photos", filename)


def upload_document(instance, filename):
    return random_name("documents", filename)


class ProjectPhoto(ReencodedPhoto):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("image"), upload_to=upload_photo)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=300,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.caption or self.alt_text


class ProjectDocument(CleanedPdf):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("file"), upload_to=upload_document, validators=[validate_pdf])
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class ModerationEvent(models.Model):
    """One step in a project's life: who did what, when, and what they said."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted for review")
        PUBLISHED = "published", _("published")
        CHANGES_REQUESTED = "changes_requested", _("changes requested")
        REJECTED = "rejected", _("rejected")
        ARCHIVED = "archived", _("archived")
        RESTORED = "restored", _("restored")
        CHANGE_STARTED = "change_started", _("change started")
        CHANGE_PUBLISHED = "change_published", _("change published")
        MERGED = "merged", _("merged")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d})"


class ProjectReportQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(handled_at__isnull=True)

    def mark_handled(self, *, by):
        """Close the waiting reports among these; returns how many were closed."""
        return self.waiting().update(handled_at=timezone.now(), handled_by=by)


class ProjectReport(models.Model):
    """A visitor's report of a problem on a public project page, for the moderators."""

    class Kind(models.TextChoices):
        WRONG_FACTS = "wrong_facts", _("wrong or outdated facts")
        SPAM = "spam", _("spam or advertising")
        SAFETY = "safety", _("safety concern (for example the group's location)")
        OTHER = "other", pgettext_lazy("report kind", "other")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("problem"), max_length=20, choices=Kind.choices)
    message = models.TextField(_("what is wrong"), max_length=3000)
    email = models.EmailField(_("your e-mail (optional)"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProjectReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        # Waiting reports first, the longest-waiting at the top (a plain ascending order would
        # put the empty handled_at last in PostgreSQL); then the most recently handled.
        ordering = [models.F("handled_at").desc(nulls_first=True), "created_at"]
        indexes = [models.Index(fields=["handled_at", "created_at"], name="report_queue")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.project}"


class EditorInvitation(models.Model):
    """An editor's invitation to a co-editor, accepted through a link sent by e-mail."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("editor invitation")
        verbose_name_plural = _("editor invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email


# One revision spans a project and its photos, documents and organisations, so that staff
# can restore any earlier version of the whole from the admin's history.
reversion.register(ProjectPhoto)
reversion.register(ProjectDocument)
reversion.register(ProjectActor)
reversion.register(Project, follow=["photos", "documents", "actors"], exclude=["search_vector"])


# --- Programmes of support ------------------------------------------------------------


class ProgrammeQuerySet(models.QuerySet):
    def with_figures(self):
        """Each programme with its number of actions and of public projects it supports."""
        public = Q(
            actions__project__status=Status.PUBLISHED,
            actions__project__revision_of__isnull=True,
            actions__project__merged_into__isnull=True,
        )
        return self.annotate(
            action_count=Count("actions", distinct=True),
            project_count=Count("actions__project", filter=public, distinct=True),
        )


class Programme(models.Model):
    """A programme that supports projects, such as HPF's programme for participatory housing
    in France's priority neighbourhoods (QPV), with the organisations that fund it."""

    name = translated(models.CharField(_("name"), max_length=200, blank=True))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    original_language = models.CharField(
        _("original language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    summary = translated(models.TextField(_("summary"), max_length=600, blank=True))
    description = translated(models.TextField(_("description"), blank=True))
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_programmes",
        verbose_name=_("run by"),
    )
    funders = models.ManyToManyField(
        Organisation, related_name="funded_programmes", blank=True, verbose_name=_("funders")
    )
    country = CountryField(_("country"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True, validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(
        _("end year"), null=True, blank=True, validators=YEAR_VALIDATORS, help_text=_("Empty while it runs.")
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    source_url = models.TextField(_("source"), blank=True, help_text=_("Where the facts on this page come from."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme of support")
        verbose_name_plural = _("programmes of support")
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(start_year__isnull=True) | Q(end_year__gte=F("start_year")),
                name="programme_end_after_start",
                violation_error_message=_("The end year cannot be before the start year."),
            ),
        ]

    def __str__(self):
        return self.name or self.slug

    def get_absolute_url(self):
        return reverse("programmes:detail", kwargs={"slug": self.slug})

    def supported_projects(self):
        """The public projects that at least one of its actions names."""
        return Project.objects.public().filter(
            Exists(SupportAction.objects.filter(programme=self, project=OuterRef("pk")))
        )

    def figures(self):
        """Counts per axis, projects supported and the amount, in two queries.

        ``amount`` stays None when no action has a known amount: "not published", not zero.
        """
        figures = self.actions.aggregate(
            actions=Count("pk"),
            amount=Sum("amount_eur"),
            amounts_known=Count("pk", filter=Q(amount_eur__isnull=False)),
            **{axis: Count("pk", filter=Q(axis=axis)) for axis in Axis.values},
        )
        figures["projects"] = self.supported_projects().count()
        return figures


class Axis(models.TextChoices):
    IDENTIFY = "identify", pgettext_lazy("programme axis", "identify")
    ACCOMPANY = "accompany", pgettext_lazy("programme axis", "accompany")
    FOLLOW = "follow", pgettext_lazy("programme axis", "follow")


class SupportActionKind(models.TextChoices):
    FACT = "fact", pgettext_lazy("support action kind", "milestone")
    ACTION = "action", pgettext_lazy("support action kind", "action")
    PUBLICATION = "publication", pgettext_lazy("support action kind", "publication")
    PROJECT = "project", pgettext_lazy("support action kind", "project supported or studied")


class SupportAction(models.Model):
    """One thing a programme did: a meeting, a study, a publication, a project it studied
    or accompanied. Axis and year stay empty where the sources do not say."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="actions", verbose_name=_("programme")
    )
    axis = models.CharField(
        _("axis"),
        max_length=12,
        choices=Axis.choices,
        blank=True,
        help_text=_("Empty for what concerns the whole programme."),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=SupportActionKind.choices, default=SupportActionKind.ACTION
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, validators=YEAR_VALIDATORS)
    amount_eur = models.DecimalField(
        _("amount (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty when no source gives the amount."),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_actions",
        verbose_name=_("project"),
    )
    title = translated(models.CharField(_("title"), max_length=300, blank=True))
    description = translated(models.TextField(_("description"), blank=True))
    original_language = models.CharField(
        _("original language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    source_url = models.TextField(_("source"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("support action")
        verbose_name_plural = _("support actions")
        ordering = ["programme", F("year").asc(nulls_last=True), "order", "pk"]
        indexes = [models.Index(fields=["programme", "axis"]), models.Index(fields=["project"])]

    def __str__(self):
        return self.title or gettext("support action")
