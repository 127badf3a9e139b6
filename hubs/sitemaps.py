from habitat.sitemaps import LocalisedSitemap
from hubs.models import Hub, Meeting


class HubSitemap(LocalisedSitemap):
    def items(self):
        return Hub.objects.only("slug").order_by("pk")


class MeetingSitemap(LocalisedSitemap):
    def items(self):
        return Meeting.objects.only("slug").order_by("pk")
