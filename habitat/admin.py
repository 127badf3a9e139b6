from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from translated_fields import TranslatedFieldAdmin

from habitat.models import Organisation, Page, User

admin.site.site_header = _("Social Production of Habitat")
admin.site.site_title = _("SPH platform")


@admin.register(User)
class HabitatUserAdmin(UserAdmin):
    list_display = ["email", "display_name", "language", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "display_name", "first_name", "last_name"]
    ordering = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("How others know them"), {"fields": ["display_name", "first_name", "last_name", "language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
        # The username is random and never shown; kept because Django's auth needs one.
        (_("Internal"), {"classes": ["collapse"], "fields": ["username"]}),
    ]


@admin.register(Organisation)
class OrganisationAdmin(TranslatedFieldAdmin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "acronym",
        "kind",
        "country",
        "is_member",
        "is_founding_member",
        "reviewed",
        "public_project_count",
    ]
    list_filter = ["reviewed", "kind", "is_member", "is_founding_member", "country"]
    search_fields = ["name_en", "name_fr", "name_es", "acronym", "slug", "city"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": [*Organisation.name.fields, "acronym", "slug", "kind", "original_language"]}),
        (_("Description"), {"fields": [*Organisation.description.fields, "logo", "website", "source_url"]}),
        (_("Where"), {"fields": ["city", "country"]}),
        (_("Membership"), {"fields": ["founded_year", "is_member", "member_since", "is_founding_member", "reviewed"]}),
    ]


@admin.register(Page)
class PageAdmin(TranslatedFieldAdmin, admin.ModelAdmin):
    list_display = ["__str__", "slug", "order", "show_in_navigation", "show_in_footer", "updated_at"]
    list_editable = ["order", "show_in_navigation", "show_in_footer"]
    search_fields = ["slug", "title_en", "title_fr", "title_es"]
    prepopulated_fields = {"slug": ["title_en"]}
    fieldsets = [
        (None, {"fields": ["slug", "original_language", "order", "show_in_navigation", "show_in_footer"]}),
        *[
            (label, {"fields": [f"title_{code}", f"body_{code}"]})
            for code, label in [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
        ],
    ]
