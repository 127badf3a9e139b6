import copy
import functools

import django_filters
from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Lower
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from awards.models import Nomination
from habitat import geo, page_cache
from habitat.models import Organisation
from habitat.translation import fallback_expression
from projects.models import HousingModel, Need, Offer, Programme, Project, Stage
from projects.models.maps import FACETS as MAP_FACETS
from projects.models.maps import MapCell

# The choices of the filters change only when the directory does: they are remembered until
# then, not read from the whole table on each request (a million rows take 80 ms).


def countries_with_projects():
    codes = page_cache.remembered("filter-countries", _countries_with_projects)
    return [(code, name) for code, name in countries if code in codes]


def _countries_with_projects():
    return set(Project.objects.public().order_by().values_list("country", flat=True).distinct())


def organisations_with_projects(request=None):
    # Each organisation's public projects are counted as they change (public_project_count).
    return Organisation.objects.public().filter(public_project_count__gt=0).order_by("slug")


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


def _counted(label, count):
    return format_html(
        '{} <span class="value-count">{}<span class="visually-hidden"> {}</span></span>',
        label,
        intcomma(count),
        ngettext("project", "projects", count),
    )


class AreaField(forms.CharField):
    """A part of the map (``west,south,east,north``), as the map sends its view."""

    widget = forms.HiddenInput

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return geo.BoundingBox.parse(value)
        except geo.BadMapRequest as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class AreaFilter(django_filters.Filter):
    field_class = AreaField


