from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from habitat.models import Organisation, Page


class LocalisedSitemap(Sitemap):
    """Pages that exist in every language: each listed with its alternates (hreflang)."""

    i18n = True
    alternates = True


class StaticPagesSitemap(LocalisedSitemap):
    def items(self):
        return [
            "home",
            "projects:list",
            "organisation-list",
            "hubs:list",
            "hubs:calendar",
            "hubs:conference",
            "awards:list",
            "programmes:list",
            "policies:list",
            "stats",
        ]

    def location(self, item):
        return reverse(item)


class OrganisationSitemap(LocalisedSitemap):
    def items(self):
        return Organisation.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, organisation):
        return organisation.updated_at


class PageSitemap(LocalisedSitemap):
    def items(self):
        return Page.objects.only("slug").order_by("order", "pk")
