from django.contrib.sitemaps import Sitemap

from projects.models import Programme, Project


class ProjectSitemap(Sitemap):
    """Project pages by address only: a sitemap never carries coordinates."""

    i18n = True
    alternates = True

    def items(self):
        return Project.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, project):
        return project.updated_at


class ProgrammeSitemap(Sitemap):
    i18n = True
    alternates = True

    def items(self):
        return Programme.objects.only("slug").order_by("pk")
