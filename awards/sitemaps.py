from django.contrib.sitemaps import Sitemap

from awards.models import Award, Edition


class AwardSitemap(Sitemap):
    i18n = True
    alternates = True

    def items(self):
        return Award.objects.only("slug").order_by("pk")


class EditionSitemap(Sitemap):
    """One address per award and year (a year may hold several editions)."""

    i18n = True
    alternates = True

    def items(self):
        return Edition.objects.select_related("award").order_by("award__slug", "year").distinct("award__slug", "year")
