from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from habitat.models import Page

MAP_LABELS = {
    # Translators: {in_view} and {total} are numbers of projects.
    "status": _("{in_view} of the {total} matching projects are in view."),
    "status_one": _("{in_view} of the 1 matching project is in view."),
    "status_none": _("No project matches these filters."),
    # Translators: {shown_at_most} and {total} are numbers of projects.
    "status_limited": _(
        "About {total} projects match: the map shows {shown_at_most} of those in view. "
        "Add words or filters to see the others."
    ),
    "error": _("The map could not load the projects. The list still shows them."),
    # Translators: {count} is a number of projects, always 2 or more.
    "cluster": _("{count} projects here: zoom in"),
    "stack": _("{count} projects at this place"),
    # Translators: {stage_label} is the project's stage, e.g. "inhabited".
    "project": _("Project: {name} ({stage_label})"),
    # Translators: {stage_label} is the project's stage, e.g. "inhabited".
    "project_unconfirmed": _("Project: {name} ({stage_label}, not confirmed by its group this year)"),
    "unconfirmed": _("Not confirmed by its group this year: it may be out of date."),
}


def _platform_pages():
    """The platform's own pages for the navigation and the footer, read in one query when a
    template first asks for them."""
    try:
        pages = list(Page.objects.filter(Q(show_in_navigation=True) | Q(show_in_footer=True)))
    except DatabaseError:
        # The error page (500) must still render when the database is what failed.
        pages = []
    return {
        "navigation": [page for page in pages if page.show_in_navigation],
        "footer": [page for page in pages if page.show_in_footer],
    }


def site(request):
    """Links to the current page in each language, for the language switcher."""
    path = request.get_full_path()
    return {
        "map_labels": MAP_LABELS,
        "platform_pages": SimpleLazyObject(_platform_pages),
        "language_links": [
            {"code": code, "name": name, "url": translate_url(path, code)} for code, name in settings.LANGUAGES
        ],
    }
