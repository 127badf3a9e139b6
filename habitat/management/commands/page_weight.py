from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings

from habitat import weight


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
            for name, address in weight.page_kinds():
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
