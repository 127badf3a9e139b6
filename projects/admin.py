from dataclasses import dataclass

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdminMixin
from reversion.admin import VersionAdmin
from translated_fields import TranslatedFieldAdmin, show_language_code

from projects.models import (
    InvalidTransition,
    ModerationEvent,
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


# --- Moderation: the review queue, the review page and its decisions -------------------

# What waits for the moderators, by kind. The changelist's counts and its "review queue"
# filter both come from here.
REVIEW_QUEUES = {
    "waiting": Q(status=Status.SUBMITTED),
    "new": Q(status=Status.SUBMITTED, revision_of__isnull=True),
    "changes": Q(status=Status.SUBMITTED, revision_of__isnull=False),
    "sent_back": Q(status=Status.CHANGES_REQUESTED),
}


def review_counts():
    """How much waits in each queue, in one query, plus the open problem reports."""
    counts = Project.objects.aggregate(**{queue: Count("pk", filter=q) for queue, q in REVIEW_QUEUES.items()})
    counts["reports"] = ProjectReport.objects.filter(handled_at__isnull=True).count()
    return counts


class ReviewQueueFilter(admin.SimpleListFilter):
    """What waits for review; the list is then ordered oldest submission first."""

    title = _("review queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("all waiting for review")),
            ("new", _("new projects waiting for review")),
            ("changes", _("changes waiting for review")),
            ("sent_back", _("sent back with changes requested")),
        ]

    def queryset(self, request, queryset):
        if self.value() in REVIEW_QUEUES:
            return queryset.filter(REVIEW_QUEUES[self.value()])
        return queryset


@dataclass(frozen=True)
class Decision:
    """A moderation step offered on the review page: the Project method it calls and its words."""

    method: str
    button: str
    label: str
    message_required: bool
    done: str
    help_text: str = ""


DECISIONS = {
    decision.method: decision
    for decision in [
        Decision(
            "publish",
            _("Publish"),
            _("Message to the group (optional)"),
            False,
            _("“%(name)s” is published."),
        ),
        Decision(
            "request_changes",
            _("Request changes"),
            _("What should the group change?"),
            True,
            _("“%(name)s” is sent back to its group with your message."),
            _("The group receives it by e-mail and keeps everything it typed."),
        ),
        Decision(
            "reject",
            _("Reject"),
            _("Reason for the rejection"),
            True,
            _("“%(name)s” is rejected. Its group receives your reason."),
            _("The group receives it by e-mail. Its texts are kept."),
        ),
        Decision(
            "archive",
            _("Archive"),
            _("Message to the group (optional)"),
            False,
            _("“%(name)s” is archived: the public no longer sees it."),
        ),
        Decision(
            "restore",
            _("Restore"),
            _("Message to the group (optional)"),
            False,
            _("“%(name)s” is published again."),
        ),
    ]
}


def decisions_for(project):
    """The decisions that the project's state allows (the model methods check again)."""
    if project.status == Status.SUBMITTED:
        return ["publish", "request_changes", "reject"]
    if project.revision_of_id or project.merged_into_id:
        return []
    if project.status == Status.PUBLISHED:
        return ["archive"]
    if project.status == Status.ARCHIVED:
        return ["restore"]
    return []


class DecisionForm(forms.Form):
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 70}), max_length=5000, strip=True)

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, prefix=decision.method, **kwargs)
        self.decision = decision
        field = self.fields["message"]
        field.label = decision.label
        field.required = decision.message_required
        field.help_text = decision.help_text


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Project.objects.filter(revision_of__isnull=True), widget=forms.HiddenInput)


def shown_value(field, value):
    """A value of ``Project.differences()`` as a moderator reads it: labels, not codes."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if field is not None and field.name == "location":
        longitude, latitude = value
        return f"{latitude:.5f}, {longitude:.5f}"
    if hasattr(value, "code") and hasattr(value, "name"):  # a country
        return str(value.name)
    if field is not None:
        choices = dict((field.base_field if isinstance(field, ArrayField) else field).flatchoices)
        if choices:
            values = value if isinstance(value, list) else [value]
            return ", ".join(str(choices.get(item, item)) for item in values)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def difference_rows(original, change):
    """Field by field, what a working copy changes, ready for the review page's table."""
    # differences() names each field by its verbose_name object, which is distinct for each
    # language column (name_en, name_fr...) even where the words are the same: identity finds it.
    fields = {id(field.verbose_name): field for field in Project._meta.concrete_fields}
    rows = []
    with show_language_code(True):  # "Name [fr]" rather than three rows called "name"
        for label, before, after in original.differences(change):
            field = fields.get(id(label))
            rows.append({"label": str(label), "before": shown_value(field, before), "after": shown_value(field, after)})
    return rows


