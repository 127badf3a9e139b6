"""What an award's pages tell search engines (schema.org) and link previews.

schema.org has no type for a prize, so an award is a plain ``Thing`` (its name, what it is,
its own website), and the page of a year is what it shows: the list of that year's results
(``ItemList``), each linked to its project's page only when that project is public
(``Nomination.public_project``).
"""

from django.utils.text import capfirst
from django.utils.translation import gettext

from habitat.representation import SCHEMA_ORG


def award_structured_data(award, *, absolute_url):
    """schema.org data of ``award``'s page."""
    data = {
        "@context": SCHEMA_ORG,
        "@type": "Thing",
        "name": award.name,
        "url": absolute_url(award.get_absolute_url()),
    }
    if award.description:
        data["description"] = award.description
    if award.website:
        data["sameAs"] = [award.website]
    return data


def results_structured_data(award, year, editions, *, absolute_url):
    """schema.org data of the page of ``award``'s ``editions`` of ``year``, whose
    ``nominations`` are prefetched from ``Nomination.objects.public()``, in the page's order."""
    nominations = [nomination for edition in editions for nomination in edition.nominations.all()]
    return {
        "@context": SCHEMA_ORG,
        "@type": "ItemList",
        "name": gettext("%(name)s %(year)s") % {"name": award.name, "year": year},
        "description": gettext("Results of the %(name)s in %(year)s.") % {"name": award.name, "year": year},
        "url": absolute_url(editions[0].get_absolute_url()),
        "numberOfItems": len(nominations),
        "itemListElement": [
            _result(position, nomination, absolute_url=absolute_url)
            for position, nomination in enumerate(nominations, start=1)
        ],
    }


def _result(position, nomination, *, absolute_url):
    item = {
        "@type": "ListItem",
        "position": position,
        "name": nomination.display_name,
        "description": capfirst(nomination.get_result_display()),
    }
    project = nomination.public_project
    if project:
        item["url"] = absolute_url(project.get_absolute_url())
    return item
