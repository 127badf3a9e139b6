from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django_countries import countries

from habitat.page_cache import cached_for_visitors
from policies.filters import PolicyFilter
from policies.models import Policy
from projects.models import Project


@cached_for_visitors
def policy_list(request):
    """The public policies, filtered by country, kind and level, with the map of the countries
    that have them (static/js/policies-map.js)."""
    filterset = PolicyFilter(request.GET, queryset=Policy.objects.all())
    policies = filterset.qs if filterset.is_valid() else Policy.objects.none()
    by_country = Policy.objects.by_country()
    map_countries = [
        {"code": code, "numeric": countries.numeric(code, padded=True), "name": countries.name(code), "count": count}
        for code, count in sorted(by_country.items())
    ]
    return render(
        request,
        "policies/policy_list.html",
        {"filter": filterset, "policies": policies, "map_countries": map_countries},
    )


@cached_for_visitors
def policy_detail(request, slug):
    policy = get_object_or_404(
        Policy.objects.prefetch_related(Prefetch("projects", Project.objects.public().order_by("slug")), "programmes"),
        slug=slug,
    )
    return render(request, "policies/policy_detail.html", {"policy": policy})
