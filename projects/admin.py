from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.postgres.fields import ArrayField
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdminMixin
from reversion.admin import VersionAdmin
from translated_fields import TranslatedFieldAdmin

from habitat.translation import LANGUAGE_CODES
from projects import history, review
from projects.models import (
    Exchange,
    Programme,
    Project,
    ProjectActor,
    ProjectDocument,
    ProjectPhoto,
    ProjectReport,
    Status,
    SupportAction,
    can_moderate,
)
from projects.representation import public_point
from projects.sections import FACT_FIELDS


class ProjectActorInline(admin.TabularInline):
    model = ProjectActor
    autocomplete_fields = ["organisation"]
    extra = 0


class ProjectPhotoInline(admin.StackedInline):
    model = ProjectPhoto
    extra = 0


class ProjectDocumentInline(admin.TabularInline):
    model = ProjectDocument
    extra = 0


# Restoring an earlier version from the history brings back what the project said, not where
# it stands in moderation: these stay as they are now, so a restore cannot publish or hide a
# project behind the moderators' backs, move its address, or take its editors away.
KEPT_ON_RESTORE = ["slug", "status", "published_at", "submitted_at", "revision_of_id", "merged_into_id", "version"]


# The texts a visitor reads in their language once someone has translated them.
TRANSLATED_TEXTS = ("name", "summary", "description")


def lacks_translation(code):
    """The projects with a text written in another language but not in ``code``."""
    missing = Q()
    for text in TRANSLATED_TEXTS:
        written = ~Q(**{f"{text}_{other}": "" for other in LANGUAGE_CODES})
        missing |= written & Q(**{f"{text}_{code}": ""})
    return missing & ~Q(original_language=code)


class MissingTranslationFilter(admin.SimpleListFilter):
    """Which projects lack which translation, for the staff who write them."""

    title = _("missing translation")
    parameter_name = "lacks"

    def lookups(self, request, model_admin):
        return [(code, _("into %(language)s") % {"language": name}) for code, name in settings.LANGUAGES]

    def queryset(self, request, queryset):
        if self.value() in LANGUAGE_CODES:
            return queryset.filter(lacks_translation(self.value()))
        return queryset


