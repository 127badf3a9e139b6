from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from awards.models import Award, Category, Edition, Nomination
from awards.representation import award_structured_data, results_structured_data
from habitat.page_cache import cached_for_visitors


@cached_for_visitors
def award_list(request):
    editions = Edition.objects.order_by("-year", "label", "region")
    awards = Award.objects.select_related("organiser").prefetch_related(Prefetch("editions", queryset=editions))
    return render(request, "awards/award_list.html", {"awards": awards})


@cached_for_visitors
def award_detail(request, slug):
    award = get_object_or_404(Award.objects.select_related("organiser"), slug=slug)
    editions = award.editions.annotate(
        nomination_count=Count("nominations"),
        win_count=Count("nominations", filter=Q(nominations__in=Nomination.objects.wins())),
    ).order_by("-year", "label", "region")
    return render(
        request,
        "awards/award_detail.html",
        {
            "award": award,
            "editions": editions,
            "structured_data": award_structured_data(award, absolute_url=request.build_absolute_uri),
        },
    )


@cached_for_visitors
def edition_detail(request, slug, year):
    """Every edition of an award announced in ``year`` (some years have two rounds)."""
    award = get_object_or_404(Award, slug=slug)
    nominations = (
        Nomination.objects.public()
        .ranked()
        .select_related("project", "category")
        # Grouped by category in the page; results without a category come last.
        .order_by("category__order", "category_id", "result_rank", "level_rank", "project_name", "pk")
    )
    editions = list(
        award.editions.filter(year=year)
        .order_by("label", "region")
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.order_by("order", "pk")),
            Prefetch("nominations", queryset=nominations),
        )
    )
    if not editions:
        raise Http404("No edition of this award in that year.")
    years = list(award.editions.order_by("year").values_list("year", flat=True).distinct())
    index = years.index(year)
    return render(
        request,
        "awards/edition_detail.html",
        {
            "award": award,
            "year": year,
            "editions": editions,
            "previous_year": years[index - 1] if index > 0 else None,
            "next_year": years[index + 1] if index + 1 < len(years) else None,
            "structured_data": results_structured_data(award, year, editions, absolute_url=request.build_absolute_uri),
        },
    )
