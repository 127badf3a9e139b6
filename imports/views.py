"""The admin's pages of an import, step by step: upload the file, match its columns, preview
what each row would become, confirm, follow the import's progress, undo it. ``imports.admin``
declares them; each page asks for its own permission."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext

from imports import tasks
from imports.forms import ConfirmForm, MappingForm, UploadForm
from imports.models import BatchStatus, ImportBatch, ImportedRow
from imports.resources import Outcome, preview
from projects.models import can_moderate

# The preview lists every row that needs a look (errors, duplicates, updates) and this many of
# the others: a list of thousands of new rows would tell staff nothing more.
OTHER_ROWS_SHOWN = 200
# How often the page of a running import reloads itself, in seconds.
REFRESH_SECONDS = 2
# The projects an import's page lists: it reloads itself every few seconds while importing.
PROJECTS_SHOWN = 500


def _allowed(request, permission):
    if not request.user.has_perm(f"imports.{permission}"):
        raise PermissionDenied


def _render(request, model_admin, template, title, **context):
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(
        request,
        f"admin/imports/importbatch/{template}",
        {**model_admin.admin_site.each_context(request), "opts": model_admin.opts, "title": title, **context},
    )


def _batch_to_prepare(request, pk):
    """A batch of this user's that is still being prepared, or a redirect to its page."""
    _allowed(request, "add_importbatch")
    batch = get_object_or_404(ImportBatch.objects.select_related("network"), pk=pk)
    if batch.status != BatchStatus.MAPPING:
        messages.info(request, gettext("This file has already been imported."))
        return batch, redirect("admin:imports_importbatch_change", batch.pk)
    return batch, None


def upload(request, model_admin):
    _allowed(request, "add_importbatch")
    bound = request.method == "POST"
    form = UploadForm(request.POST if bound else None, request.FILES if bound else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        batch = form.save()
        return redirect("admin:imports_importbatch_columns", batch.pk)
    return _render(
        request,
        model_admin,
        "upload.html",
        gettext("Import projects from a network's file"),
        form=form,
        can_publish=can_moderate(request.user),
    )


def match_columns(request, model_admin, pk):
    batch, elsewhere = _batch_to_prepare(request, pk)
    if elsewhere:
        return elsewhere
    form = MappingForm(request.POST if request.method == "POST" else None, batch=batch)
    if request.method == "POST" and form.is_valid():
        batch.mapping = form.mapping
        batch.save(update_fields=["mapping"])
        return redirect("admin:imports_importbatch_preview", batch.pk)
    return _render(
        request,
        model_admin,
        "columns.html",
        gettext("Match the columns of “%(file)s”") % {"file": batch.file_name},
        batch=batch,
        form=form,
    )


def preview_import(request, model_admin, pk):
    batch, elsewhere = _batch_to_prepare(request, pk)
    if elsewhere:
        return elsewhere
    if not batch.mapping:
        return redirect("admin:imports_importbatch_columns", batch.pk)
    reports, counts = preview(batch)
    duplicate_rows = [report.number for report in reports if report.duplicates]
    form = ConfirmForm(request.POST if request.method == "POST" else None, duplicate_rows=duplicate_rows)
    if request.method == "POST" and form.is_valid():
        if batch.publish and not can_moderate(request.user):
            raise PermissionDenied
        tasks.start(batch, included_duplicates=form.cleaned_data["include"])
        messages.success(request, gettext("The import has started."))
        return redirect("admin:imports_importbatch_change", batch.pk)
    to_look_at = {Outcome.ERROR, Outcome.DUPLICATE, Outcome.UPDATE}
    others = [report.number for report in reports if report.outcome not in to_look_at and not report.duplicates]
    hidden = set(others[OTHER_ROWS_SHOWN:])
    shown = [report for report in reports if report.number not in hidden]
    importing = counts[Outcome.NEW] + counts[Outcome.UPDATE]
    return _render(
        request,
        model_admin,
        "preview.html",
        gettext("Preview of “%(file)s”") % {"file": batch.file_name},
        batch=batch,
        form=form,
        reports=shown,
        hidden_count=len(hidden),
        counts={outcome: counts[outcome] for outcome in Outcome.values},
        outcomes=Outcome,
        importing=importing,
        row_count=len(reports),
    )


def batch_page(request, model_admin, pk):
    _allowed(request, "view_importbatch")
    batch = get_object_or_404(ImportBatch.objects.select_related("network", "created_by", "undone_by"), pk=pk)
    if batch.status == BatchStatus.MAPPING:
        return redirect("admin:imports_importbatch_columns", batch.pk)
    imported = batch.imported_rows.select_related("project")
    return _render(
        request,
        model_admin,
        "batch.html",
        str(batch),
        batch=batch,
        imported=imported[:PROJECTS_SHOWN],
        more_imported=max(imported.count() - PROJECTS_SHOWN, 0),
        refresh_seconds=REFRESH_SECONDS if batch.is_in_progress else None,
        can_undo=batch.can_be_undone and request.user.has_perm("imports.undo_importbatch"),
    )


def undo_import(request, model_admin, pk):
    _allowed(request, "undo_importbatch")
    batch = get_object_or_404(ImportBatch.objects.select_related("network"), pk=pk)
    if batch.status == BatchStatus.UNDONE:
        messages.info(request, gettext("This import has already been undone."))
        return redirect("admin:imports_importbatch_change", batch.pk)
    if not batch.can_be_undone:
        messages.error(request, gettext("Only a finished import that created or updated projects can be undone."))
        return redirect("admin:imports_importbatch_change", batch.pk)
    if request.method == "POST":
        rows = batch.undo(by=request.user)
        done = [row for row in rows if row.undo_outcome in (ImportedRow.Undo.REMOVED, ImportedRow.Undo.RESTORED)]
        kept = [row for row in rows if row.undo_outcome == ImportedRow.Undo.KEPT]
        messages.success(
            request,
            ngettext(
                "The import is undone: %(count)d project removed or put back as it was.",
                "The import is undone: %(count)d projects removed or put back as they were.",
                len(done),
            )
            % {"count": len(done)},
        )
        if kept:
            messages.warning(
                request,
                ngettext(
                    "%(count)d project was kept as it is now: see why below.",
                    "%(count)d projects were kept as they are now: see why below.",
                    len(kept),
                )
                % {"count": len(kept)},
            )
        return redirect("admin:imports_importbatch_change", batch.pk)
    imported = batch.imported_rows.all()
    return _render(
        request,
        model_admin,
        "undo.html",
        gettext("Undo the import of “%(file)s”?") % {"file": batch.file_name},
        batch=batch,
        created=imported.filter(action=ImportedRow.Action.CREATED).count(),
        updated=imported.filter(action=ImportedRow.Action.UPDATED).count(),
    )
