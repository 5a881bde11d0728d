"""Every write of live discussion: rooms, their messages and moderation, presence.

Each write that viewers must see appends a numbered event to the stream (in the same transaction) and
is broadcast after commit (see publish.py).
"""

import re
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from cop import permissions as cop_permissions

from .exceptions import (
    MessageInvalid,
    ModerationForbidden,
    PostingForbidden,
    RoomClosed,
    RoomWindowInvalid,
    SlowModeActive,
    StreamNotFound,
    UserMuted,
)
from .limits import limit
from .models import Presence, Room, RoomMessage, RoomMute
from .permissions import can_manage_rooms, is_muted
from .publish import stream_event_append, stream_get_or_create, stream_lock
from .rendering import in_every_language, render_message_body
from .streams import stream_kinds

# ROOMS ----


def _check_window(opens_at: datetime | None, closes_at: datetime | None) -> None:
    if opens_at and closes_at and closes_at <= opens_at:
        raise RoomWindowInvalid()


@transaction.atomic
def room_create(
    *,
    community,
    title: str,
    actor,
    description: str = "",
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    slow_mode_seconds: int = 0,
) -> Room:
    """Opens a discussion room in a community (facilitators only)."""
    if not can_manage_rooms(actor, community):
        raise ModerationForbidden()
    _check_window(opens_at, closes_at)
    room = Room.objects.create(
        community=community,
        title=title,
        description=description,
        opens_at=opens_at,
        closes_at=closes_at,
        slow_mode_seconds=slow_mode_seconds,
        created_by=actor,
    )
    stream_get_or_create(key=room.stream_key, community_id=community.pk)
    return room


@transaction.atomic
def room_for_event(
    *, community, title: str, opens_at: datetime | None, closes_at: datetime | None, event_ref: str
) -> Room:
    """The room of an event, made on first call and kept in step after (title and window): events/ calls
    this when an event with live discussion is created or changed, after checking its own permissions."""
    _check_window(opens_at, closes_at)
    room = Room.objects.select_for_update().filter(event_ref=event_ref).first()
    if room is None:
        room = Room.objects.create(
            community=community, title=title, opens_at=opens_at, closes_at=closes_at, event_ref=event_ref
        )
        stream_get_or_create(key=room.stream_key, community_id=community.pk)
        return room
    if room.title != title:
        room.title = title
        room.save(update_fields=["title"])
    if (room.opens_at, room.closes_at) != (opens_at, closes_at):
        room = room_sync_window(room_id=room.pk, opens_at=opens_at, closes_at=closes_at)
    return room


def _room_settings_event(room: Room) -> None:
    def build():
        html = render_to_string("forums/live/_room_status.html", {"room": room})
        return {
            "ops": [{"op": "fill", "target": "status", "html": html}],
            "room": {"open": room.is_open(), "slow_mode": room.slow_mode_seconds},
            "announce": gettext("The room settings changed."),
        }

    stream_event_append(
        key=room.stream_key,
        community_id=room.community_id,
        kind="room.settings",
        i18n=in_every_language(build),
    )


@transaction.atomic
def room_sync_window(*, room_id: int, opens_at: datetime | None, closes_at: datetime | None) -> Room:
    """Moves a room's opening window (e.g. when its event is rescheduled); viewers are told."""
    _check_window(opens_at, closes_at)
    room = Room.objects.select_related("community").get(pk=room_id)
    room.opens_at, room.closes_at = opens_at, closes_at
    room.save(update_fields=["opens_at", "closes_at"])
    _room_settings_event(room)
    return room


@transaction.atomic
def room_update_settings(
    *, room: Room, actor, slow_mode_seconds: int, opens_at: datetime | None, closes_at: datetime | None
) -> Room:
    """Slow mode (moderators) and the opening window (facilitators)."""
    community = room.community
    if not cop_permissions.can_moderate(actor, community):
        raise ModerationForbidden()
    window_changed = (opens_at, closes_at) != (room.opens_at, room.closes_at)
    if window_changed and not can_manage_rooms(actor, community):
        raise ModerationForbidden()
    _check_window(opens_at, closes_at)
    room.slow_mode_seconds = max(0, int(slow_mode_seconds))
    room.opens_at, room.closes_at = opens_at, closes_at
    room.save(update_fields=["slow_mode_seconds", "opens_at", "closes_at"])
    _room_settings_event(room)
    return room


# MESSAGES ----


def _message_ops(message: RoomMessage, op: str) -> dict:
    html = render_to_string("forums/live/_message.html", {"message": message})
    return {"op": op, "target": "messages", "id": f"room-msg-{message.pk}", "html": html}


# C0 control characters but tab and newline, and DEL: invisible, never meant (pasted along), and NUL is
# refused by PostgreSQL's text columns.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _message_text(body: str) -> str:
    """The text of a message as stored: line ends as newlines, control characters removed, trimmed."""
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARACTERS.sub("", body).strip()


