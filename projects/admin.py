from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdminMixin
from translated_fields import TranslatedFieldAdmin

from projects.models import Project, ProjectActor, ProjectDocument, ProjectPhoto


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


@admin.register(Project)
class ProjectAdmin(TranslatedFieldAdmin, LeafletGeoAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "city", "country", "stage", "status", "location_precision", "updated_at"]
    list_filter = ["status", "stage", "location_precision", "priority_neighbourhood", "original_language", "country"]
    search_fields = ["name_en", "name_fr", "name_es", "slug", "city", "address"]
    readonly_fields = ["created_at", "updated_at", "public_location_text"]
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