class ConfirmationFilter(admin.SimpleListFilter):
    """Which entries their groups keep current (projects.confirmation)."""

    title = _("confirmation")
    parameter_name = "confirmation"

    def lookups(self, request, model_admin):
        return [
            ("unconfirmed", _("not confirmed (asked, no answer)")),
            ("asked", _("asked, waiting for an answer")),
            ("due", _("due to be asked")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "unconfirmed":
            return queryset.public().unconfirmed()
        if self.value() == "asked":
            return queryset.public().awaiting_confirmation()
        if self.value() == "due":
            return queryset.due_for_confirmation()
        return queryset


@admin.register(Project)
class ProjectAdmin(TranslatedFieldAdmin, LeafletGeoAdminMixin, VersionAdmin):
    list_display = [
        "__str__",
        "change_to",
        "city",
        "country",
        "stage",
        "status",
        "submitted_at",
        "location_precision",
        "missing_translations",
        "confirmed_at",
        "updated_at",
    ]
    list_filter = [
        review.ReviewQueueFilter,
        MissingTranslationFilter,
        ConfirmationFilter,
        "status",
        "stage",
        "location_precision",
        "priority_neighbourhood",
        "original_language",
        "country",
    ]
    list_select_related = ["revision_of"]
    search_fields = ["name_en", "name_fr", "name_es", "slug", "city", "address"]
    # Moderation states change only through the review page and the actions (the model's
    # methods), never by editing the field.
    readonly_fields = [
        "status",
        "published_at",
        "created_at",
        "updated_at",
        "confirmed_at",
        "confirmation_requested_at",
        "public_location_text",
    ]
    change_list_template = "admin/projects/project/change_list.html"
    actions = [review.bulk_action("publish"), review.bulk_action("archive"), review.bulk_action("restore")]
    date_hierarchy = "created_at"
    inlines = [ProjectActorInline, ProjectPhotoInline, ProjectDocumentInline]
    list_per_page = 50

    fieldsets = [
        (None, {"fields": ["status", "published_at", "original_language", *Project.name.fields, "slug"]}),
        (_("Texts"), {"fields": [*Project.summary.fields, *Project.description.fields]}),
        (_("What it is"), {"fields": FACT_FIELDS}),
        (
            _("Where it is"),
            {"fields": ["address", "city", "country", "location", "location_precision", "public_location_text"]},
        ),
        (_("Contact and source"), {"fields": ["website", "contact_email", "source_url"]}),
        (_("Record"), {"fields": ["created_at", "updated_at", "confirmed_at", "confirmation_requested_at"]}),
    ]

    def lookup_allowed(self, lookup, value, request):
        # The admin lets an address filter on any field of the model (?city=Lima). A list of
        # choices (housing models, needs, offers) would reach PostgreSQL as a malformed array
        # from such an address; refused, it answers 400 rather than fail.
        field_name = lookup.split(LOOKUP_SEP)[0]
        fields = {field.name: field for field in self.model._meta.get_fields()}
        if isinstance(fields.get(field_name), ArrayField):
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("missing translations"))
    def missing_translations(self, project):
        """The languages some of the project's texts are not yet in ("fr, es")."""
        lacking = [
            code
            for code in LANGUAGE_CODES
            if code != project.original_language
            and any(
                getattr(project, f"{text}_{code}") == ""
                and any(getattr(project, f"{text}_{other}") for other in LANGUAGE_CODES)
                for text in TRANSLATED_TEXTS
            )
        ]
        return ", ".join(lacking) or "-"

    @admin.display(description=_("point shown to the public"))
    def public_location_text(self, project):
        point = public_point(project)
        return f"{point['latitude']:.5f}, {point['longitude']:.5f}" if point else "-"

    # --- The review queue --------------------------------------------------------------

    @admin.display(description=_("working copy"))
    def change_to(self, project):
        """A working copy waits in the queue as "Change to <the published project>"."""
        if not project.revision_of_id:
            return None
        original = project.revision_of
        url = reverse("admin:projects_project_change", args=[original.pk])
        link = format_html('<a href="{}">{}</a>', url, original)
        return format_html(gettext("Change to {project}"), project=link)

    @admin.display(description=_("review"))
    def review_link(self, project):
        return format_html(
            '<a href="{}" aria-label="{}">{}</a>',
            reverse("admin:projects_project_review", args=[project.pk]),
            gettext("Review “%(name)s”") % {"name": project},
            gettext("Review"),
        )

    def get_list_display(self, request):
        if can_moderate(request.user):
            return [*self.list_display, "review_link"]
        return self.list_display

    def get_ordering(self, request):
        # The queue is served first come, first served.
        waiting = {Status.SUBMITTED, Status.CHANGES_REQUESTED}
        if request.GET.get(review.ReviewQueueFilter.parameter_name) or request.GET.get("status__exact") in waiting:
            return ["submitted_at", "pk"]
        return super().get_ordering(request)

    def changelist_view(self, request, extra_context=None):
        context = {"review_counts": review.review_counts(), "reports_url": self.reports_url(), **(extra_context or {})}
        return super().changelist_view(request, context)

    @staticmethod
    def reports_url():
        try:
            return reverse("admin:projects_projectreport_changelist") + "?handled=no"
        except NoReverseMatch:  # the problem reports' admin is not installed
            return ""

    # --- Who may moderate ----------------------------------------------------------------

    def has_view_permission(self, request, obj=None):
        # Moderators see the queue and every project, even without the right to edit them.
        return super().has_view_permission(request, obj) or can_moderate(request.user)

    def has_module_permission(self, request):
        return super().has_module_permission(request) or can_moderate(request.user)

    def has_moderate_permission(self, request):
        return can_moderate(request.user)

    # --- The review page (projects.review) ----------------------------------------------

    def get_urls(self):
        page = self.admin_site.admin_view(review.ReviewPage(self))
        name = f"{self.opts.app_label}_{self.opts.model_name}_review"
        return [path("<int:object_id>/review/", page, name=name), *super().get_urls()]

    # --- The change form and the history -----------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_moderate"] = can_moderate(request.user)
        response = super().render_change_form(request, context, add, change, form_url, obj)
        # TranslatedFieldAdmin renders the page at once, before VersionAdmin could give a
        # "revert to this version" page its own template: give it here.
        if context.get("revert"):
            response.template_name = self._reversion_get_template_list("revision_form.html")
        elif context.get("recover"):
            response.template_name = self._reversion_get_template_list("recover_form.html")
        return response

    object_history_template = "admin/projects/project/object_history.html"

    def history_view(self, request, object_id, extra_context=None):
        # Each version with what it changed against the one before (projects.history).
        project = self.get_object(request, unquote(object_id))
        saved = history.saved_versions(project) if project is not None else []
        for item in saved:
            item.url = reverse("admin:projects_project_revision", args=[project.pk, item.version.pk])
        return super().history_view(request, object_id, {"saved_versions": saved, **(extra_context or {})})

    def revision_view(self, request, object_id, version_id, extra_context=None):
        project = self.get_object(request, unquote(object_id))
        if project is not None:
            request.kept_on_restore = {name: getattr(project, name) for name in KEPT_ON_RESTORE}
            request.kept_editors = list(project.editors.all())
        return super().revision_view(request, object_id, version_id, extra_context)

    def get_object(self, request, object_id, from_field=None):
        project = super().get_object(request, object_id, from_field)
        kept = getattr(request, "kept_on_restore", None)
        if project is not None and kept:
            for name, value in kept.items():
                setattr(project, name, value)
        return project

    def save_model(self, request, obj, form, change):
        if change:
            # An editor's form opened before this save will now say that the project changed.
            obj.version += 1
        super().save_model(request, obj, form, change)
        kept_editors = getattr(request, "kept_editors", None)
        if kept_editors is not None:
            obj.editors.set(kept_editors)


class HandledFilter(admin.SimpleListFilter):
    title = _("handled")
    parameter_name = "handled"

    def lookups(self, request, model_admin):
        return [("no", _("not yet")), ("yes", _("yes"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.waiting()
        if self.value() == "yes":
            return queryset.handled()
        return queryset


@admin.register(ProjectReport)
class ProjectReportAdmin(admin.ModelAdmin):
    """The moderators' queue of problems that visitors report on public pages."""

    list_display = ["created_at", "project_link", "kind", "message_start", "is_handled"]
    list_display_links = ["created_at"]
    list_filter = [HandledFilter, "kind"]
    list_select_related = ["project"]
    # Waiting reports first, the longest-waiting at the top; then the most recently handled.
    # (Ascending order alone would put the empty handled_at last in PostgreSQL.)
    fields = ["project_link", "kind", "message", "email", "created_at", "handled_at", "handled_by"]
    readonly_fields = fields
    actions = ["mark_handled"]
    list_per_page = 50

    def has_add_permission(self, request):
        # Reports come from visitors through the public page, not from the admin.
        return False

    @admin.display(description=_("project"), ordering="project__name_en")
    def project_link(self, report):
        url = reverse("admin:projects_project_change", args=[report.project_id])
        return format_html('<a href="{}">{}</a>', url, report.project)

    @admin.display(description=_("what is wrong"))
    def message_start(self, report):
        return Truncator(report.message).chars(80)

    @admin.display(description=_("handled"), boolean=True, ordering="handled_at")
    def is_handled(self, report):
        return report.handled_at is not None

    def has_view_permission(self, request, obj=None):
        return can_moderate(request.user) or super().has_view_permission(request, obj)

    def has_moderate_permission(self, request):
        return can_moderate(request.user)

    @admin.action(description=_("Mark as handled"), permissions=["moderate"])
    def mark_handled(self, request, queryset):
        count = queryset.mark_handled(by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d report marked as handled.", "%(count)d reports marked as handled.", count)
            % {"count": count},
            messages.SUCCESS,
        )


# --- Exchanges between groups ---------------------------------------------------------------


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):
    """Every exchange between groups, for staff to follow and to answer complaints about. The
    request and its answer belong to the two groups: staff read them, and change nothing."""

    list_display = ["created_at", "asking_link", "asked_link", "kind", "status", "answered_at"]
    list_display_links = ["created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["asking", "asked"]
    search_fields = [
        *(f"{side}__{field}" for side in ("asking", "asked") for field in ("name_en", "name_fr", "name_es", "slug")),
        "message",
    ]
    date_hierarchy = "created_at"
    fields = [
        "asking_link",
        "asked_link",
        "kind",
        "message",
        "asked_by",
        "status",
        "created_at",
        "answered_at",
        "answered_by",
    ]
    readonly_fields = fields
    list_per_page = 50

    def has_add_permission(self, request):
        # Groups ask each other from a project's page, never through the admin.
        return False

    def has_change_permission(self, request, obj=None):
        # The relayed message and the answer are the groups' own: read-only for staff.
        return False

    def has_view_permission(self, request, obj=None):
        return can_moderate(request.user) or super().has_view_permission(request, obj)

    @admin.display(description=_("asking project"), ordering="asking__name_en")
    def asking_link(self, exchange):
        url = reverse("admin:projects_project_change", args=[exchange.asking_id])
        return format_html('<a href="{}">{}</a>', url, exchange.asking)

    @admin.display(description=_("asked project"), ordering="asked__name_en")
    def asked_link(self, exchange):
        url = reverse("admin:projects_project_change", args=[exchange.asked_id])
        return format_html('<a href="{}">{}</a>', url, exchange.asked)


# --- Programmes of support ----------------------------------------------------------------


class SupportActionInline(TranslatedFieldAdmin, admin.StackedInline):
    model = SupportAction
    extra = 0
    autocomplete_fields = ["project"]
    fields = [
        ("axis", "kind", "year", "amount_eur"),
        *SupportAction.title.fields,
        *SupportAction.description.fields,
        "project",
        ("city", "country"),
        "source_url",
        "order",
    ]


@admin.register(Programme)
class ProgrammeAdmin(TranslatedFieldAdmin, admin.ModelAdmin):
    list_display = ["__str__", "lead_organisation", "start_year", "end_year", "action_count", "project_count"]
    list_select_related = ["lead_organisation"]
    search_fields = ["name_en", "name_fr", "name_es", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["lead_organisation", "funders"]
    inlines = [SupportActionInline]
    fieldsets = [
        (None, {"fields": [*Programme.name.fields, "slug", "original_language"]}),
        (_("Description"), {"fields": [*Programme.summary.fields, *Programme.description.fields]}),
        (
            _("Who and when"),
            {"fields": ["lead_organisation", "funders", "country", "start_year", "end_year", "website", "source_url"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_figures()

    @admin.display(description=_("actions"), ordering="action_count")
    def action_count(self, programme):
        return programme.action_count

    @admin.display(description=_("projects"), ordering="projects")
    def project_count(self, programme):
        return programme.projects
