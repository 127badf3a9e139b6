"""The moderators' review screen in the admin: the queue's counts, one project's review page
with its decisions, and the bulk actions of the project list.

Which decisions a project offers comes from the moderation table (``STEPS``) through
``Project.steps_allowed``; each one calls a model method, which checks again who asks and
from which state. This module holds the words (buttons, labels, confirmations) and the
page; ``projects.admin`` only declares it.
"""

from dataclasses import dataclass

import reversion
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from projects import history
from projects.models import (
    STEPS,
    InvalidTransition,
    ModerationEvent,
    Project,
    ProjectReport,
    Role,
    Status,
    can_moderate,
)

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
    counts["reports"] = ProjectReport.objects.waiting().count()
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
    """The words of a moderation step on the review page and in the bulk actions."""

    button: Promise
    label: Promise
    done: Promise
    help_text: Promise = ""
    # Bulk actions: what was done to how many, and why the others were left as they were.
    done_count: Promise = ""
    refused_count: Promise = ""


DECISIONS = {
    "publish": Decision(
        _("Publish"),
        _("Message to the group (optional)"),
        _("“%(name)s” is published."),
        done_count=ngettext_lazy("%(count)d project published.", "%(count)d projects published.", "count"),
        refused_count=ngettext_lazy(
            "%(count)d project left as it was (only submitted ones can be published): %(names)s.",
            "%(count)d projects left as they were (only submitted ones can be published): %(names)s.",
            "count",
        ),
    ),
    "request_changes": Decision(
        _("Request changes"),
        _("What should the group change?"),
        _("“%(name)s” is sent back to its group with your message."),
        _("The group receives it by e-mail and keeps everything it typed."),
    ),
    "reject": Decision(
        _("Reject"),
        _("Reason for the rejection"),
        _("“%(name)s” is rejected. Its group receives your reason."),
        _("The group receives it by e-mail. Its texts are kept."),
    ),
    "archive": Decision(
        _("Archive"),
        _("Message to the group (optional)"),
        _("“%(name)s” is archived: the public no longer sees it."),
        done_count=ngettext_lazy("%(count)d project archived.", "%(count)d projects archived.", "count"),
        refused_count=ngettext_lazy(
            "%(count)d project left as it was (only published ones can be archived): %(names)s.",
            "%(count)d projects left as they were (only published ones can be archived): %(names)s.",
            "count",
        ),
    ),
    "restore": Decision(
        _("Restore"),
        _("Message to the group (optional)"),
        _("“%(name)s” is published again."),
        done_count=ngettext_lazy("%(count)d project restored.", "%(count)d projects restored.", "count"),
        refused_count=ngettext_lazy(
            "%(count)d project left as it was (only archived ones can be restored): %(names)s.",
            "%(count)d projects left as they were (only archived ones can be restored): %(names)s.",
            "count",
        ),
    ),
}


class DecisionForm(forms.Form):
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 70}), max_length=5000, strip=True)

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, prefix=step.name, **kwargs)
        self.step = step
        self.decision = DECISIONS[step.name]
        field = self.fields["message"]
        field.label = self.decision.label
        field.required = step.message_required
        field.help_text = self.decision.help_text


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(queryset=Project.objects.filter(revision_of__isnull=True), widget=forms.HiddenInput)


def moderate(request, project, step, **kwargs):
    """Take a moderation step as the moderator and keep the outcome in the history."""
    with reversion.create_revision(manage_manually=True):
        reversion.set_user(request.user)
        event = project.take(step, by=request.user, **kwargs)
        reversion.set_comment(event.get_action_display())
        # Recorded once the step is complete (a published change has by now brought its
        # photos and documents over): the version then holds what the public sees.
        if not event.project.revision_of_id:
            reversion.add_to_revision(event.project)
    return event


def bulk_action(step):
    """An admin action taking ``step`` on each selected project that allows it."""
    decision = DECISIONS[step]

    def action(model_admin, request, queryset):
        done, refused = 0, []
        for project in queryset.select_related("revision_of"):
            try:
                moderate(request, project, step)
            except (InvalidTransition, PermissionDenied):
                refused.append(str(project))
            else:
                done += 1
        if done:
            model_admin.message_user(request, decision.done_count % {"count": done}, messages.SUCCESS)
        if refused:
            text = decision.refused_count % {"count": len(refused), "names": ", ".join(refused)}
            model_admin.message_user(request, text, messages.WARNING)

    action.__name__ = f"{step}_selected"
    return admin.action(description=decision.button, permissions=["moderate"])(action)


