"""The writing side of a live socket: its outbox and the one task that writes to it, so stream events
leave in seq order, once each, with catch-up from the log when some were missed."""

import asyncio
import json
import logging

from channels.db import database_sync_to_async

from . import selectors
from .exceptions import StreamForbidden, StreamNotFound
from .following import start_following
from .hub import event_frame
from .limits import limit
from .rendering import pick_language
from .streams import parse_stream_key

logger = logging.getLogger(__name__)

CLOSE_SIGNED_OUT = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_SLOW = 4408


class SocketWriter:
    """Mixed into the live consumer (forums.live.consumers.LiveConsumer), which gives it .streams (each
    followed stream's state), .outbox, .hub, .user_id, .language, and _access, _allow and _unfollow."""

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
            current, missed = await database_sync_to_async(start_following)(
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
