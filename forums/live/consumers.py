"""The live socket: one per page, following one or more streams (rooms, threads).

Protocol (JSON text frames). Client -> server: subscribe {stream, after?}, unsubscribe {stream},
post {stream, body, ref?}, typing {stream}, ping. Server -> client: subscribed, event {stream, seq, kind,
data}, reset, presence, typing, ack, access, revoked, error {code, message}, pong. Streams may also be
given at connect: /ws/live/?streams=room:4:17,thread:9 (key, then the last seq seen, if any).
"""

import asyncio
import json
import logging
import time
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import connections
from django.utils import translation
from django.utils.translation import gettext

from cop.edge import refusal_frame
from cop.errors import DomainError

from . import selectors, services
from .exceptions import StreamForbidden, StreamNotFound
from .hub import event_frame, hub_for
from .limits import limit
from .permissions import stream_access
from .rendering import pick_language
from .streams import parse_stream_key, stream_group, user_group

logger = logging.getLogger(__name__)

CLOSE_SIGNED_OUT = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_SLOW = 4408


class RateLimiter:
    """A token bucket: `count` frames per `seconds`, refilled continuously."""

    # Tests replace it with a frozen clock (tests.clock.FrozenClock) instead of sleeping.
    clock = staticmethod(time.monotonic)

    def __init__(self, count: int, seconds: float):
        self.capacity, self.rate = float(count), count / seconds
        self.tokens, self.stamp = float(count), self.clock()

    def allow(self) -> bool:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def retry_after(self) -> float:
        return max(0.1, round(max(0.0, 1 - self.tokens) / self.rate, 1))


def _language(scope, user) -> str:
    known = {code for code, _ in settings.LANGUAGES}
    if user.is_authenticated and user.preferred_language in known:
        return user.preferred_language
    asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [""])[0]
    return asked if asked in known else settings.LANGUAGE_CODE


def _initial_streams(scope) -> list[tuple[str, int | None]]:
    """?streams=room:4:17,thread:9 -> [("room:4", 17), ("thread:9", None)]; bad items raise StreamNotFound."""
    raw = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("streams", [""])[0]
    wanted = []
    for item in filter(None, raw.split(",")):
        parts = item.split(":")
        if len(parts) not in (2, 3) or (len(parts) == 3 and not parts[2].isdigit()):
            raise StreamNotFound()
        wanted.append((f"{parts[0]}:{parts[1]}", int(parts[2]) if len(parts) == 3 else None))
    return wanted


def _start_following(
    *, key: str, channel_name: str, hub_id: str, user_id: int | None, after: int | None
) -> tuple[int, list[dict]]:
    """Records the socket's presence and reads where the stream stands, in one trip to the database
    thread: its last seq, and the events a resuming client missed (at most the catch-up limit + 1)."""
    services.presence_join(stream_key=key, channel_name=channel_name, hub_id=hub_id, user_id=user_id)
    return selectors.stream_position(key, after, limit("LIVE_CATCHUP_LIMIT") + 1)


def _connect_streams(
    user, initial: list[tuple[str, int | None]], *, channel_name: str, hub_id: str, user_id: int | None
) -> list[tuple]:
    """The streams asked for at connect, in one trip to the database thread: the user's access to each
    (all checked before anything is written; raises StreamNotFound or StreamForbidden), then for each
    its presence and position (_start_following): [(access, (last seq, missed events)), ...]."""
    accesses = [stream_access(user, key) for key, _ in initial]
    return [
        (
            access,
            _start_following(key=key, channel_name=channel_name, hub_id=hub_id, user_id=user_id, after=after),
        )
        for access, (key, after) in zip(accesses, initial, strict=True)
    ]


class _OpenSockets:
    """Live sockets open in this server process. When the last one closes, the process gives back its
    database connection (under ASGI every consumer's database work runs on one thread, which keeps a
    persistent connection while sockets are open: see deploy/README.md)."""

    count = 0


