"""What a live socket's following of streams reads and writes in the database (presence, positions,
the access checks at connect), what it asks for at connect, and how many sockets this process holds open."""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connections

from . import selectors, services
from .exceptions import StreamNotFound
from .limits import limit
from .permissions import stream_access


def socket_language(scope, user) -> str:
    """The language of the socket's frames: the user's own, else the page's (?lang=), else the site's."""
    known = {code for code, _ in settings.LANGUAGES}
    if user.is_authenticated and user.preferred_language in known:
        return user.preferred_language
    asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [""])[0]
    return asked if asked in known else settings.LANGUAGE_CODE


def initial_streams(scope) -> list[tuple[str, int | None]]:
    """?streams=room:4:17,thread:9 -> [("room:4", 17), ("thread:9", None)]; bad items raise StreamNotFound."""
    raw = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("streams", [""])[0]
    wanted = []
    for item in filter(None, raw.split(",")):
        parts = item.split(":")
        if len(parts) not in (2, 3) or (len(parts) == 3 and not parts[2].isdigit()):
            raise StreamNotFound()
        wanted.append((f"{parts[0]}:{parts[1]}", int(parts[2]) if len(parts) == 3 else None))
    return wanted


def start_following(
    *, key: str, channel_name: str, hub_id: str, user_id: int | None, after: int | None
) -> tuple[int, list[dict]]:
    """Records the socket's presence and reads where the stream stands, in one trip to the database
    thread: its last seq, and the events a resuming client missed (at most the catch-up limit + 1)."""
    services.presence_join(stream_key=key, channel_name=channel_name, hub_id=hub_id, user_id=user_id)
    return selectors.stream_position(key, after, limit("LIVE_CATCHUP_LIMIT") + 1)


def connect_streams(
    user, initial: list[tuple[str, int | None]], *, channel_name: str, hub_id: str, user_id: int | None
) -> list[tuple]:
    """The streams asked for at connect, in one trip to the database thread: the user's access to each
    (all checked before anything is written; raises StreamNotFound or StreamForbidden), then for each
    its presence and position (start_following): [(access, (last seq, missed events)), ...]."""
    accesses = [stream_access(user, key) for key, _ in initial]
    return [
        (
            access,
            start_following(key=key, channel_name=channel_name, hub_id=hub_id, user_id=user_id, after=after),
        )
        for access, (key, after) in zip(accesses, initial, strict=True)
    ]


class OpenSockets:
    """Live sockets open in this server process. When the last one closes, the process gives back its
    database connection (under ASGI every consumer's database work runs on one thread, which keeps a
    persistent connection while sockets are open: see deploy/README.md)."""

    count = 0


async def release_database_if_idle() -> None:
    if OpenSockets.count == 0:
        await database_sync_to_async(connections.close_all)()