@transaction.atomic
def room_message_post(*, room_id: int, author, body: str) -> RoomMessage:
    """Posts a message: members only, while the room is open, unless muted or too soon in slow mode.
    Control characters are removed; a message left empty is refused."""
    body = _message_text(body)
    if not body or len(body) > limit("LIVE_MAX_MESSAGE_CHARS"):
        raise MessageInvalid()
    room = Room.objects.select_related("community").filter(pk=room_id).first()
    if room is None:
        raise StreamNotFound()
    # The stream lock serialises writers of this room, so the slow-mode check below cannot race.
    stream = stream_lock(key=room.stream_key, community_id=room.community_id)
    community = room.community
    cop_permissions.forget_memberships(author)
    if not cop_permissions.can_post(author, community):
        raise PostingForbidden()
    now = timezone.now()
    if not room.is_open(now):
        raise RoomClosed()
    if is_muted(author, room, now):
        raise UserMuted()
    if room.slow_mode_seconds and not cop_permissions.can_moderate(author, community):
        last = (
            RoomMessage.objects.filter(room=room, author=author, deleted_at__isnull=True)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        wait = room.slow_mode_seconds - (now - last).total_seconds() if last else 0
        if wait > 0:
            raise SlowModeActive(retry_after=int(wait) + 1)
    message = RoomMessage.objects.create(
        room=room, author=author, body=body, body_html=render_message_body(body), created_at=now
    )

    def build():
        return {
            "ops": [_message_ops(message, "append")],
            "message": {"id": message.pk, "author_id": author.pk},
            "announce": gettext("%(name)s: %(text)s") % {"name": author.public_name, "text": body[:140]},
        }

    stream_event_append(
        key=room.stream_key,
        community_id=community.pk,
        kind="message.created",
        i18n=in_every_language(build),
        locked=stream,
    )
    return message


@transaction.atomic
def room_message_delete(*, message: RoomMessage, actor) -> RoomMessage:
    """Removes a message (moderators); its place stays, marked as removed."""
    room = Room.objects.select_for_update().select_related("community").get(pk=message.room_id)
    if not cop_permissions.can_moderate(actor, room.community):
        raise ModerationForbidden()
    if message.is_deleted:
        return message
    message.deleted_at, message.deleted_by = timezone.now(), actor
    message.save(update_fields=["deleted_at", "deleted_by"])
    was_pinned = room.pinned_message_id == message.pk
    if was_pinned:
        room.pinned_message = None
        room.save(update_fields=["pinned_message"])

    def build():
        ops = [_message_ops(message, "replace")]
        if was_pinned:
            ops.append({"op": "fill", "target": "pinned", "html": ""})
        return {"ops": ops, "message": {"id": message.pk}}

    stream_event_append(
        key=room.stream_key,
        community_id=room.community_id,
        kind="message.deleted",
        i18n=in_every_language(build),
    )
    return message


@transaction.atomic
def room_message_pin(*, room: Room, message: RoomMessage | None, actor) -> Room:
    """Pins a message at the top of the room, or unpins with message=None (moderators)."""
    if not cop_permissions.can_moderate(actor, room.community):
        raise ModerationForbidden()
    if message is not None and (message.room_id != room.pk or message.is_deleted):
        raise MessageInvalid()
    room.pinned_message = message
    room.save(update_fields=["pinned_message"])

    def build():
        html = render_to_string("forums/live/_pinned.html", {"room": room})
        data = {"ops": [{"op": "fill", "target": "pinned", "html": html}]}
        if message is not None:
            data["announce"] = gettext("A message was pinned.")
        return data

    stream_event_append(
        key=room.stream_key, community_id=room.community_id, kind="room.pinned", i18n=in_every_language(build)
    )
    return room


@transaction.atomic
def room_user_mute(*, room: Room, user, actor, minutes: int | None) -> RoomMute:
    """Stops a user writing in the room for `minutes` (None: until unmuted). Moderators only."""
    if not cop_permissions.can_moderate(actor, room.community):
        raise ModerationForbidden()
    if cop_permissions.can_moderate(user, room.community):
        raise ModerationForbidden(gettext("Moderators cannot be muted."))
    until = timezone.now() + timedelta(minutes=minutes) if minutes else None
    mute, _created = RoomMute.objects.update_or_create(
        room=room, user=user, defaults={"until": until, "muted_by": actor}
    )
    return mute


@transaction.atomic
def room_user_unmute(*, room: Room, user, actor) -> None:
    if not cop_permissions.can_moderate(actor, room.community):
        raise ModerationForbidden()
    RoomMute.objects.filter(room=room, user=user).delete()


# PRESENCE ----


def logs_prune(*, now: datetime | None = None) -> int:
    """Deletes the live event logs older than LIVE_LOG_DAYS; returns how many events went."""
    before = (now or timezone.now()) - timedelta(days=limit("LIVE_LOG_DAYS"))
    return sum(kind.prune(before) for kind in stream_kinds())


def presence_join(*, stream_key: str, channel_name: str, hub_id: str, user_id: int | None) -> None:
    """Records one socket following one stream: one INSERT, outside any transaction (a round trip
    each for BEGIN and COMMIT would double its cost on every connect); a row already there is refreshed."""
    fields = {"hub_id": hub_id, "user_id": user_id, "seen_at": timezone.now()}
    try:
        Presence.objects.create(stream_key=stream_key, channel_name=channel_name, **fields)
    except IntegrityError:  # the same socket following the same stream again
        Presence.objects.filter(stream_key=stream_key, channel_name=channel_name).update(**fields)


def presence_leave(*, stream_key: str, channel_name: str) -> None:
    Presence.objects.filter(stream_key=stream_key, channel_name=channel_name).delete()


def presence_touch(*, hub_id: str) -> None:
    """Keeps a live process's presence rows fresh; those of a stopped process expire by themselves."""
    now = timezone.now()
    Presence.objects.filter(hub_id=hub_id).update(seen_at=now)
    Presence.objects.filter(seen_at__lt=now - timedelta(seconds=limit("LIVE_PRESENCE_TTL") * 10)).delete()
