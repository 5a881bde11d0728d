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

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import translation
from django.utils.translation import gettext

from cop.edge import refusal_frame
from cop.errors import DomainError

from . import services
from .exceptions import StreamForbidden, StreamNotFound
from .following import (
    OpenSockets,
    connect_streams,
    initial_streams,
    release_database_if_idle,
    socket_language,
)
from .hub import hub_for
from .limits import RateLimiter, limit
from .permissions import stream_access
from .streams import parse_stream_key, stream_group, user_group
from .writer import CLOSE_FORBIDDEN, CLOSE_SIGNED_OUT, SocketWriter

logger = logging.getLogger(__name__)


class LiveConsumer(SocketWriter, AsyncWebsocketConsumer):
    """Also the viewer that fragments are rendered for (hub.Hub.render): .user, .user_id, .language and
    each stream's audience (its kind of viewer). What it sends goes through its outbox (writer.SocketWriter)."""

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
        self.language = socket_language(self.scope, self.user)
        self.streams: dict[str, dict] = {}
        self.outbox: asyncio.Queue = asyncio.Queue()
        self.rate = RateLimiter(limit("LIVE_RATE_COUNT"), limit("LIVE_RATE_SECONDS"))
        self.typing_sent: dict[str, float] = {}
        self.hub = hub_for(self.channel_layer)
        self.writer = None
        try:
            wanted: dict[str, int | None] = {}  # a stream asked for twice is followed once
            for key, after in initial_streams(self.scope)[: limit("LIVE_MAX_STREAMS")]:
                # An unknown kind or a malformed key is refused before the hub hears of it.
                parse_stream_key(key)
                wanted.setdefault(key, after)
            started = await self._connect_streams(list(wanted.items())) if wanted else []
        except (StreamNotFound, StreamForbidden):
            await self.close(code=CLOSE_FORBIDDEN)  # before accept: the handshake is refused (HTTP 403)
            await release_database_if_idle()
            return
        for access in started:
            self._allow(self.streams[access.key], access)
        await self.accept()
        OpenSockets.count += 1
        self.counted = True
        self.writer = asyncio.create_task(self._write_loop())
        if self.user_id:
            await self.channel_layer.group_add(user_group(self.user_id), self.channel_name)

    async def _connect_streams(self, initial: list[tuple[str, int | None]]) -> list:
        """Follows the streams asked for at connect with one trip to the database thread (the permission
        checks, the presence rows and the positions: following.connect_streams). As in _follow, each stream is
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
            started = await database_sync_to_async(connect_streams)(
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
            OpenSockets.count -= 1
            await release_database_if_idle()

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
