from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings
from django.utils import translation

from habitat import weight

# Pages that the sitemap does not list: the list with filters, the forms and an error page.
OTHER_PAGES = [
    ("list with filters", "/en/projects/?stage=inhabited&housing_model=cooperative"),
    ("sign in", "/en/accounts/login/"),
    ("sign up", "/en/accounts/signup/"),
    ("open data", "/en/open-data/"),
    ("not found", "/en/projects/no-such-project/"),
]
# The sitemap's static pages and sections, named as the budgets name them.
NAMES = {
    "home": "home",
    "projects:list": "list",
    "organisation-list": "organisations",
    "hubs:list": "HUBs and meetings",
    "hubs:conference": "conference",
    "awards:list": "awards",
    "programmes:list": "programmes",
    "stats": "statistics",
    "projects": "project page",
    "organisations": "organisation page",
    "hubs": "HUB page",
    "meetings": "meeting page",
    "awards": "award page",
    "award-years": "award of a year",
    "programmes": "programme page",
    "about": "platform page",
}


def pages():
    """``[(name, address)]``: the first public page of each kind that the sitemap lists, in
    English, then the pages it does not list."""
    from habitat.urls import sitemaps

    found = []
    with translation.override("en"):
        for section, sitemap_class in sitemaps.items():
            sitemap = sitemap_class()
            items = list(sitemap.items())
            if section == "site":
                found += [(NAMES.get(item, item), sitemap.location(item)) for item in items]
            elif items:
                found.append((NAMES.get(section, section), sitemap.location(items[0])))
    return found + OTHER_PAGES


class Command(BaseCommand):
    help = (
        "Print what each kind of page weighs on the wire, compressed with gzip: its HTML, style sheets, "
        "scripts and fonts (photos, map data and tiles apart), its render-blocking scripts, and its budget "
        f"({', '.join(f'{name} {size // 1000} KB' for name, size in weight.BUDGETS.items())}). Reads the "
        "pages of the current database through Django, with DEBUG off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if a page is over its budget.")

    def handle(self, *args, **options):
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        rows, over = [], []
        # Each page as it renders now: a page remembered before a change of its templates
        # would weigh what it weighed then.
        with override_settings(DEBUG=False, PAGE_CACHE_SECONDS=0):
            for name, address in pages():
                response = client.get(address)
                if response.status_code not in (200, 404):
                    raise CommandError(f"{address} answered {response.status_code}.")
                try:
                    page = weight.weigh(response.content)
                except weight.NotOurs as error:
                    raise CommandError(f"{address} loads {error}, which the site does not serve.") from error
                budget = weight.BUDGETS.get(name)
                if budget and page.total > budget:
                    over.append(name)
                rows.append((name, address, page, budget))
        width = max(len(name) for name, *_ in rows)
        self.stdout.write(
            f"{'page':<{width}}  {'HTML':>6}  {'CSS':>6}  {'JS':>6}  {'fonts':>6}  {'total':>6}  {'budget':>6}  "
            "blocking scripts   (KB, gzip -9)"
        )
        for name, address, page, budget in rows:
            kb = [f"{value / 1000:>6.1f}" for value in (page.html, page.of("css"), page.of("js"), page.of("font"))]
            limit = f"{budget / 1000:>6.0f}" if budget else f"{'':>6}"
            mark = "  OVER" if name in over else ""
            self.stdout.write(
                f"{name:<{width}}  {'  '.join(kb)}  {page.total / 1000:>6.1f}  {limit}  "
                f"{len(page.blocking_scripts):>16}{mark}   {address}"
            )
        if over and options["check"]:
            raise CommandError(f"Over budget: {', '.join(over)}.")
