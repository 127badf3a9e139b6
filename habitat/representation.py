"""What an organisation's public page tells search engines (schema.org), and the schema.org
pieces that every app's structured data shares.

Each app describes its own objects from what their public pages already show
(``projects.representation``, ``hubs.representation``, ``awards.representation``). A page
renders that one description twice: as JSON-LD (``{% json_ld %}``) and as the Open Graph
tags of link previews (``{% open_graph %}``), so the two never say different things and
neither says more than the page.
"""

SCHEMA_ORG = "https://schema.org"


def postal_address(*, city, country, street=""):
    """A schema.org PostalAddress of what is known, or None when nothing is.

    ``street`` is given only by a caller that may publish it (a project's public address).
    """
    parts = {"streetAddress": street, "addressLocality": city, "addressCountry": country}
    known = {name: value for name, value in parts.items() if value}
    return {"@type": "PostalAddress", **known} if known else None


def organisation_reference(organisation, *, absolute_url):
    """A public organisation named inside another object (an event's organiser).

    Only for organisations with a public page: an unreviewed one has none to link to.
    """
    return {
        "@type": "Organization",
        "name": organisation.name,
        "url": absolute_url(organisation.get_absolute_url()),
    }


def organisation_structured_data(organisation, *, absolute_url):
    """schema.org data of a public organisation's page. It has no contact details: the
    platform keeps none for organisations, and a group is reached through its website."""
    data = {"@context": SCHEMA_ORG, **organisation_reference(organisation, absolute_url=absolute_url)}
    if organisation.acronym:
        data["alternateName"] = organisation.acronym
    if organisation.description:
        data["description"] = organisation.description
    address = postal_address(city=organisation.city, country=organisation.country.code)
    if address:
        data["address"] = address
    if organisation.founded_year:
        data["foundingDate"] = str(organisation.founded_year)
    if organisation.website:
        data["sameAs"] = [organisation.website]
    if organisation.logo:
        data["logo"] = absolute_url(organisation.logo.url)
    return data
