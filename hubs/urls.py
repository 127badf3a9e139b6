from django.urls import path  # noqa: F401 (the hubs developer fills these lists)

app_name = "hubs"

# Pages, under the language prefix: /<lang>/hubs/..., /<lang>/meetings/...
urlpatterns = []

# Calendar feeds, outside the language prefix: /meetings/calendar.ics, /meetings/<slug>.ics
data_urlpatterns = []
