"""Events with a live discussion keep a room of forums.live open around their next session."""

import datetime as dt

from django.urls import reverse

from events import services
from forums.live.selectors import room_for_event_ref


def test_room_follows_the_event(client, make_event):
    event = make_event(live_discussion=True, start_date=dt.date(2030, 5, 6), end_date=dt.date(2030, 5, 6))
    room = room_for_event_ref(f"event:{event.pk}")
    start = event.occurrences.get().start_utc
    assert room.community_id == event.community_id and room.title == event.title
    assert room.opens_at == start - dt.timedelta(minutes=15)
    assert room.closes_at == start + dt.timedelta(minutes=90 + 30)
    assert reverse("live:room_detail", args=[room.pk]) in client.get(event.url).content.decode()
    # Moved: the room moves with it. Cancelled: the room closes.
    event = event.get_latest_revision_as_object()
    event.start_date = event.end_date = dt.date(2030, 5, 7)
    event = services.event_update(page=event)
    room.refresh_from_db()
    assert room.opens_at == start + dt.timedelta(days=1) - dt.timedelta(minutes=15)
    services.event_cancel(event=event, reason="Postponed to next year")
    room.refresh_from_db()
    assert room.closes_at <= dt.datetime.now(dt.UTC)


def test_series_room_moves_on_to_the_next_session(make_event):
    event = make_event(
        live_discussion=True,
        start_date=dt.date(2030, 1, 7),
        end_date=dt.date(2030, 1, 7),
        recurrence_rule="FREQ=WEEKLY;COUNT=3",
    )
    first, second, _third = event.occurrences.order_by("start_utc")
    room = room_for_event_ref(f"event:{event.pk}")
    assert room.opens_at == first.start_utc - dt.timedelta(minutes=15)
    services.series_extend(now=first.end_utc + dt.timedelta(hours=2))
    room.refresh_from_db()
    assert room.opens_at == second.start_utc - dt.timedelta(minutes=15)


def test_no_room_without_the_option(make_event):
    event = make_event()
    assert room_for_event_ref(f"event:{event.pk}") is None
