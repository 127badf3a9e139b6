from django.urls import path

from awards import views

app_name = "awards"

# /<lang>/awards/...
urlpatterns = [
    path("", views.award_list, name="list"),
    path("<slug:slug>/", views.award_detail, name="award"),
    path("<slug:slug>/<int:year>/", views.edition_detail, name="edition"),
]
