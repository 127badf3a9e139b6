import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes, format_html
from django.utils.safestring import mark_safe

from habitat.translation import shown_language as _shown_language

register = template.Library()


@register.simple_tag
def shown_language(obj, name):
    """The language of the text ``obj.<name>`` shows now, for a ``lang`` attribute."""
    return _shown_language(obj, name)


@register.simple_tag
def json_ld(data):
    """Structured data (schema.org) as a JSON-LD block, escaped like ``json_script``."""
    text = json.dumps(data, cls=DjangoJSONEncoder).translate(_json_script_escapes)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))