# Restoring an earlier version from the history brings back what the project said, not where
# it stands in moderation: these stay as they are now, so a restore cannot publish or hide a
# project behind the moderators' backs, move its address, or take its editors away.
KEPT_ON_RESTORE = ["slug", "status", "published_at", "submitted_at", "revision_of_id", "merged_into_id", "version"]


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
        "updated_at",
    ]
    list_filter = [
        ReviewQueueFilter,
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
    readonly_fields = ["status", "published_at", "created_at", "updated_at", "public_location_text"]
    change_list_template = "admin/projects/project/change_list.html"
    actions = ["publish_selected", "archive_selected", "restore_selected"]
    date_hierarchy = "created_at"
    inlines = [ProjectActorInline, ProjectPhotoInline, ProjectDocumentInline]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["status", "published_at", "original_language", *Project.name.fields, "slug"]}),
        (_("Texts"), {"fields": [*Project.summary.fields, *Project.description.fields]}),
        (
            _("What it is"),
            {
                "fields": [
                    "stage",
                    "housing_models",
                    "tenure",
                    "dwellings",
                    "inhabitants",
                    "start_year",
                    "completion_year",
                    "priority_neighbourhood",
                ]
            },
        ),
        (
            _("Where it is"),
            {"fields": ["address", "city", "country", "location", "location_precision", "public_location_text"]},
        ),
        (_("Contact and source"), {"fields": ["website", "contact_email", "source_url"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=_("point shown to the public"))
    def public_location_text(self, project):
        if not project.public_location:
            return "-"
        return f"{project.public_location.y:.5f}, {project.public_location.x:.5f}"

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
        if request.GET.get(ReviewQueueFilter.parameter_name) or request.GET.get("status__exact") in waiting:
            return ["submitted_at", "pk"]
        return super().get_ordering(request)

    def changelist_view(self, request, extra_context=None):
        context = {"review_counts": review_counts(), "reports_url": self.reports_url(), **(extra_context or {})}
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

    # --- Decisions: every one calls a model method, which checks who asks and the state --

    def moderate(self, request, project, method, **kwargs):
        """Call a moderation method as the moderator and keep the outcome in the history."""
        with reversion.create_revision(manage_manually=True):
            reversion.set_user(request.user)
            event = getattr(project, method)(by=request.user, **kwargs)
            reversion.set_comment(event.get_action_display())
            # Recorded once the step is complete (a published change has by now brought its
            # photos and documents over): the version then holds what the public sees.
            if not event.project.revision_of_id:
                reversion.add_to_revision(event.project)
        return event

    def moderate_selected(self, request, queryset, method):
        done, refused = 0, []
        for project in queryset.select_related("revision_of"):
            try:
                self.moderate(request, project, method)
            except (InvalidTransition, PermissionDenied):
                refused.append(str(project))
            else:
                done += 1
        return done, refused

    def report_selected(self, request, done, done_message, refused, refused_message):
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)
        if refused:
            self.message_user(
                request, refused_message % {"count": len(refused), "names": ", ".join(refused)}, messages.WARNING
            )

    @admin.action(description=_("Publish the selected projects or changes"), permissions=["moderate"])
    def publish_selected(self, request, queryset):
        done, refused = self.moderate_selected(request, queryset, "publish")
        self.report_selected(
            request,
            done,
            ngettext("%(count)d project published.", "%(count)d projects published.", done),
            refused,
            ngettext(
                "%(count)d project left as it was (only submitted ones can be published): %(names)s.",
                "%(count)d projects left as they were (only submitted ones can be published): %(names)s.",
                len(refused),
            ),
        )

    @admin.action(description=_("Archive the selected projects"), permissions=["moderate"])
    def archive_selected(self, request, queryset):
        done, refused = self.moderate_selected(request, queryset, "archive")
        self.report_selected(
            request,
            done,
            ngettext("%(count)d project archived.", "%(count)d projects archived.", done),
            refused,
            ngettext(
                "%(count)d project left as it was (only published ones can be archived): %(names)s.",
                "%(count)d projects left as they were (only published ones can be archived): %(names)s.",
                len(refused),
            ),
        )

    @admin.action(description=_("Restore the selected archived projects"), permissions=["moderate"])
    def restore_selected(self, request, queryset):
        done, refused = self.moderate_selected(request, queryset, "restore")
        self.report_selected(
            request,
            done,
            ngettext("%(count)d project restored.", "%(count)d projects restored.", done),
            refused,
            ngettext(
                "%(count)d project left as it was (only archived ones not merged can be restored): %(names)s.",
                "%(count)d projects left as they were (only archived ones not merged can be restored): %(names)s.",
                len(refused),
            ),
        )

    # --- The review page ---------------------------------------------------------------

    def get_urls(self):
        review = self.admin_site.admin_view(self.review_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_review"
        return [path("<int:object_id>/review/", review, name=name), *super().get_urls()]

    def review_view(self, request, object_id):
        """One project's review: its state and history, what a change changes, probable
        duplicates, and the decisions, each a small form posted back here."""
        if not can_moderate(request.user):
            raise PermissionDenied
        project = get_object_or_404(Project.objects.select_related("revision_of", "merged_into"), pk=object_id)
        invalid_form = None
        if request.method == "POST":
            if request.POST.get("action") == "merge" and not request.POST.get("confirm"):
                # A merge cannot be undone from here: first ask, as Django does before deleting.
                form = MergeForm(request.POST, prefix="merge")
                if form.is_valid():
                    return self.render_review(request, project, merge_target=form.cleaned_data["target"])
            response, invalid_form = self.decide(request, project)
            if response is not None:
                return response
        return self.render_review(request, project, invalid_form)

    def decide(self, request, project):
        """Carry out a decision posted from the review page: a redirect back to the page, or
        (a required message left empty) the form, to show again with its error."""
        action = request.POST.get("action", "")
        if action == "merge":
            form = MergeForm(request.POST, prefix="merge")
            if not form.is_valid():
                self.message_user(request, gettext("Choose the project to merge into."), messages.ERROR)
                return redirect("admin:projects_project_review", project.pk), None
            target = form.cleaned_data["target"]
            kwargs = {"target": target}
            done = gettext("“%(name)s” is merged into “%(target)s”: its address now leads there.") % {
                "name": project,
                "target": target,
            }
            method = "merge_into"
        elif action in DECISIONS:
            decision = DECISIONS[action]
            form = DecisionForm(request.POST, decision=decision)
            if not form.is_valid():
                return None, form
            message = form.cleaned_data["message"]
            kwargs = {"reason": message} if action == "reject" else {"message": message}
            done = decision.done % {"name": project}
            if action == "publish" and project.revision_of_id:
                done = gettext("The change to “%(name)s” is published: the public now sees it.") % {
                    "name": project.revision_of
                }
            method = action
        else:
            self.message_user(request, gettext("This decision does not exist."), messages.ERROR)
            return redirect("admin:projects_project_review", project.pk), None
        try:
            self.moderate(request, project, method, **kwargs)
        except InvalidTransition as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        except PermissionDenied:
            self.message_user(request, gettext("You may not moderate projects."), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        if project.revision_of_id and not Project.objects.filter(pk=project.pk).exists():
            # A published change has become the project itself: go on with the project.
            return redirect("admin:projects_project_review", project.revision_of_id), None
        return redirect("admin:projects_project_review", project.pk), None

    def render_review(self, request, project, invalid_form=None, merge_target=None):
        original = project.revision_of
        shown = original or project
        decision_forms = [
            invalid_form
            if invalid_form is not None and invalid_form.decision.method == method
            else DecisionForm(decision=DECISIONS[method])
            for method in decisions_for(project)
        ]
        duplicates = []
        if not original and not project.merged_into_id:
            duplicates = list(Project.objects.similar_to(project)[:10])
        events = ModerationEvent.objects.filter(project__in=[p.pk for p in (project, original) if p])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Review “%(name)s”") % {"name": shown},
            "project": project,
            "original": original,
            "public_url": shown.get_absolute_url() if Project.objects.public().filter(pk=shown.pk).exists() else "",
            "pending_change": None if original else Project.objects.filter(revision_of=project).first(),
            "differences": difference_rows(original, project) if original else [],
            "decision_forms": decision_forms,
            "duplicates": duplicates,
            "merge_target": merge_target,
            "events": events.select_related("actor"),
            "editors": shown.editors.order_by("username"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/projects/project/review.html", context)

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
            return queryset.filter(handled_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(handled_at__isnull=False)
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

    @admin.display(description=_("projects"), ordering="project_count")
    def project_count(self, programme):
        return programme.project_count
