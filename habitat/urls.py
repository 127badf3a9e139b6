from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from awards.sitemaps import AwardSitemap, EditionSitemap
from habitat import views
from habitat.api import build_api
from habitat.sitemaps import OrganisationSitemap, PageSitemap, StaticPagesSitemap
from hubs import urls as hub_urls
from hubs.sitemaps import HubSitemap, MeetingSitemap
from policies.sitemaps import PolicySitemap
from projects import editing as project_editing
from projects import embed as project_embed
from projects import urls as project_urls
from projects import views as project_views
from projects.sitemaps import ProgrammeSitemap, ProjectSitemap

# Django's default says no charset; the XML declaration's UTF-8, said in the header too.
SITEMAP_CONTENT_TYPE = "application/xml; charset=utf-8"
sitemaps = {
    "site": StaticPagesSitemap,
    "projects": ProjectSitemap,
    "organisations": OrganisationSitemap,
    "hubs": HubSitemap,
    "meetings": MeetingSitemap,
    "awards": AwardSitemap,
    "award-years": EditionSitemap,
    "programmes": ProgrammeSitemap,
    "policies": PolicySitemap,
    "about": PageSitemap,
}

# The admin's own log-in form checks the password alone, which would let staff past their
# second factor: allauth's wrapper sends everyone to the site's log-in page instead.
admin.site.login = secure_admin_login(admin.site.login)

api = build_api()

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("projects/", include((project_urls.data_urlpatterns, "projects_data"))),
    # Framed by other sites, in any language (lang=): outside the prefix, like the map's data.
    path("embed/map/", project_embed.embed_map, name="embed-map"),
    path("meetings/", include((hub_urls.data_urlpatterns, "hubs_data"))),
    path(
        "sitemap.xml", sitemap, {"sitemaps": sitemaps, "content_type": "application/xml; charset=utf-8"}, name="sitemap"
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("health/", views.health, name="health"),
    path("csp-report/", views.csp_report, name="csp-report"),
    path("map/streets.pmtiles", views.street_tiles, name="street-tiles"),
]

urlpatterns += i18n_patterns(
    path("", project_views.home, name="home"),
    path("projects/", include("projects.urls")),
    path("my/", project_editing.my_projects, name="my-projects"),
    path("organisations/", project_views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/<slug:slug>/", project_views.organisation_detail, name="organisation-detail"),
    path("", include("hubs.urls")),
    path("awards/", include("awards.urls")),
    path("programmes/", include("projects.programme_urls")),
    path("policies/", include("policies.urls")),
    path("subscriptions/", include("subscriptions.urls")),
    path("stats/", project_views.statistics, name="stats"),
    # Towns by name, for the location step of a project (habitat.places).
    path("places/", views.find_places, name="places"),
    path("open-data/", project_views.open_data, name="open-data"),
    path("about/<slug:slug>/", views.page_detail, name="page"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/data/", views.personal_data_download, name="personal-data"),
    path("accounts/delete/", views.delete_account, name="account-delete"),
    path("accounts/", include("allauth.urls")),
)

# Uploads are served by Django (documents as attachments, every file with nosniff and a
# sandboxing policy); a production web server may serve /media/ itself with the same headers.
urlpatterns += [path("media/<path:path>", views.media, name="media")]

handler400 = "habitat.views.bad_request"
handler404 = "habitat.views.page_not_found"
handler500 = "habitat.views.server_error"
