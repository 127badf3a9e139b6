import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from policies.models import Kind, Level, Policy


def countries_with_policies():
    codes = set(Policy.objects.values_list("country", flat=True))
    return sorted(((code, countries.name(code)) for code in codes), key=lambda choice: choice[1])


class PolicyFilter(django_filters.FilterSet):
    """The filters of /policies/: a country (also chosen on its map), a kind, a level."""

    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=countries_with_policies, empty_label=_("Every country")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind of policy"), choices=Kind.choices, empty_label=_("Every kind"))
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("Every level"))

    class Meta:
        model = Policy
        fields = []
