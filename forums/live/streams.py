"""Stream keys ("room:12", "thread:40"), the kinds of stream and the one helper that names groups.

A stream kind registers a resolver: given the object id it returns a StreamTarget with the community
whose permissions apply (and, optionally, a further check for that object, e.g. a hidden thread).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from .exceptions import StreamNotFound

_KEY = re.compile(r"^([a-z]{2,16}):([1-9][0-9]{0,17})$")


@dataclass(frozen=True)
class StreamTarget:
    key: str
    community: object
    obj: object = None
    # An extra rule for this object on top of the community's (e.g. a hidden thread): (user) -> bool.
    can_view_object: Callable | None = None


_RESOLVERS: dict[str, Callable[[int], StreamTarget]] = {}


def register_stream_kind(kind: str, resolver: Callable[[int], StreamTarget]) -> None:
    _RESOLVERS[kind] = resolver


def parse_stream_key(key) -> tuple[str, int]:
    match = _KEY.match(key) if isinstance(key, str) else None
    if not match or match.group(1) not in _RESOLVERS:
        raise StreamNotFound()
    return match.group(1), int(match.group(2))


def resolve_stream(key: str) -> StreamTarget:
    kind, object_id = parse_stream_key(key)
    return _RESOLVERS[kind](object_id)


def stream_group(key: str) -> str:
    """The channel-layer group of a stream: one per stream, joined once per server process."""
    return "live." + key.replace(":", ".")


def user_group(user_id: int) -> str:
    """Every socket of one user, to tell them at once that their access changed."""
    return f"live.user.{user_id}"


def _room_target(room_id: int) -> StreamTarget:
    from .models import Room

    room = Room.objects.select_related("community").filter(pk=room_id).first()
    if room is None or not room.community.live:
        raise StreamNotFound()
    return StreamTarget(key=room.stream_key, community=room.community, obj=room)


register_stream_kind("room", _room_target)
