from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("<slug:slug>/", views.project_detail, name="detail"),
]

# Data endpoints stay outside the language prefix: their URLs never change with the language.
data_urlpatterns = [
    path("map.json", views.map_json, name="map-json"),
]
