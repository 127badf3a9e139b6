from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from translated_fields import TranslatedFieldAdmin

from awards.models import Award, Category, Edition, Nomination


class EditionInline(admin.TabularInline):
    model = Edition
    fields = ["year", "label", "region", "name"]
    extra = 0
    show_change_link = True


@admin.register(Award)
class AwardAdmin(TranslatedFieldAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "organiser", "edition_count"]
    list_select_related = ["organiser"]
    search_fields = ["name_en", "name_fr", "name_es", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["organiser"]
    inlines = [EditionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(edition_count=Count("editions"))

    @admin.display(description=_("editions"), ordering="edition_count")
    def edition_count(self, award):
        return award.edition_count


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


class NominationInline(admin.StackedInline):
    model = Nomination
    extra = 0
    fields = [
        ("result", "level", "category"),
        "project",
        ("project_name", "country"),
        "organisation_name",
        ("citation_en", "citation_fr", "citation_es"),
        "source_url",
    ]
    autocomplete_fields = ["project"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the categories of the edition being edited.
        if db_field.name == "category":
            edition_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = (
                Category.objects.filter(edition_id=edition_id) if edition_id else Category.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Edition)
class EditionAdmin(TranslatedFieldAdmin, admin.ModelAdmin):
    list_display = ["__str__", "award", "year", "label", "region", "nomination_count"]
    list_filter = ["award", "year"]
    list_select_related = ["award"]
    search_fields = ["name", "label", "region", "award__name_en", "award__slug"]
    inlines = [CategoryInline, NominationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(nomination_count=Count("nominations"))

    @admin.display(description=_("results"), ordering="nomination_count")
    def nomination_count(self, edition):
        return edition.nomination_count


@admin.register(Nomination)
class NominationAdmin(TranslatedFieldAdmin, admin.ModelAdmin):
    list_display = ["__str__", "result", "level", "edition_year", "award", "project", "country"]
    list_filter = ["edition__award", "result", "level", "edition__year"]
    list_select_related = ["edition__award", "project", "category"]
    search_fields = ["project_name", "organisation_name", "project__name_en", "project__slug"]
    autocomplete_fields = ["project", "edition"]
    raw_id_fields = ["category"]

    @admin.display(description=_("year"), ordering="edition__year")
    def edition_year(self, nomination):
        return nomination.edition.year

    @admin.display(description=_("award"), ordering="edition__award__slug")
    def award(self, nomination):
        return nomination.edition.award
