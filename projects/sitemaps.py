from habitat.sitemaps import LocalisedSitemap
from projects.models import Programme, Project


class ProjectSitemap(LocalisedSitemap):
    """Project pages by address only: a sitemap never carries coordinates."""

    def items(self):
        return Project.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, project):
        return project.updated_at


class ProgrammeSitemap(LocalisedSitemap):
    def items(self):
        return Programme.objects.only("slug").order_by("pk")
