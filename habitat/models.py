from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from habitat.translation import translated


class User(AbstractUser):
    """A person with an account: an inhabitant group's editor, an organisation's editor, staff.

    Our own model from the start so that accounts can grow (profile, second factor)
    without a painful swap later.
    """

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")


class OrganisationQuerySet(models.QuerySet):
    def founding(self):
        return self.filter(is_founding_member=True)

    def members(self):
        return self.filter(is_member=True)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NETWORK = "network", _("network")
        NGO = "ngo", _("NGO")
        INHABITANT_GROUP = "inhabitant_group", _("inhabitant group")
        TECHNICAL_SUPPORT = "technical_support", _("technical support")
        FOUNDATION = "foundation", _("foundation")
        PUBLIC_AUTHORITY = "public_authority", _("public authority")
        RESEARCH = "research", _("research")

    name = translated(models.CharField(_("name"), max_length=200, blank=True))
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=30,
        choices=Kind.choices,
        blank=True,
        help_text=_("Leave empty while staff have not yet classified the organisation."),
    )
    original_language = models.CharField(
        _("original language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    description = translated(models.TextField(_("description"), blank=True))
    logo = models.ImageField(_("logo"), upload_to="organisations/", blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    founded_year = models.PositiveSmallIntegerField(_("founded in"), null=True, blank=True)
    is_member = models.BooleanField(_("member of the platform"), default=False)
    member_since = models.PositiveSmallIntegerField(_("member since"), null=True, blank=True)
    is_founding_member = models.BooleanField(
        _("founding member"),
        default=False,
        help_text=_("One of the six organisations that founded the platform in 2014."),
    )
    source_url = models.TextField(_("source"), blank=True, help_text=_("Where the facts on this page come from."))
    reviewed = models.BooleanField(
        _("reviewed by staff"),
        default=True,
        help_text=_("Organisations named by a group when listing a project wait for staff to check them."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["slug"]
        indexes = [models.Index(fields=["is_founding_member"]), models.Index(fields=["country"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation-detail", kwargs={"slug": self.slug})

    @property
    def display_name(self):
        if self.acronym and self.acronym not in self.name:
            return f"{self.name} ({self.acronym})"
        return self.name
