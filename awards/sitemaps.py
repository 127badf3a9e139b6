from awards.models import Award, Edition
from habitat.sitemaps import LocalisedSitemap


class AwardSitemap(LocalisedSitemap):
    def items(self):
        return Award.objects.only("slug").order_by("pk")


class EditionSitemap(LocalisedSitemap):
    """One address per award and year (a year may hold several editions)."""

    def items(self):
        return Edition.objects.select_related("award").order_by("award__slug", "year").distinct("award__slug", "year")
