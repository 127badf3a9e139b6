from django.urls import path  # noqa: F401 (the awards developer fills this list)

app_name = "awards"

# /<lang>/awards/...
urlpatterns = []