async def _release_database_if_idle() -> None:
    if _OpenSockets.count == 0:
        await database_sync_to_async(connections.close_all)()


class LiveConsumer(AsyncWebsocketConsumer):
    """Also the viewer that fragments are rendered for (hub.Hub.render): .user, .user_id, .language and
    each stream's audience (its kind of viewer)."""

    async def dispatch(self, message):
        """As channels' own, without its trip to the database thread before every message (connect,
        each frame) to close old connections: this consumer reaches the database only through
        database_sync_to_async, which closes them around each call already."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # CONNECTION ----

    async def connect(self):
        self.user = self.scope["user"]
        self.user_id = self.user.pk if self.user.is_authenticated else None
        self.session_key = getattr(self.scope.get("session"), "session_key", None)
        self.language = _language(self.scope, self.user)
        self.streams: dict[str, dict] = {}
        self.outbox: asyncio.Queue = asyncio.Queue()
        self.rate = RateLimiter(limit("LIVE_RATE_COUNT"), limit("LIVE_RATE_SECONDS"))
        self.typing_sent: dict[str, float] = {}
        self.hub = hub_for(self.channel_layer)
        self.writer = None
        try:
            wanted: dict[str, int | None] = {}  # a stream asked for twice is followed once
            for key, after in _initial_streams(self.scope)[: limit("LIVE_MAX_STREAMS")]:
                # An unknown kind or a malformed key is refused before the hub hears of it.
                parse_stream_key(key)
                wanted.setdefault(key, after)
            started = await self._connect_streams(list(wanted.items())) if wanted else []
        except (StreamNotFound, StreamForbidden):
            await self.close(code=CLOSE_FORBIDDEN)  # before accept: the handshake is refused (HTTP 403)
            await _release_database_if_idle()
            return
        for access in started:
            self._allow(self.streams[access.key], access)
        await self.accept()
        _OpenSockets.count += 1
        self.counted = True
        self.writer = asyncio.create_task(self._write_loop())
        if self.user_id:
            await self.channel_layer.group_add(user_group(self.user_id), self.channel_name)

    async def _connect_streams(self, initial: list[tuple[str, int | None]]) -> list:
        """Follows the streams asked for at connect with one trip to the database thread (the permission
        checks, the presence rows and the positions: _connect_streams above). As in _follow, each stream is
        registered with the hub before its position is read, so nothing published in between is lost: the
        writer's start items are queued now, ahead of any event, and wait for the trip's answer."""
        positions = {}
        loop = asyncio.get_running_loop()
        try:
            for key, after in initial:
                self.streams[key] = {
                    "last": None,
                    "community_id": None,
                    "can_post": False,
                    "can_moderate": False,
                    "audience": "",
                }
                await self.hub.subscribe(key, self)
                positions[key] = loop.create_future()
                self._enqueue(("start", key, after, positions[key]))
            started = await database_sync_to_async(_connect_streams)(
                self.user, initial, channel_name=self.channel_name, hub_id=self.hub.id, user_id=self.user_id
            )
        except BaseException:
            # Refused or failed: nothing was written (the checks come first); the hub forgets this socket.
            for key in list(self.streams):
                self.streams.pop(key)
                await self.hub.unsubscribe(key, self)
            self.outbox = asyncio.Queue()
            raise
        for access, position in started:
            positions[access.key].set_result(position)
        return [access for access, _ in started]

    async def disconnect(self, code):
        for key in list(self.streams):
            await self._unfollow(key)
        if getattr(self, "user_id", None):
            await self.channel_layer.group_discard(user_group(self.user_id), self.channel_name)
        if getattr(self, "writer", None) is not None:
            self.writer.cancel()
        if getattr(self, "counted", False):
            self.counted = False
            _OpenSockets.count -= 1
            await _release_database_if_idle()

    # INCOMING FRAMES ----

    async def receive(self, text_data=None, bytes_data=None):
        with translation.override(self.language):
            await self._receive(text_data)

    async def _receive(self, text_data):
        if text_data is None:
            return await self._error("malformed", gettext("Send JSON text frames."))
        if len(text_data) > limit("LIVE_MAX_FRAME_CHARS"):
            return await self._error("too_large", gettext("This message is too long."))
        if not self.rate.allow():
            return await self._error(
                "rate_limited",
                gettext("You are sending too fast; wait a moment."),
                retry_after=self.rate.retry_after(),
            )
        try:
            frame = json.loads(text_data)
        except ValueError:
            return await self._error("malformed", gettext("This frame is not valid JSON."))
        kind = frame.get("type") if isinstance(frame, dict) else None
        handler = self._handlers.get(kind) if isinstance(kind, str) else None
        if handler is None:
            return await self._error("unknown_type", gettext("Unknown frame type."))
        if not isinstance(frame.get("stream", ""), str):  # an object or a list would be a dict key
            return await self._error(
                "malformed", gettext("'stream' must be the name of a discussion, such as room:12.")
            )
        try:
            await handler(self, frame)
        except DomainError as error:  # a refusal (LiveError, or any service's): one frame, by cop.edge
            ref = frame.get("ref") if isinstance(frame.get("ref"), str) else None
            await self._send_now(refusal_frame(error, stream=frame.get("stream"), ref=ref))
        except Exception:
            # A bug or a database hiccup answers this frame with an error; the socket stays up.
            logger.exception("live socket: %s frame failed", kind)
            await self._error("server_error", gettext("Something went wrong; please try again."))

    async def on_subscribe(self, frame):
        key, after = frame.get("stream"), frame.get("after")
        if after is not None and (not isinstance(after, int) or isinstance(after, bool) or after < 0):
            return await self._error("malformed", gettext("'after' must be a sequence number."), stream=key)
        if key in self.streams:  # a resume: send what came after `after`
            self._enqueue(("sync", key, after))
            return
        if len(self.streams) >= limit("LIVE_MAX_STREAMS"):
            return await self._error("too_many_streams", gettext("Too many discussions at once."), stream=key)
        await self._follow(await self._access(key), after)

    async def on_unsubscribe(self, frame):
        if frame.get("stream") in self.streams:
            await self._unfollow(frame["stream"])

    async def on_post(self, frame):
        key, body, ref = frame.get("stream"), frame.get("body"), frame.get("ref")
        state = self.streams.get(key)
        if state is None:
            return await self._error("not_subscribed", gettext("Open this discussion first."), stream=key)
        kind, object_id = parse_stream_key(key)
        if kind.name != "room" or not isinstance(body, str):
            return await self._error("unsupported", gettext("Use the reply form on the page."), stream=key)
        if not self.user_id:
            return await self._error("forbidden", gettext("Log in to write here."), stream=key)
        message = await database_sync_to_async(services.room_message_post)(
            room_id=object_id, author=self.user, body=body
        )
        await self._send_now(
            {"type": "ack", "stream": key, "ref": ref if isinstance(ref, str) else None, "id": message.pk}
        )

    async def on_typing(self, frame):
        key = frame.get("stream")
        state = self.streams.get(key)
        if state is None or not state["can_post"]:
            return
        now = time.monotonic()
        if now - self.typing_sent.get(key, 0) < limit("LIVE_TYPING_INTERVAL"):
            return
        self.typing_sent[key] = now
        await self.channel_layer.group_send(
            stream_group(key),
            {"type": "live.typing", "stream": key, "user_id": self.user_id, "name": self.user.public_name},
        )

    async def on_ping(self, frame):
        await self._send_now({"type": "pong"})

    _handlers = {
        "subscribe": on_subscribe,
        "unsubscribe": on_unsubscribe,
        "post": on_post,
        "typing": on_typing,
        "ping": on_ping,
    }

    # GROUP MESSAGES ----

    async def membership_revoked(self, event):
        """The user's membership changed somewhere: check again each stream of that community."""
        revoked = False
        for key, state in list(self.streams.items()):
            if state["community_id"] != event["community_id"]:
                continue
            try:
                access = await self._access(key)
            except (StreamForbidden, StreamNotFound):
                await self._unfollow(key)
                self._enqueue(("frame", json.dumps({"type": "revoked", "stream": key})))
                revoked = True
                continue
            self._allow(state, access)
            self._enqueue(
                ("frame", json.dumps({"type": "access", "stream": key, "can_post": access.can_post}))
            )
        if revoked and not self.streams:
            self._enqueue(("close", CLOSE_FORBIDDEN))

    async def session_ended(self, event):
        """The user logged out, changed their password or was deactivated: a socket of an ended or
        changed session closes (its page offers to reload, which asks the server again who it is)."""
        if event.get("session_key") is not None and event["session_key"] != self.session_key:
            return
        self._enqueue(("close", CLOSE_SIGNED_OUT))

    # CALLED BY THE HUB ----

    def push_event(self, key: str, seq: int, frame: str | None, event: dict | None) -> None:
        """A stream event: its frame when rendered in advance, else the event to render for this viewer."""
        self._enqueue(("event", key, seq, frame, event))

    def push_frame(self, frame: str) -> None:
        self._enqueue(("frame", frame))

    # INTERNALS ----

    async def _access(self, key):
        return await database_sync_to_async(stream_access)(self.user, key)

    async def _follow(self, access, after: int | None) -> None:
        key = access.key
        self.streams[key] = self._allow({"last": None}, access)
        # Registered before reading the log, so nothing published in between is lost; the writer
        # drops what the log already gave.
        await self.hub.subscribe(key, self)
        self._enqueue(("start", key, after, None))

    @staticmethod
    def _allow(state: dict, access) -> dict:
        """Records on a stream's state what the viewer may do there, and their kind of viewer."""
        state.update(
            community_id=access.community_id,
            can_post=access.can_post,
            can_moderate=access.can_moderate,
            audience=access.audience,
        )
        return state

    async def _unfollow(self, key: str) -> None:
        self.streams.pop(key, None)
        await self.hub.unsubscribe(key, self)
        await database_sync_to_async(services.presence_leave)(stream_key=key, channel_name=self.channel_name)
        await self.hub.presence_changed(key)

    def _enqueue(self, item) -> None:
        if self.outbox.qsize() >= limit("LIVE_OUTBOX_LIMIT"):
            # A socket too slow to keep up is closed; its client reconnects and catches up from the log.
            self.outbox = asyncio.Queue()
            self.outbox.put_nowait(("close", CLOSE_TOO_SLOW))
            return
        self.outbox.put_nowait(item)

    async def _send_now(self, payload: dict) -> None:
        self._enqueue(("frame", json.dumps(payload, ensure_ascii=False)))

    async def _error(self, code: str, message: str, **details) -> None:
        await self._send_now({"type": "error", "code": code, "message": message, **details})

    async def _write_loop(self) -> None:
        """The only place that writes to the socket, so stream events leave in seq order, once each."""
        try:
            while await self._write_next():
                pass
        except asyncio.CancelledError:
            raise
        except Exception:
            # The client reconnects and catches up from the log; better than a socket that went quiet.
            logger.exception("live socket: writer failed")
            await self.close(code=1011)

    async def _write_next(self) -> bool:
        item = await self.outbox.get()
        kind = item[0]
        if kind == "frame":
            await self.send(text_data=item[1])
        elif kind == "event":
            _, key, seq, frame, event = item
            state = self.streams.get(key)
            if state is None or state["last"] is None or seq <= state["last"]:
                return True
            if seq > state["last"] + 1:
                await self._catch_up(key, state)  # a gap: events published out of order
            if seq == state["last"] + 1 and key in self.streams:
                if frame is None:
                    await self._send_event(key, state, event)
                else:
                    await self.send(text_data=frame)
                    state["last"] = seq
        elif kind == "start":
            await self._start(item[1], item[2], item[3])
        elif kind == "sync":
            state = self.streams.get(item[1])
            if state is not None and state["last"] is not None:
                if item[2] is not None:
                    state["last"] = min(state["last"], item[2])
                await self._catch_up(item[1], state)
        elif kind == "close":
            await self.close(code=item[1])
            return False
        return True

    async def _start(self, key: str, after: int | None, position: asyncio.Future | None) -> None:
        """Tells the client where the stream stands; `position` is what connect already read, else read now."""
        state = self.streams.get(key)
        if state is None:
            return
        if position is not None:
            current, missed = await position
        else:
            current, missed = await database_sync_to_async(_start_following)(
                key=key, channel_name=self.channel_name, hub_id=self.hub.id, user_id=self.user_id, after=after
            )
        await self.hub.presence_changed(key)
        if key not in self.streams:
            return  # unsubscribed or revoked meanwhile
        if after is None or after > current:
            state["last"] = current
        else:
            state["last"] = after
        subscribed = {
            "type": "subscribed",
            "stream": key,
            "seq": state["last"],
            "can_post": state["can_post"],
        }
        await self.send(text_data=json.dumps(subscribed))
        if after is not None and after > current:
            await self.send(text_data=json.dumps({"type": "reset", "stream": key, "seq": current}))
        if state["last"] < current:
            await self._replay(key, state, missed, current)
        # A new follower has nothing to catch up: whatever is committed after `current` was read is
        # published after the hub subscribed above, so it reaches this socket (a gap is caught up then).

    async def _replay(self, key: str, state: dict, events: list[dict], current: int) -> None:
        """Sends a resuming client the events it missed, or `reset` when they are too many or gone."""
        if len(events) > limit("LIVE_CATCHUP_LIMIT") or not events or events[0]["seq"] != state["last"] + 1:
            state["last"] = current
            await self.send(text_data=json.dumps({"type": "reset", "stream": key, "seq": current}))
            return
        for event in events:
            if key not in self.streams:
                return  # access was lost while catching up
            await self._send_event(key, state, event)

    async def _catch_up(self, key: str, state: dict) -> None:
        """Sends from the log every event after the last one this socket sent, in order."""
        catchup_limit = limit("LIVE_CATCHUP_LIMIT")
        events_after = database_sync_to_async(selectors.events_after)
        events = await events_after(key, state["last"], catchup_limit + 1)
        gone = False
        if not events and await database_sync_to_async(selectors.stream_last_seq)(key) > state["last"]:
            events = await events_after(key, state["last"], catchup_limit + 1)  # committed meanwhile?
            gone = not events
        gone = gone or (bool(events) and events[0]["seq"] != state["last"] + 1)
        # Too far behind, or what was missed is no longer in the log (kept LIVE_LOG_DAYS): start afresh.
        if gone or len(events) > catchup_limit:
            current = await database_sync_to_async(selectors.stream_last_seq)(key)
            state["last"] = current
            await self.send(text_data=json.dumps({"type": "reset", "stream": key, "seq": current}))
            return
        for event in events:
            if key not in self.streams:
                return  # access was lost while catching up
            await self._send_event(key, state, event)

    async def _send_event(self, key: str, state: dict, event: dict) -> None:
        """Sends one event from the log or rendered for this viewer's kind, after checking access where it
        may change."""
        kind, _object_id = parse_stream_key(key)
        if event["kind"] in kind.access_changing_kinds and not await self._still_allowed(key):
            return
        if "i18n" in event:
            frame = event_frame(key, event, pick_language(event["i18n"], self.language))
        else:
            frame = await self.hub.render(key, event, self)
        await self.send(text_data=frame)
        state["last"] = event["seq"]

    async def _still_allowed(self, key: str) -> bool:
        try:
            access = await self._access(key)
        except (StreamForbidden, StreamNotFound):
            await self._unfollow(key)
            await self.send(text_data=json.dumps({"type": "revoked", "stream": key}))
            return False
        state = self.streams.get(key)
        if state is not None:
            self._allow(state, access)
        return True
