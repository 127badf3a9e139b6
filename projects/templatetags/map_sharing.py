from django import template

from projects import embed

register = template.Library()


@register.simple_tag(takes_context=True)
def map_share_addresses(context):
    """The link and the frame code of the share box, for the page's filters (``filter_query``)."""
    return embed.share_addresses(context["request"], context.get("filter_query", ""))
