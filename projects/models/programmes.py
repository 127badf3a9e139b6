"""Programmes of support: a programme (such as HPF's programme for participatory housing in
France's priority neighbourhoods) and what it did along its three axes."""

from django.contrib.gis.db import models
from django.db.models import Count, F, OuterRef, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from habitat.models import PUBLIC_ORGANISATIONS, Organisation, OriginalLanguageField
from habitat.subqueries import aggregate_subquery
from habitat.translation import translated
from projects.models.project import YEAR_VALIDATORS, Project, figure_aggregates


class ProgrammeQuerySet(models.QuerySet):
    def with_figures(self):
        """Each programme with its number of actions and the figures (``figure_aggregates``)
        of the public projects it supports, each project counted once however many of the
        programme's actions name it: one query for any number of programmes."""
        # OuterRef(OuterRef()): the programme of the outer query, seen from inside the Exists
        # that supported_by() nests in the subquery.
        supported = Project.objects.public().supported_by(OuterRef(OuterRef("pk")))
        figures = {name: aggregate_subquery(supported, aggregate) for name, aggregate in figure_aggregates().items()}
        return self.annotate(action_count=Count("actions", distinct=True), **figures)


class Programme(models.Model):
    """A programme that supports projects, such as HPF's programme for participatory housing
    in France's priority neighbourhoods (QPV), with the organisations that fund it."""

    name = translated(models.CharField(_("name"), max_length=200, blank=True))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    original_language = OriginalLanguageField()
    summary = translated(models.TextField(_("summary"), max_length=600, blank=True))
    description = translated(models.TextField(_("description"), blank=True))
    lead_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_programmes",
        verbose_name=_("run by"),
        limit_choices_to=PUBLIC_ORGANISATIONS,
    )
    funders = models.ManyToManyField(
        Organisation,
        related_name="funded_programmes",
        blank=True,
        verbose_name=_("funders"),
        limit_choices_to=PUBLIC_ORGANISATIONS,
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
        return Project.objects.public().supported_by(self)

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
    original_language = OriginalLanguageField()
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
