from django.urls import path

from policies import views

app_name = "policies"

# /<lang>/policies/...
urlpatterns = [
    path("", views.policy_list, name="list"),
    path("<slug:slug>/", views.policy_detail, name="detail"),
]
