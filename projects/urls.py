from django.urls import path

from projects import editing, exchanges, views
from projects.feeds import NewProjectsFeed

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("new/", editing.create_project, name="create"),
    # Not a slug (the dot): no project's address can take it.
    path("feed.atom", NewProjectsFeed(), name="feed"),
    # Tokens are URL-safe (secrets.token_urlsafe): anything else is no invitation, a 404.
    path("invitations/<slug:token>/", editing.accept_invitation, name="accept-invitation"),
    path("exchanges/<int:pk>/accept/", exchanges.accept, name="exchange-accept"),
    path("exchanges/<int:pk>/decline/", exchanges.decline, name="exchange-decline"),
    path("exchanges/<int:pk>/withdraw/", exchanges.withdraw, name="exchange-withdraw"),
    path("<slug:slug>/edit/", editing.edit_project, name="edit"),
    path("<slug:slug>/edit/start-change/", editing.start_change, name="start-change"),
    path("<slug:slug>/edit/submit/", editing.submit_project, name="submit"),
    path("<slug:slug>/edit/organisations/", editing.edit_organisations, name="edit-organisations"),
    path("<slug:slug>/edit/photos/", editing.edit_photos, name="edit-photos"),
    path("<slug:slug>/edit/documents/", editing.edit_documents, name="edit-documents"),
    path("<slug:slug>/edit/editors/", editing.edit_editors, name="edit-editors"),
    path("<slug:slug>/edit/<slug:section>/", editing.edit_section, name="edit-section"),
    path("<slug:slug>/confirm/<str:token>/", editing.answer_reminder, name="confirm"),
    path("<slug:slug>/contact/", views.project_contact, name="contact"),
    path("<slug:slug>/report/", views.project_report, name="report"),
    path("<slug:slug>/exchange/", exchanges.ask, name="exchange"),
    path("<slug:slug>/", views.project_detail, name="detail"),
]

# Data endpoints stay outside the language prefix: their URLs never change with the language.
data_urlpatterns = [
    path("map.json", views.map_json, name="map-json"),
    path("map-charts.json", views.map_charts, name="map-charts"),
    path("export.csv", views.export, {"format": "csv"}, name="export-csv"),
    path("export.geojson", views.export, {"format": "geojson"}, name="export-geojson"),
]
