"""The live discussion room (forums.live) that goes with an event."""

from datetime import datetime, timedelta

from django.utils import timezone

from events.models import EventPage
from forums.live import selectors as live_selectors
from forums.live import services as live_services

ROOM_OPENS_BEFORE = timedelta(minutes=15)
ROOM_CLOSES_AFTER = timedelta(minutes=30)


def event_room_sync(*, event: EventPage, now: datetime | None = None) -> None:
    """Keeps the event's live discussion room (forums.live) open around its next session: made on first
    need, moved when the event moves or the series goes on, closed when the event is cancelled."""

    now = now or timezone.now()
    event_ref = f"event:{event.pk}"
    if not event.live_discussion or event.community_id is None:
        return
    room = live_selectors.room_for_event_ref(event_ref)
    if event.cancelled or not event.live:
        if room is not None and (room.closes_at is None or room.closes_at > now):
            live_services.room_sync_window(room_id=room.pk, opens_at=None, closes_at=now)
        return
    sessions = event.occurrences.filter(is_cancelled=False, is_detached=False).order_by("start_utc")
    session = sessions.filter(end_utc__gt=now).first() or sessions.last()
    if session is None:
        return
    live_services.room_for_event(
        community=event.community,
        title=event.title[:150],
        opens_at=session.start_utc - ROOM_OPENS_BEFORE,
        closes_at=session.end_utc + ROOM_CLOSES_AFTER,
        event_ref=event_ref,
    )
