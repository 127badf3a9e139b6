import nh3
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from habitat.slugs import unique_slug
from habitat.translation import translated
from habitat.uploads import PhotoField, StoredFile


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")


class OriginalLanguageField(models.CharField):
    """The language a thing's texts were written in; the others are translations of them.

    Reading a translated text falls back to this language (habitat.translation). Stored as a
    plain two-letter CharField, which is what migrations see.
    """

    def __init__(self, verbose_name=None, **kwargs):
        verbose_name = verbose_name or _("original language")
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("choices", Language.choices)
        kwargs.setdefault("default", Language.ENGLISH)
        super().__init__(verbose_name, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class User(AbstractUser):
    """A person with an account: an inhabitant group's editor, an organisation's editor, staff.

    Other people know a user by ``display_name`` alone, which they choose at sign-up: nothing
    derived from their e-mail address (the username is random) is ever shown to anyone else.
    Every e-mail to them is written in ``language``.
    """

    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_(
            "How the other people on the platform know you: in invitations, among a project's "
            "editors and in its history. Your e-mail address is never shown to them."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text=_("The language of the e-mails the platform sends you."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.public_name

    @property
    def public_name(self):
        """The name others see: the display name, or a neutral one for an account that has
        none yet (made before display names existed, or by a command)."""
        return self.display_name or gettext("Member %(number)d") % {"number": self.pk or 0}


# Organisations that visitors may see: those staff have reviewed. One named by a group while
# listing its project stays out of every public page, list, sitemap and filter until then.
# Read through OrganisationQuerySet.public(), and by the relations that staff choose public
# organisations for (a meeting's organisers, a programme's funders...) as limit_choices_to.
PUBLIC_ORGANISATIONS = Q(reviewed=True)


class OrganisationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(PUBLIC_ORGANISATIONS)

    def founding(self):
        return self.public().filter(is_founding_member=True)

    def members(self):
        return self.public().filter(is_member=True)

    def visible_to(self, user):
        """Staff who curate organisations see them all; everyone else, the public ones."""
        return self.all() if user.has_perm("habitat.change_organisation") else self.public()

    def create_for_review(self, *, name, website=""):
        """An organisation named by a group, waiting for staff to review it."""
        slug = unique_slug(self.model, name, fallback="organisation", max_length=180)
        return self.create(name_en=name, slug=slug, website=website, reviewed=False)


class Organisation(StoredFile):
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
    original_language = OriginalLanguageField()
    description = translated(models.TextField(_("description"), blank=True))
    logo = PhotoField(_("logo"), blank=True, db_index=True)
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
    # The public projects that name it (ProjectQuerySet.public()), kept by a trigger of the
    # projects app (projects/migrations/0016) as projects and their actors change: counting
    # them for the list of organisations would read every such project on each request.
    public_project_count = models.PositiveIntegerField(_("public projects"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    upload_folder = "organisations"

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
    original_language = OriginalLanguageField()
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
