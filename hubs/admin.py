from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdminMixin
from translated_fields import TranslatedFieldAdmin

from hubs.models import Hub, Meeting, MeetingDocument, MeetingPhoto, Session


@admin.register(Hub)
class HubAdmin(TranslatedFieldAdmin, admin.ModelAdmin):
    list_display = ["__str__", "slug", "order", "meeting_count"]
    search_fields = ["name_en", "name_fr", "name_es", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": [*Hub.name.fields, "slug", "order", "original_language"]}),
        (_("Description"), {"fields": [*Hub.description.fields]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(meeting_total=Count("meetings"))

    @admin.display(description=_("meetings"), ordering="meeting_total")
    def meeting_count(self, hub):
        return hub.meeting_total


class SessionInline(admin.StackedInline):
    model = Session
    extra = 0
    autocomplete_fields = ["organisations"]
    fields = [("day", "start_time", "end_time"), "title", "description", "speakers", "organisations"]


class MeetingDocumentInline(admin.TabularInline):
    model = MeetingDocument
    extra = 0


class MeetingPhotoInline(admin.StackedInline):
    model = MeetingPhoto
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(TranslatedFieldAdmin, LeafletGeoAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "hub", "start_date", "end_date", "year", "city", "country"]
    list_filter = ["kind", "hub", "year", "country"]
    list_select_related = ["hub"]
    search_fields = ["name_en", "name_fr", "name_es", "slug", "city"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["organisers", "participants", "visited_projects"]
    inlines = [SessionInline, MeetingDocumentInline, MeetingPhotoInline]
    date_hierarchy = "start_date"
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": [*Meeting.name.fields, "slug", "kind", "hub", "original_language"]}),
        (_("Description"), {"fields": [*Meeting.description.fields, "source_url"]}),
        (
            _("When"),
            {
                "fields": ["start_date", "end_date", "year", "time_zone"],
                "description": _(
                    "Leave the days empty when they are not known; give the year alone if only the year is."
                ),
            },
        ),
        (_("Where"), {"fields": ["city", "country", "location"]}),
        (_("Who and what"), {"fields": ["organisers", "participants", "visited_projects"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "day", "start_time", "end_time"]
    list_filter = ["meeting__kind", "meeting__hub"]
    list_select_related = ["meeting"]
    search_fields = ["title", "speakers", "meeting__name_en"]
    autocomplete_fields = ["meeting", "organisations"]


@admin.register(MeetingDocument)
class MeetingDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting"]
    list_select_related = ["meeting"]
    search_fields = ["title", "meeting__name_en"]
    autocomplete_fields = ["meeting"]


@admin.register(MeetingPhoto)
class MeetingPhotoAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "credit"]
    list_select_related = ["meeting"]
    search_fields = ["caption", "alt_text", "meeting__name_en"]
    autocomplete_fields = ["meeting"]