class CheckboxList(forms.CheckboxSelectMultiple):
    """A list of boxes to tick, in a fieldset named by the filter (forms/field.html)."""

    use_fieldset = True


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
    # The map's facets take several values each (two countries, three housing models): a
    # project with any of them matches. The list shows beside each value how many projects
    # it would give (value_counts).
    country = django_filters.MultipleChoiceFilter(
        label=_("Country"), choices=countries_with_projects, method="filter_country", widget=CheckboxList
    )
    stage = django_filters.MultipleChoiceFilter(
        label=_("Stage"), choices=Stage.choices, method="filter_stage", widget=CheckboxList
    )
    housing_model = django_filters.MultipleChoiceFilter(
        label=_("Housing model"), choices=HousingModel.choices, method="filter_housing_model", widget=CheckboxList
    )
    # Groups looking for peers: those who need what they can give, or offer what they need.
    needs = django_filters.MultipleChoiceFilter(
        label=_("The group needs"), choices=Need.choices, method="filter_needs", widget=CheckboxList
    )
    offers = django_filters.MultipleChoiceFilter(
        label=_("The group offers"), choices=Offer.choices, method="filter_offers", widget=CheckboxList
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
    # The map's view, when the visitor asks the list to follow the map (static/js/map.js).
    area = AreaFilter(label=_("In the map's view"), method="filter_area")
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=Sort.CHOICES, method="filter_nothing", empty_label=None
    )

    class Meta:
        model = Project
        fields = []

    # The list shows at most this many projects (50 pages): past it, the visitor is told how
    # many match, about, and asked to narrow the search (habitat.counting).
    listed_at_most = 1000

    # The one parameter that orders the results rather than choosing them; the page number
    # is the paginator's. Every other parameter of the form is a filter: the list's "n
    # filters" count, the map's query and (next) feeds and exports all ask filter_query().
    ordering_param = "sort"

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.search(value) if value else queryset

    def filter_country(self, queryset, name, value):
        return queryset.filter(country__in=value) if value else queryset

    def filter_stage(self, queryset, name, value):
        return queryset.filter(stage__in=value) if value else queryset

    def filter_housing_model(self, queryset, name, value):
        return queryset.with_housing_model(*value) if value else queryset

    def filter_needs(self, queryset, name, value):
        return queryset.needing(*value) if value else queryset

    def filter_offers(self, queryset, name, value):
        return queryset.offering(*value) if value else queryset

    def filter_organisation(self, queryset, name, value):
        return queryset.with_organisation(value)

    def filter_programme(self, queryset, name, value):
        return queryset.supported_by(value)

    def filter_area(self, queryset, name, value):
        return queryset.in_bbox(value) if value else queryset

    def filter_priority_neighbourhood(self, queryset, name, value):
        return queryset.filter(priority_neighbourhood=value == "true")

    def filter_award(self, queryset, name, value):
        # What counts as an award is the awards app's to say.
        nominations = Nomination.objects.wins() if value == "won" else Nomination.objects.distinctions()
        return queryset.filter(Exists(nominations.filter(project=OuterRef("pk"))))

    def filter_nothing(self, queryset, name, value):
        # Sorting is applied after every filter, in filter_queryset().
        return queryset

    @classmethod
    @functools.cache
    def _form_class(cls):
        filters = copy.deepcopy(cls.base_filters)
        fields = {name: filter_.field for name, filter_ in filters.items()}
        return type(f"{cls.__name__}Form", (cls._meta.form,), fields)

    def get_form_class(self):
        # The fields depend on nothing of the request (their choices are read when used):
        # the form is made once, not built anew for each request (a map's data asks often).
        return self._form_class()

    @property
    def search_text(self):
        return (self.form.cleaned_data.get("q") or "").strip() if self.is_bound and self.form.is_valid() else ""

    @property
    def chosen_sort(self):
        sort = self.form.cleaned_data.get("sort") or (Sort.RELEVANCE if self.search_text else Sort.NEWEST)
        return Sort.NEWEST if sort == Sort.RELEVANCE and not self.search_text else sort

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        sort = self.chosen_sort
        if sort == Sort.NEWEST:
            return queryset.newest_first()
        orderings = {
            Sort.RELEVANCE: [F("rank").desc(), "-pk"],
            Sort.NAME: [Lower(fallback_expression("name")), "pk"],
            Sort.DWELLINGS: [F("dwellings").desc(nulls_last=True), "pk"],
            Sort.COMPLETION: [F("completion_year").desc(nulls_last=True), "pk"],
        }
        return queryset.order_by(*orderings[sort])

    def listed(self, queryset):
        """``(listed, counted)``: what the list shows of the matching ``queryset`` (``qs``), and
        how many match up to ``listed_at_most + 1`` when that was found on the way (else None).

        That is all of them, in order; or, for the best matches of a search, the newest
        ``listed_at_most`` ranked, read in one pass that also counts them.
        """
        if self.is_valid() and self.chosen_sort == Sort.RELEVANCE:
            newest = queryset.newest_keys(self.listed_at_most + 1)
            return queryset.best_matches_among(newest[: self.listed_at_most]), len(newest)
        return queryset, None

    @property
    def filter_names(self):
        return [name for name in self.filters if name != self.ordering_param]

    def _chosen(self):
        """``{filter name: [values]}`` of the filters asked for, each value as cleaned."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        chosen = {}
        for name in self.filter_names:
            value = self.form.cleaned_data.get(name)
            values = value if isinstance(value, list) else [value]
            values = [value for value in values if value not in (None, "")]
            if values:
                chosen[name] = values
        return chosen

    @property
    def active_filter_count(self):
        """How many values the visitor chose (two countries and a stage: three)."""
        return sum(len(values) for values in self._chosen().values())

    def facets(self):
        """The stages, countries and housing models asked for (each a tuple, empty for any),
        when no other filter is: what the map's counts in advance can answer
        (projects.models.maps). None otherwise."""
        if self.is_bound and not self.form.is_valid():
            return None
        chosen = self._chosen()
        if not set(chosen) <= set(MAP_FACETS):
            return None
        return {name: tuple(sorted(chosen.get(name, ()))) for name in MAP_FACETS}

    def value_counts(self):
        """``{facet: {value: count}}``: how many projects each value of the stage, country and
        housing model filters would give with the other filters as they are (``count_by``)."""
        if self.is_bound and not self.form.is_valid():
            return {}
        facets = self.facets()
        if facets is not None:
            return MapCell.objects.value_counts(**facets)
        counts = {}
        for name in MAP_FACETS:
            others = self.data.copy()
            others.pop(name, None)
            filterset = type(self)(others, queryset=self.queryset, request=self.request)
            counts[name] = filterset.qs.count_by(name)
        return counts

    def show_value_counts(self):
        """Write beside each value of the stage, country and housing model filters how many
        projects it would give (``value_counts``), in this filter set's form."""
        value_counts = self.value_counts()
        for name in MAP_FACETS:
            field, counts = self.form.fields[name], value_counts.get(name)
            # A list in any case (the templates loop over it), read once.
            field.choices = [
                (value, capfirst(label) if counts is None else _counted(capfirst(label), counts.get(value, 0)))
                for value, label in field.choices
            ]

    def chosen_labels(self):
        """The values chosen, as people read them ("Brazil", "Community land trust")."""
        labels = []
        for name, values in self._chosen().items():
            choices = self.filters[name].extra.get("choices") or []
            choices = dict(choices() if callable(choices) else choices)
            if name == "q":
                labels.append(f"“{values[0]}”")
            elif name == "area":
                labels.append(str(_("in the map's view")))
            else:
                labels.extend(str(choices.get(value, value)) for value in values)
        return labels

    def filter_query(self, *left_out):
        """The query string of the filters asked for, without ordering or page, nor the
        filters ``left_out``: what the map and other outputs of the same projects take."""
        query = QueryDict(mutable=True)
        for name in self.filter_names:
            if name in left_out:
                continue
            values = [value for value in (self.data.getlist(name) if self.is_bound else []) if value]
            if values:
                query.setlist(name, values)
        return query.urlencode()
