from django.urls import path

from events.views import feeds, imports, organiser, personal, registration

app_name = "events"
# The calendar's own address, events:calendar, is its page's (events.models.EventIndexPage, served from
# the page tree like every page): config.urls names it beside these.
CALENDAR_PATH = "events/"
urlpatterns = [
    path("my/", personal.my_events, name="my_events"),
    path("my/calendar-token/", personal.calendar_token, name="calendar_token"),
    path("feed/site.ics", feeds.feed_site, name="feed_site"),
    path("feed/community/<slug:slug>.ics", feeds.feed_community, name="feed_community"),
    path("feed/type/<slug:event_type>.ics", feeds.feed_type, name="feed_type"),
    path("feed/tag/<uslug:tag>.ics", feeds.feed_tag, name="feed_tag"),
    path("feed/personal/<text:token>.ics", feeds.feed_personal, name="feed_personal"),
    path("ics/<id:pk>.ics", feeds.event_ics, name="event_ics"),
    path("occurrence/<id:pk>/register/", registration.register, name="register"),
    path("registration/<id:pk>/cancel/", registration.registration_cancel, name="registration_cancel"),
    path("registration/<id:pk>/accept/", registration.registration_accept, name="registration_accept"),
    path("offer/<text:token>/", registration.offer, name="offer"),
    path("new/", organiser.event_new, name="event_new"),
    path("manage/<id:pk>/edit/", organiser.event_edit, name="event_edit"),
    path("manage/<id:pk>/cancel/", organiser.event_cancel, name="event_cancel"),
    path("manage/<id:pk>/follow-up/", organiser.event_followup, name="event_followup"),
    path("manage/occurrence/<id:pk>/attendees/", organiser.attendees, name="attendees"),
    path("imports/community/<id:community_id>/", imports.imports, name="imports"),
    path("imports/feed/<id:pk>/", imports.import_feed, name="import_feed"),
]
