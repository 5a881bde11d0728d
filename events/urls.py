from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("my/", views.my_events, name="my_events"),
    path("my/calendar-token/", views.calendar_token, name="calendar_token"),
    path("feed/site.ics", views.feed_site, name="feed_site"),
    path("feed/community/<slug:slug>.ics", views.feed_community, name="feed_community"),
    path("feed/type/<slug:event_type>.ics", views.feed_type, name="feed_type"),
    path("feed/tag/<slug:tag>.ics", views.feed_tag, name="feed_tag"),
    path("feed/personal/<str:token>.ics", views.feed_personal, name="feed_personal"),
    path("ics/<int:pk>.ics", views.event_ics, name="event_ics"),
    path("occurrence/<int:pk>/register/", views.register, name="register"),
    path("registration/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("registration/<int:pk>/accept/", views.registration_accept, name="registration_accept"),
    path("offer/<str:token>/", views.offer, name="offer"),
    path("new/", views.event_new, name="event_new"),
    path("manage/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("manage/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("manage/<int:pk>/follow-up/", views.event_followup, name="event_followup"),
    path("manage/occurrence/<int:pk>/attendees/", views.attendees, name="attendees"),
    path("imports/community/<int:community_id>/", views.imports, name="imports"),
    path("imports/feed/<int:pk>/", views.import_feed, name="import_feed"),
]
