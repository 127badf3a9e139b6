"""The project map made to be framed by other sites (/embed/map/), and the addresses that the
list page's "share or embed this map" box gives for it.

Every other page of ours refuses to be framed (X-Frame-Options DENY, CSP frame-ancestors
'none'), against clickjacking. This one may be: it holds nothing to click that acts for
anyone (no form, no session is read), only the public map and links that open our pages in
a new tab, where they are not framed.
"""

import math

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from habitat import geo
from habitat.page_cache import cached_for_visitors
from habitat.translation import asked_language
from projects import opendata
from projects.filters import ProjectFilter
from projects.models import Project

# The parameters that say which part of the world the map shows first (static/js/map.js
# reads the same ones from the page's address).
VIEW_PARAMETERS = ("bbox", "lat", "lon", "zoom")
FRAME_HEIGHT = 450
# The site's policy, nonces and all, but any site may frame this page. `*` matches every
# http(s) origin, ours included; frames in data: or blob: documents stay refused.
FRAMEABLE_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


def read_view(query):
    """The view named by ``query`` (a QueryDict), checked as map.json checks its own; raises
    geo.BadMapRequest with a message for people."""
    if query.get("bbox"):
        geo.BoundingBox.parse(query["bbox"])
    if query.get("zoom"):
        geo.parse_zoom(query["zoom"])
    lat, lon = query.get("lat"), query.get("lon")
    if bool(lat) != bool(lon):
        raise geo.BadMapRequest(_("The centre of the map needs both lat and lon."))
    if lat:
        try:
            lat, lon = float(lat), float(lon)
        except ValueError:
            raise geo.BadMapRequest(_("lat and lon must be numbers in degrees.")) from None
        if not (math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise geo.BadMapRequest(_("lat must be between -90 and 90, and lon between -180 and 180."))


def view_query(query):
    """The view parameters of ``query``, as a query string."""
    view = query.copy()
    for name in list(view):
        if name not in VIEW_PARAMETERS or not view[name]:
            del view[name]
    return view.urlencode()


def _joined(*queries):
    return "&".join(query for query in queries if query)


def share_addresses(request, filter_query):
    """The link to the list and the code of a frame for ``filter_query`` in the current
    language: what the share box shows before (and without) JavaScript, which then adds the
    map's view to both."""
    language = translation.get_language()
    list_base = request.build_absolute_uri(reverse("projects:list"))
    embed_base = request.build_absolute_uri(reverse("embed-map"))
    list_url = f"{list_base}?{filter_query}" if filter_query else list_base
    embed_url = f"{embed_base}?{_joined(filter_query, f'lang={language}')}"
    # Translators: the title of the map framed in another website, read by screen readers.
    title = _("Map of community-led housing projects, from the Social Production of Habitat platform")
    return {
        "language": language,
        "list_base": list_base,
        "embed_base": embed_base,
        "list_url": list_url,
        "embed_url": embed_url,
        "frame_title": title,
        "frame_height": FRAME_HEIGHT,
        "snippet": frame_code(embed_url, title),
    }


def frame_code(url, title):
    """The HTML another site pastes; static/js/share-map.js writes the same."""
    return format_html(
        '<iframe src="{}" width="100%" height="{}" title="{}" loading="lazy"></iframe>', url, FRAME_HEIGHT, title
    )


# The cached answer is made inside the two outer decorators, so a copy from the cache gets
# the same frame permissions as a fresh one (Cross-Origin-Resource-Policy is stored with it).
@xframe_options_exempt
@csp_override(FRAMEABLE_CSP)
@require_safe
@cached_for_visitors
def embed_map(request):
    """The project map alone, full-window, for other sites to frame. Takes the list's filters,
    a first view (``bbox`` or ``lat``, ``lon`` and ``zoom``) and ``lang``."""
    language = asked_language(request)
    with translation.override(language):
        response = _embed_page(request)
    response["Content-Language"] = language
    # Another site's page that requires CORP of what it embeds (COEP) may frame this one.
    # Cross-Origin-Opener-Policy applies to top-level windows only: it does not stop a frame.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _embed_page(request):
    filterset = ProjectFilter(request.GET, queryset=Project.objects.public(), request=request)
    problems = []
    if not filterset.is_valid():
        fields = filterset.form.fields
        problems = [
            # Translators: one invalid filter of an embedded map, e.g. "Country: Select a valid choice."
            _("%(filter)s: %(problem)s") % {"filter": fields[name].label, "problem": " ".join(errors)}
            if name in fields
            else " ".join(errors)
            for name, errors in filterset.form.errors.items()
        ]
    try:
        read_view(request.GET)
    except geo.BadMapRequest as error:
        problems.append(str(error))
    filter_query = filterset.filter_query()
    context = {
        "problems": problems,
        "filter_query": filter_query,
        "list_query": _joined(filter_query, view_query(request.GET)),
        "licence": opendata.licence(),
    }
    return render(request, "projects/embed_map.html", context, status=400 if problems else 200)
