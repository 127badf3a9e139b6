from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView

from habitat.models import Organisation


class OrganisationListView(ListView):
    template_name = "habitat/organisation_list.html"
    context_object_name = "organisations"

    def get_queryset(self):
        # "projects" is the reverse side of Project.organisations; only published ones count.
        return Organisation.objects.annotate(
            public_project_count=Count("projects", filter=Q(projects__status="published"), distinct=True)
        ).order_by("-is_founding_member", "-is_member", "slug")


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    projects = organisation.projects.public().distinct().order_by("-published_at", "-pk")
    return render(
        request,
        "habitat/organisation_detail.html",
        {"organisation": organisation, "projects": projects},
    )


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
