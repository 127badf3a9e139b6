from django.contrib import admin
from translated_fields import TranslatedFieldAdmin

from policies.models import Policy


@admin.register(Policy)
class PolicyAdmin(TranslatedFieldAdmin, admin.ModelAdmin):
    list_display = ["name", "country", "city", "level", "kind", "year"]
    list_filter = ["kind", "level", "country"]
    search_fields = ["name_en", "name_fr", "name_es", "slug", "city"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["projects", "programmes"]
    fieldsets = [
        (None, {"fields": ["original_language", *Policy.name.fields, "slug"]}),
        (None, {"fields": [*Policy.description.fields]}),
        (None, {"fields": ["country", "city", "level", "kind", "year", "sources"]}),
        (None, {"fields": ["projects", "programmes"]}),
    ]
