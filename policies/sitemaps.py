from habitat.sitemaps import LocalisedSitemap
from policies.models import Policy


class PolicySitemap(LocalisedSitemap):
    def items(self):
        return Policy.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, policy):
        return policy.updated_at
