from django.urls import path

from hubs import views

app_name = "hubs"

# Pages, under the language prefix: /<lang>/hubs/..., /<lang>/meetings/...
urlpatterns = [
    path("hubs/", views.hub_list, name="list"),
    path("hubs/<slug:slug>/", views.hub_detail, name="detail"),
    # Before the meetings' pages: "calendar" is not a meeting's slug.
    path("meetings/calendar/", views.meeting_calendar, name="calendar"),
    path("meetings/<slug:slug>/", views.meeting_detail, name="meeting"),
    path("conference/", views.conference, name="conference"),
    path("conference/<int:year>/", views.conference_year, name="conference-year"),
]

# Calendar feeds, outside the language prefix: /meetings/calendar.ics, /meetings/<slug>.ics
data_urlpatterns = [
    path("calendar.ics", views.calendar_ics, name="calendar"),
    path("<slug:slug>.ics", views.meeting_ics, name="meeting-ics"),
]
