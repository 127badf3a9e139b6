from django.contrib import admin
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from imports import views
from imports.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """The imports: their list, and the steps of one (``imports.views``) in place of Django's
    add and change forms."""

    list_display = ["file_link", "network", "status", "created_by", "created_at", "progress", "created_count"]
    # The file's name links to the import's page (``file_link``).
    list_display_links = None
    list_filter = ["status", "network"]
    list_select_related = ["network", "created_by"]
    search_fields = ["file_name", "network__name_en", "network__acronym"]
    date_hierarchy = "created_at"

    @admin.display(description=_("file"), ordering="file_name")
    def file_link(self, batch):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:imports_importbatch_change", args=[batch.pk]), batch.file_name
        )

    @admin.display(description=_("rows done"))
    def progress(self, batch):
        return f"{batch.rows_done} / {batch.total_rows}"

    def get_urls(self):
        def page(view):
            return self.admin_site.admin_view(lambda request, **kwargs: view(request, self, **kwargs))

        return [
            path("<int:pk>/columns/", page(views.match_columns), name="imports_importbatch_columns"),
            path("<int:pk>/preview/", page(views.preview_import), name="imports_importbatch_preview"),
            path("<int:pk>/undo/", page(views.undo_import), name="imports_importbatch_undo"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return views.upload(request, self)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not object_id.isdigit():
            raise Http404
        return views.batch_page(request, self, pk=int(object_id))

    def has_change_permission(self, request, obj=None):
        # A batch changes only by its steps (and its undoing), never by a form.
        return False

    def has_delete_permission(self, request, obj=None):
        # The record of what an import did is kept: undo it instead.
        return False
