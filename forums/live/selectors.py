"""Reads of live discussion: the event log for catch-up, room history, presence, transcripts."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from .limits import limit
from .models import Presence, Room, RoomMessage
from .streams import parse_stream_key

HISTORY_PAGE = 50


def stream_last_seq(key: str) -> int:
    kind, object_id = parse_stream_key(key)
    return kind.last_seq(object_id)


def events_after(key: str, after: int, limit_to: int) -> list[dict]:
    """Events of the stream with seq > after, oldest first, at most `limit_to` of them."""
    kind, object_id = parse_stream_key(key)
    return kind.events_after(object_id, after, limit_to)


def stream_position(key: str, after: int | None, limit_to: int) -> tuple[int, list[dict]]:
    """The stream's last seq, and for a client resuming after `after` the events since (at most
    `limit_to`): one query for a new follower, two for a resume."""
    current = stream_last_seq(key)
    if after is None or after >= current:
        return current, []
    return current, events_after(key, after, limit_to)


def room_history(room: Room, *, before: int | None = None) -> tuple[list[RoomMessage], int | None]:
    """A page of messages, newest page first, each page in reading order; and the id for the older page."""
    messages = RoomMessage.objects.filter(room=room).select_related("author").order_by("-pk")
    if before:
        messages = messages.filter(pk__lt=before)
    page = list(messages[: HISTORY_PAGE + 1])
    older = page[HISTORY_PAGE - 1].pk if len(page) > HISTORY_PAGE else None
    return list(reversed(page[:HISTORY_PAGE])), older


def room_for_event_ref(event_ref: str) -> Room | None:
    """The room events/ attached to an event ("event:42"), to link it from the event's page."""
    return Room.objects.filter(event_ref=event_ref).first() if event_ref else None


def rooms_of_community(community) -> list[Room]:
    return list(Room.objects.filter(community=community).order_by("closes_at", "-opens_at", "-pk"))


def _open(rooms):
    return (
        rooms.filter(Q(closes_at__isnull=True) | Q(closes_at__gt=timezone.now()))
        .select_related("community")
        .order_by("opens_at", "pk")
    )


def open_rooms_in(community):
    """Rooms open or about to open in one community, for whoever the caller decided may read it (the
    community home's section, shared by its readers: no reader in the query)."""
    return _open(Room.objects.filter(community=community))


def presence_summary(key: str, *, names: int = 30) -> dict:
    """How many sockets' people view the stream: distinct signed-in users plus anonymous visitors."""
    fresh = Presence.objects.filter(
        stream_key=key, seen_at__gte=timezone.now() - timedelta(seconds=limit("LIVE_PRESENCE_TTL"))
    )
    counts = fresh.aggregate(users=Count("user", distinct=True), anonymous=Count("pk", filter=Q(user=None)))
    people = (
        fresh.exclude(user=None)
        .values("user_id", "user__display_name", "user__first_name", "user__last_name", "user__email")
        .distinct()
        .order_by("user__display_name", "user_id")[:names]
    )
    listed = []
    for row in people:
        full = f"{row['user__first_name']} {row['user__last_name']}".strip()
        listed.append(row["user__display_name"] or full or row["user__email"].split("@", 1)[0])
    return {"count": counts["users"] + counts["anonymous"], "names": listed}


def room_transcript(room: Room):
    """Every message of the room in order, removed ones included (marked), for facilitators."""
    return RoomMessage.objects.filter(room=room).select_related("author").order_by("pk").iterator()
