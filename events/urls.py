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
    path("feed/tag/<uslug:tag>.ics", views.feed_tag, name="feed_tag"),
    path("feed/personal/<text:token>.ics", views.feed_personal, name="feed_personal"),
    path("ics/<id:pk>.ics", views.event_ics, name="event_ics"),
    path("occurrence/<id:pk>/register/", views.register, name="register"),
    path("registration/<id:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("registration/<id:pk>/accept/", views.registration_accept, name="registration_accept"),
    path("offer/<text:token>/", views.offer, name="offer"),
    path("new/", views.event_new, name="event_new"),
    path("manage/<id:pk>/edit/", views.event_edit, name="event_edit"),
    path("manage/<id:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("manage/<id:pk>/follow-up/", views.event_followup, name="event_followup"),
    path("manage/occurrence/<id:pk>/attendees/", views.attendees, name="attendees"),
    path("imports/community/<id:community_id>/", views.imports, name="imports"),
    path("imports/feed/<id:pk>/", views.import_feed, name="import_feed"),
]