class ReviewPage:
    """One project's review: its state and history, what a change changes, probable
    duplicates, and the decisions, each a small form posted back to the page."""

    template = "admin/projects/project/review.html"

    def __init__(self, model_admin):
        self.model_admin = model_admin

    def __call__(self, request, object_id):
        if not can_moderate(request.user):
            raise PermissionDenied
        project = get_object_or_404(Project.objects.select_related("revision_of", "merged_into"), pk=object_id)
        invalid_form = None
        if request.method == "POST":
            if request.POST.get("action") == "merge" and not request.POST.get("confirm"):
                # A merge cannot be undone from here: first ask, as Django does before deleting.
                form = MergeForm(request.POST, prefix="merge")
                if form.is_valid():
                    return self.render(request, project, merge_target=form.cleaned_data["target"])
            response, invalid_form = self.decide(request, project)
            if response is not None:
                return response
        return self.render(request, project, invalid_form)

    def decide(self, request, project):
        """Carry out a decision posted from the page: a redirect back to the page, or (a
        required message left empty) the form, to show again with its error."""
        step = request.POST.get("action", "")
        if step == "merge":
            form = MergeForm(request.POST, prefix="merge")
            if not form.is_valid():
                return self.back(request, project, gettext("Choose the project to merge into."), messages.ERROR), None
            target = form.cleaned_data["target"]
            kwargs = {"target": target}
            done = gettext("“%(name)s” is merged into “%(target)s”: its address now leads there.") % {
                "name": project,
                "target": target,
            }
        elif step in DECISIONS:
            form = DecisionForm(request.POST, step=STEPS[step])
            if not form.is_valid():
                return None, form
            kwargs = {"message": form.cleaned_data["message"]}
            done = DECISIONS[step].done % {"name": project}
            if step == "publish" and project.revision_of_id:
                done = gettext("The change to “%(name)s” is published: the public now sees it.") % {
                    "name": project.revision_of
                }
        else:
            return self.back(request, project, gettext("This decision does not exist."), messages.ERROR), None
        try:
            moderate(request, project, step, **kwargs)
        except InvalidTransition as error:
            return self.back(request, project, " ".join(error.messages), messages.ERROR), None
        except PermissionDenied:
            return self.back(request, project, gettext("You may not moderate projects."), messages.ERROR), None
        return self.back(request, project, done, messages.SUCCESS), None

    def back(self, request, project, message, level):
        self.model_admin.message_user(request, message, level)
        if project.revision_of_id and not Project.objects.filter(pk=project.pk).exists():
            # A published change has become the project itself: go on with the project.
            return redirect("admin:projects_project_review", project.revision_of_id)
        return redirect("admin:projects_project_review", project.pk)

    def render(self, request, project, invalid_form=None, merge_target=None):
        original = project.revision_of
        shown = original or project
        allowed = project.steps_allowed(request.user, role=Role.MODERATOR)
        decision_forms = [
            invalid_form
            if invalid_form is not None and invalid_form.step.name == name
            else DecisionForm(step=STEPS[name])
            for name in allowed
            if name in DECISIONS
        ]
        can_merge = "merge" in allowed
        duplicates = list(Project.objects.similar_to(project)[:10]) if can_merge else []
        events = ModerationEvent.objects.filter(project__in=[p.pk for p in (project, original) if p])
        context = {
            **self.model_admin.admin_site.each_context(request),
            "opts": self.model_admin.opts,
            "title": gettext("Review “%(name)s”") % {"name": shown},
            "project": project,
            "original": original,
            "public_url": shown.get_absolute_url() if Project.objects.public().filter(pk=shown.pk).exists() else "",
            "pending_change": None if original else project.working_copy(),
            "differences": history.changes(history.snapshot_of(original), history.snapshot_of(project))
            if original
            else [],
            "decision_forms": decision_forms,
            "can_merge": can_merge,
            "duplicates": duplicates,
            "merge_target": merge_target,
            "events": events.select_related("actor"),
            "editors": shown.editors.order_by("display_name", "pk"),
        }
        request.current_app = self.model_admin.admin_site.name
        return TemplateResponse(request, self.template, context)
