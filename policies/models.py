"""Public policies that support community-led housing: a law, a funding scheme, a land
programme or a municipal policy, with the projects and programmes it made possible. The seed
asks for "the visibility of public policies and public support to community-driven urban
development"; every policy names its sources."""

from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from habitat.models import OriginalLanguageField
from habitat.translation import translated
from projects.models import Programme, Project
from projects.models.project import YEAR_VALIDATORS


class Level(models.TextChoices):
    NATIONAL = "national", _("national")
    REGIONAL = "regional", _("regional")
    LOCAL = "local", _("local")


class Kind(models.TextChoices):
    LAW = "law", _("law")
    FUNDING = "funding", _("funding scheme")
    LAND = "land", _("land programme")
    MUNICIPAL = "municipal", _("municipal policy")
    OTHER = "other", _("other public support")


class PolicyQuerySet(models.QuerySet):
    def by_country(self):
        """``{country code: number of policies}``: what the map of the policies shades."""
        return dict(self.order_by().values_list("country").annotate(count=Count("pk")).values_list("country", "count"))


class Policy(models.Model):
    name = translated(models.CharField(_("name"), max_length=300, blank=True))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    original_language = OriginalLanguageField()
    description = translated(models.TextField(_("description"), blank=True))
    country = CountryField(_("country"))
    city = models.CharField(
        _("city or region"), max_length=120, blank=True, help_text=_("Empty for a national policy.")
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=YEAR_VALIDATORS, help_text=_("When it was adopted or began.")
    )
    sources = models.TextField(
        _("sources"), help_text=_("Where the facts on this page come from: one address per line.")
    )
    projects = models.ManyToManyField(
        Project,
        related_name="policies",
        blank=True,
        verbose_name=_("projects it made possible"),
        limit_choices_to={"revision_of__isnull": True},
    )
    programmes = models.ManyToManyField(
        Programme, related_name="policies", blank=True, verbose_name=_("programmes it made possible")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("public policy")
        verbose_name_plural = _("public policies")
        ordering = ["country", "-year", "slug"]
        indexes = [models.Index(fields=["country", "kind", "level"], name="policy_filters")]

    def __str__(self):
        return self.name or self.slug

    def get_absolute_url(self):
        return reverse("policies:detail", kwargs={"slug": self.slug})

    def source_urls(self):
        return [line.strip() for line in self.sources.splitlines() if line.strip()]

    def place_text(self):
        return ", ".join(part for part in [self.city, self.country.name] if part)
