import nh3
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.safestring import mark_safe
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


# Staff write page bodies as HTML in the admin; only these tags and attributes survive.
PAGE_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "a", "strong", "em", "blockquote"}
PAGE_ATTRIBUTES = {"a": {"href"}}


def clean_page_html(html):
    """Staff HTML reduced to the tags a page needs: no script, style or event handler."""
    return nh3.clean(html or "", tags=PAGE_TAGS, attributes=PAGE_ATTRIBUTES, link_rel="noopener noreferrer")


class PageQuerySet(models.QuerySet):
    def in_navigation(self):
        return self.filter(show_in_navigation=True)

    def in_footer(self):
        return self.filter(show_in_footer=True)


class Page(models.Model):
    """One of the platform's own pages (the idea, its history, how to join...), written by staff."""

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    original_language = models.CharField(
        _("original language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    title = translated(models.CharField(_("title"), max_length=200, blank=True))
    body = translated(
        models.TextField(
            _("body"),
            blank=True,
            help_text=_(
                "HTML: paragraphs, headings (h2, h3), lists, links, strong, em and quotations. "
                "Anything else is removed on saving."
            ),
        )
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    show_in_navigation = models.BooleanField(_("show in the main navigation"), default=False)
    show_in_footer = models.BooleanField(_("show in the footer"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["order", "slug"]

    def __str__(self):
        return self.title or self.slug

    def save(self, *args, **kwargs):
        for field in Page.body.fields:
            setattr(self, field, clean_page_html(getattr(self, field)))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("page", kwargs={"slug": self.slug})

    @property
    def safe_body(self):
        """The body, cleaned again when shown: text put in by other means than save() (an
        update(), a fixture) never reaches a page unsanitised."""
        return mark_safe(clean_page_html(self.body))  # noqa: S308 -- cleaned by nh3 just above
