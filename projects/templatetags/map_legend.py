from django import template

from projects.models import HousingModel, Stage

register = template.Library()


@register.inclusion_tag("includes/map_legend.html")
def map_legend():
    """The key to the colours of the map's projects, by stage or by housing model (the
    visitor's choice; static/js/map.js draws each project in its colour)."""
    return {"stages": Stage.choices, "housing_models": HousingModel.choices}
