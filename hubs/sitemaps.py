from django.contrib.sitemaps import Sitemap

from hubs.models import Hub, Meeting


class HubSitemap(Sitemap):
    i18n = True
    alternates = True

    def items(self):
        return Hub.objects.only("slug").order_by("pk")


class MeetingSitemap(Sitemap):
    i18n = True
    alternates = True

    def items(self):
        return Meeting.objects.only("slug").order_by("pk")
