"""Writes for events, one module per domain noun: events (publishing and series), registration,
waiting_list (seat offers), reminders, followup (the webinar pipeline), rooms (live discussion),
feeds (feed invalidation and calendar tokens), imported_feeds (partner subscriptions), exceptions.
E-mails are Celery tasks queued by name after commit (cop.commit), so tasks import services, never the
reverse."""

from events.services.events import (
    ExpectedOccurrence,
    event_after_publish,
    event_cancel,
    event_create,
    event_sync,
    event_update,
    events_index,
    expected_occurrences,
    importing,
    series_extend,
    unique_slug,
)
from events.services.exceptions import (
    AlreadyRegistered,
    EventAlreadyStarted,
    EventCancelled,
    EventError,
    EventNotFinished,
    NotRegistered,
    OfferExpired,
    RegistrationClosed,
    RegistrationNotAllowed,
)
from events.services.feeds import (
    calendar_token_revoke,
    calendar_token_rotate,
    community_events_refresh,
    event_feeds_forget,
    event_feeds_refresh,
    invalidate,
    personal_feeds,
)
from events.services.followup import event_followup_publish
from events.services.imported_feeds import feed_run_soon, feed_subscribe, feed_unsubscribe, feed_update
from events.services.registration import (
    attendance_mark,
    decide_status,
    event_register,
    registration_cancel,
    registrations_end_for_lost_access,
)
from events.services.reminders import reminders_send_due
from events.services.rooms import ROOM_CLOSES_AFTER, ROOM_OPENS_BEFORE, event_room_sync
from events.services.waiting_list import (
    fill_free_seats,
    lock_occurrence,
    offer_accept,
    offer_release,
    offers_expire,
    seats_taken,
)

__all__ = [
    "EventError",
    "RegistrationNotAllowed",
    "RegistrationClosed",
    "EventCancelled",
    "EventAlreadyStarted",
    "AlreadyRegistered",
    "NotRegistered",
    "OfferExpired",
    "EventNotFinished",
    "invalidate",
    "personal_feeds",
    "event_feeds_refresh",
    "event_feeds_forget",
    "community_events_refresh",
    "calendar_token_rotate",
    "calendar_token_revoke",
    "ROOM_OPENS_BEFORE",
    "ROOM_CLOSES_AFTER",
    "event_room_sync",
    "lock_occurrence",
    "seats_taken",
    "fill_free_seats",
    "offer_accept",
    "offer_release",
    "offers_expire",
    "decide_status",
    "event_register",
    "registration_cancel",
    "registrations_end_for_lost_access",
    "attendance_mark",
    "reminders_send_due",
    "importing",
    "ExpectedOccurrence",
    "expected_occurrences",
    "event_sync",
    "event_after_publish",
    "events_index",
    "unique_slug",
    "event_create",
    "event_update",
    "event_cancel",
    "series_extend",
    "event_followup_publish",
    "feed_subscribe",
    "feed_run_soon",
    "feed_update",
    "feed_unsubscribe",
]
