import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from habitat.models import Organisation
from habitat.translation import LANGUAGE_CODES
from projects.models import HousingModel, Programme, Project, Stage, SupportAction


def countries_with_projects():
    codes = set(Project.objects.public().order_by().values_list("country", flat=True).distinct())
    return [(code, name) for code, name in countries if code in codes]


def organisations_with_projects(request=None):
    return Organisation.objects.filter(
        Exists(Project.objects.public().filter(actors__organisation=OuterRef("pk")))
    ).order_by("slug")


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    NAME = "name"
    DWELLINGS = "dwellings"
    COMPLETION = "completion"
    CHOICES = [
        (NEWEST, _("newest first")),
        (RELEVANCE, _("best match to the search")),
        (NAME, _("name (A–Z)")),
        (DWELLINGS, _("most dwellings first")),
        (COMPLETION, _("most recently completed first")),
    ]


def name_in_active_language():
    """The name the visitor sees, for sorting: their language first, then any other."""
    active = (get_language() or "en")[:2]
    codes = [active] + [code for code in LANGUAGE_CODES if code != active]
    return Lower(Coalesce(*[NullIf(f"name_{code}", Value("")) for code in codes]))


class ProjectFilter(django_filters.FilterSet):
    """The filters of the project list, shared by the list page and the map's data.

    The map calls the same FilterSet with the same query string, so both always show the
    same projects.
    """

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("name, city, words…")}),
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=countries_with_projects, empty_label=_("All countries")
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices, empty_label=_("All stages"))
    housing_model = django_filters.ChoiceFilter(
        label=_("Housing model"),
        choices=HousingModel.choices,
        method="filter_housing_model",
        empty_label=_("All housing models"),
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=organisations_with_projects,
        to_field_name="slug",
        method="filter_organisation",
        empty_label=_("All organisations"),
    )
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme of support"),
        queryset=Programme.objects.order_by("slug"),
        to_field_name="slug",
        method="filter_programme",
        empty_label=_("All programmes"),
    )
    priority_neighbourhood = django_filters.ChoiceFilter(
        label=_("Priority neighbourhood"),
        choices=[("true", _("Only in priority neighbourhoods")), ("false", _("Only outside them"))],
        empty_label=_("Any neighbourhood"),
        method="filter_priority_neighbourhood",
    )
    award = django_filters.ChoiceFilter(
        label=_("Awards"),
        choices=[("any", _("Has an award (winner, special mention or finalist)")), ("won", _("Has won an award"))],
        empty_label=_("With or without awards"),
        method="filter_award",
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=Sort.CHOICES, method="filter_nothing", empty_label=None
    )

    class Meta:
        model = Project
        fields = []

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.search(value) if value else queryset

    def filter_housing_model(self, queryset, name, value):
        return queryset.with_housing_model(value)

    def filter_organisation(self, queryset, name, value):
        return queryset.with_organisation(value)

    def filter_programme(self, queryset, name, value):
        return queryset.filter(Exists(SupportAction.objects.filter(programme=value, project=OuterRef("pk"))))

    def filter_priority_neighbourhood(self, queryset, name, value):
        return queryset.filter(priority_neighbourhood=value == "true")

    def filter_award(self, queryset, name, value):
        # The awards app owns nominations and their results; projects only knows the reverse
        # relation, so it reads the model from there instead of importing awards.
        nomination = Project.nominations.rel.related_model
        results = ["winner", "special_mention"] if value == "won" else ["winner", "special_mention", "finalist"]
        return queryset.filter(Exists(nomination.objects.filter(project=OuterRef("pk"), result__in=results)))

    def filter_nothing(self, queryset, name, value):
        # Sorting is applied after every filter, in filter_queryset().
        return queryset

    @property
    def search_text(self):
        return (self.form.cleaned_data.get("q") or "").strip() if self.is_bound and self.form.is_valid() else ""

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or (Sort.RELEVANCE if self.search_text else Sort.NEWEST)
        if sort == Sort.RELEVANCE and not self.search_text:
            sort = Sort.NEWEST
        orderings = {
            Sort.RELEVANCE: [F("rank").desc(), "-pk"] if self.search_text else ["-pk"],
            Sort.NEWEST: [F("published_at").desc(nulls_last=True), "-pk"],
            Sort.NAME: [name_in_active_language(), "pk"],
            Sort.DWELLINGS: [F("dwellings").desc(nulls_last=True), "pk"],
            Sort.COMPLETION: [F("completion_year").desc(nulls_last=True), "pk"],
        }
        return queryset.order_by(*orderings[sort])

    @property
    def active_filter_count(self):
        if not self.is_bound or not self.form.is_valid():
            return 0
        return sum(1 for name, value in self.form.cleaned_data.items() if name != "sort" and value not in (None, ""))
