import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import _json_script_escapes, format_html, format_html_join, json_script
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext, gettext_lazy

from habitat import street_map
from habitat.translation import active_code
from habitat.translation import shown_language as _shown_language

register = template.Library()

# Open Graph names a language by its locale. The English pages are written in British English.
OPEN_GRAPH_LOCALES = {"en": "en_GB", "fr": "fr_FR", "es": "es_ES"}
# Link previews show a sentence or two; the page's meta description is cut at as many words.
OPEN_GRAPH_DESCRIPTION_WORDS = 30


@register.simple_tag
def shown_language(obj, name):
    """The language of the text ``obj.<name>`` shows now, for a ``lang`` attribute."""
    return _shown_language(obj, name)


# Whole sentences, so that each language writes the name of another as its grammar wants.
WRITTEN_IN = {
    "en": gettext_lazy("Written in English"),
    "fr": gettext_lazy("Written in French"),
    "es": gettext_lazy("Written in Spanish"),
}


@register.simple_tag
def written_in(obj, name):
    """A label for beside the text ``obj.<name>`` when it is shown in another language than
    the page's, because nobody has translated it yet ("Written in Spanish"); else nothing."""
    shown = _shown_language(obj, name)
    if shown == active_code():
        return ""
    return format_html('<span class="written-in">{}</span>', WRITTEN_IN[shown])


@register.simple_tag
def json_ld(data):
    """Structured data (schema.org) as a JSON-LD block, escaped like ``json_script``."""
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(_json_script_escapes)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag
def open_graph(data):
    """The page's canonical link and Open Graph tags (link previews), made from its structured
    data (``json_ld``): a preview says what search engines read, and nothing more."""
    language = get_language()
    properties = [
        ("og:type", "website"),
        ("og:site_name", gettext("Social Production of Habitat")),
        ("og:title", data["name"]),
        ("og:url", data["url"]),
    ]
    if data.get("description"):
        properties.append(("og:description", Truncator(data["description"]).words(OPEN_GRAPH_DESCRIPTION_WORDS)))
    image = data.get("image") or data.get("logo")
    if image:
        properties.append(("og:image", image))
    properties.append(("og:locale", OPEN_GRAPH_LOCALES[language]))
    properties += [
        ("og:locale:alternate", OPEN_GRAPH_LOCALES[code]) for code, _name in settings.LANGUAGES if code != language
    ]
    return format_html(
        '<link rel="canonical" href="{}">\n{}',
        data["url"],
        format_html_join("\n", '<meta property="{}" content="{}">', properties),
    )


@register.simple_tag
def basemap_sources():
    """Where static/js/basemap.js finds the countries' outlines that we serve (their names
    are hashed in production), and the credit the map shows for them; with the street map of
    an operator's PMTiles archive (habitat.street_map), the script that draws its tiles."""
    credit = format_html(
        '{}: <a href="https://www.naturalearthdata.com/">Natural Earth</a>', gettext("Country outlines")
    )
    sources = {
        "coarse": static("vendor/countries-110m.json"),
        "fine": static("vendor/countries-50m.json"),
        "attribution": str(credit),
    }
    archive = street_map.archive_or_none()
    if archive is None:
        return json_script(sources, "basemap-sources")
    sources["streets"] = {
        "url": reverse("street-tiles"),
        "kind": archive.kind,
        "minZoom": archive.min_zoom,
        "maxZoom": archive.max_zoom,
        "bounds": archive.bounds,
        "attribution": settings.MAP_PMTILES_ATTRIBUTION,
        "flavor": settings.MAP_PMTILES_FLAVOR,
        # Place names in the visitor's language where the tiles have it.
        "lang": get_language(),
    }
    # Deferred: the maps start on the page's "load" event, once it has run.
    return format_html(
        '{}<script src="{}" defer></script>', json_script(sources, "basemap-sources"), static(archive.script)
    )
