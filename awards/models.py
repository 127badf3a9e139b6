from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from habitat.models import PUBLIC_ORGANISATIONS, Organisation
from habitat.translation import translated
from projects.models import Project


class Result(models.TextChoices):
    WINNER = "winner", pgettext_lazy("award result", "winner")
    SPECIAL_MENTION = "special_mention", pgettext_lazy("award result", "special mention")
    FINALIST = "finalist", pgettext_lazy("award result", "finalist")
    NOMINEE = "nominee", pgettext_lazy("award result", "nominee")


# Results that count as "has an award" in the project list's filter: being shortlisted
# (finalist) is a distinction the awards publish; a mere nomination is not.
DISTINCTIONS = [Result.WINNER, Result.SPECIAL_MENTION, Result.FINALIST]
WINS = [Result.WINNER, Result.SPECIAL_MENTION]


class Level(models.TextChoices):
    GOLD = "gold", pgettext_lazy("award level", "Gold")
    SILVER = "silver", pgettext_lazy("award level", "Silver")
    BRONZE = "bronze", pgettext_lazy("award level", "Bronze")


class Award(models.Model):
    name = translated(models.CharField(_("name"), max_length=200, blank=True))
    description = translated(models.TextField(_("description"), blank=True))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    organiser = models.ForeignKey(
        Organisation,
        verbose_name=_("organiser"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="awards",
        limit_choices_to=PUBLIC_ORGANISATIONS,
    )
    website = models.URLField(_("website"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["slug"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("awards:award", kwargs={"slug": self.slug})


class Edition(models.Model):
    """One round of an award, announced in ``year``.

    An award may announce two rounds in one year (World Habitat announced its 2016-17 cycle
    and its "2017" one in 2017), so editions are told apart by their cycle ``label`` and
    ``region``, and the year page lists every edition of that year.
    """

    award = models.ForeignKey(Award, verbose_name=_("award"), on_delete=models.CASCADE, related_name="editions")
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year the results were announced."))
    label = models.CharField(_("cycle"), max_length=30, blank=True, help_text=_('For example "2015-16".'))
    region = models.CharField(_("region"), max_length=100, blank=True)
    name = models.CharField(
        _("name as announced"),
        max_length=200,
        blank=True,
        help_text=_("The edition's own title and organisers, when they differ from the award's name."),
    )
    source_url = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["award", "-year", "label", "region"]
        constraints = [
            models.UniqueConstraint(fields=["award", "year", "label", "region"], name="awards_edition_unique_round"),
        ]

    def __str__(self):
        parts = [str(self.award), self.label or str(self.year)]
        if self.region:
            parts.append(self.region)
        return " ".join(parts)

    def get_absolute_url(self):
        return reverse("awards:edition", kwargs={"slug": self.award.slug, "year": self.year})


class Category(models.Model):
    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="categories")
    name = translated(models.CharField(_("name"), max_length=200, blank=True))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["edition", "order", "pk"]

    def __str__(self):
        return self.name


class NominationQuerySet(models.QuerySet):
    def public(self):
        """What visitors may see of nominations.

        Every nomination shows, under the name the award published, but a nomination links
        to its directory project only when that project is public (``project_is_public``).
        One tied to a hidden project and with no published name of its own does not show.
        """
        return self.annotate(
            project_is_public=Exists(Project.objects.public().filter(pk=OuterRef("project_id")))
        ).filter(Q(project_is_public=True) | ~Q(project_name=""))

    def distinctions(self):
        """What "has an award" means in the directory: won, mentioned or shortlisted."""
        return self.filter(result__in=DISTINCTIONS)

    def wins(self):
        """What "has won an award" means: won or given a special mention."""
        return self.filter(result__in=WINS)

    def ranked(self):
        """Winners first, then by level (gold, silver, bronze), then by name."""
        return self.annotate(
            result_rank=Case(
                *[When(result=value, then=Value(rank)) for rank, value in enumerate(Result.values)],
                output_field=IntegerField(),
            ),
            level_rank=Case(
                *[When(level=value, then=Value(rank)) for rank, value in enumerate(Level.values)],
                default=Value(len(Level.values)),
                output_field=IntegerField(),
            ),
        ).order_by("result_rank", "level_rank", "project_name", "pk")


class Nomination(models.Model):
    """A project put forward in an edition (and category) of an award, with its result.

    ``project`` is the directory's project when it is the same one; ``project_name`` and
    ``country`` are the names the award published, kept even when the project is linked.
    """

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="nominations"
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project in the directory"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations",
    )
    project_name = models.CharField(_("project name"), max_length=300, blank=True)
    country = CountryField(_("country"), blank=True)
    organisation_name = models.CharField(_("organisations"), max_length=300, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, default=Result.NOMINEE)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, blank=True)
    citation = translated(models.TextField(_("citation"), blank=True))
    source_url = models.TextField(_("source"), blank=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["edition", "project_name", "pk"]
        indexes = [
            # The project list's "has an award" filter asks for the results of a project.
            models.Index(fields=["project", "result"], name="awards_nom_project_result"),
        ]

    def __str__(self):
        return f"{self.project_name or self.project} ({self.get_result_display()}, {self.edition})"

    def clean(self):
        if not self.project_id and not self.project_name:
            raise ValidationError(_("Choose a project of the directory or give the project's name."))
        if self.category_id and self.category.edition_id != self.edition_id:
            raise ValidationError({"category": _("This category belongs to another edition.")})

    @property
    def public_project(self):
        """The linked project, when visitors may see it (needs ``public()``'s annotation)."""
        if self.project_id and getattr(self, "project_is_public", False):
            return self.project
        return None

    @property
    def display_name(self):
        project = self.public_project
        return self.project_name or (project.name if project else "")
