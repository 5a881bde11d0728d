"""Per-process fan-out: one channel-layer subscription per stream per server process.

A socket that follows a stream registers with its process's hub instead of joining the stream's group
itself. The hub joins the group once, receives each event once, serialises its frame once per
language, and hands the same text to every local socket. With Redis that is one message per process per
event instead of one per socket. Hubs are per event loop (one per server process in production).
"""

import asyncio
import json
import logging
import uuid
import weakref
from collections import OrderedDict

from channels.db import database_sync_to_async

from . import selectors, services
from .limits import limit
from .rendering import pick_language
from .streams import Rendering, parse_stream_key, stream_group

logger = logging.getLogger(__name__)

RENDER_CACHE_SIZE = 512

_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub]" = weakref.WeakKeyDictionary()


def hub_for(channel_layer) -> "Hub":
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None or hub.layer is not channel_layer:
        hub = _hubs[loop] = Hub(channel_layer)
    return hub


def render_event(key: str, event: dict, user, language: str) -> Rendering:
    kind, object_id = parse_stream_key(key)
    return kind.render(object_id, event, user=user, language=language)


def event_frame(key: str, event: dict, data: dict) -> str:
    return json.dumps(
        {"type": "event", "stream": key, "seq": event["seq"], "kind": event["kind"], "data": data},
        ensure_ascii=False,
    )


class _Rendered:
    """One event rendered for one audience and language, and its frames (serialised once each)."""

    def __init__(self, key: str, event: dict, rendering: Rendering):
        self.rendering = rendering
        self.frame = event_frame(key, event, rendering.data)
        self._nothing = None
        self._nothing_args = (key, event)

    def frame_for(self, user_id: int | None) -> str:
        only = self.rendering.only_user_id
        if only is None or only == user_id:
            return self.frame
        if self._nothing is None:
            self._nothing = event_frame(*self._nothing_args, {})
        return self._nothing


class Hub:
    def __init__(self, layer):
        self.id = uuid.uuid4().hex
        self.layer = layer
        self.channel: str | None = None
        self.subscribers: dict[str, set] = {}
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task] = []
        self._presence_due: set[str] = set()
        self._presence_sent: dict[str, float] = {}  # stream -> when this process last told the others
        self._presence_later: dict[str, asyncio.Task] = {}
        self._renders: OrderedDict = OrderedDict()

    async def subscribe(self, key: str, consumer) -> None:
        async with self._lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel("live-hub.")
                self._tasks = [asyncio.create_task(self._read()), asyncio.create_task(self._heartbeat())]
            local = self.subscribers.get(key)
            if local is None:
                local = self.subscribers[key] = set()
                await self.layer.group_add(stream_group(key), self.channel)
            local.add(consumer)

    async def unsubscribe(self, key: str, consumer) -> None:
        async with self._lock:
            local = self.subscribers.get(key)
            if local is None or consumer not in local:
                return
            local.discard(consumer)
            if not local:
                del self.subscribers[key]
                self._presence_sent.pop(key, None)  # no viewer left here: nothing to pace any more
                await self.layer.group_discard(stream_group(key), self.channel)
            if not self.subscribers:
                for task in self._tasks:
                    task.cancel()
                await asyncio.gather(*self._tasks, return_exceptions=True)
                self._tasks, self.channel = [], None

    async def _read(self) -> None:
        channel = self.channel
        while True:
            message = await self.layer.receive(channel)
            try:
                self._dispatch(message)
            except Exception:
                logger.exception("live hub: could not relay %s", message.get("type"))

    def _dispatch(self, message: dict) -> None:
        kind, key = message.get("type"), message.get("stream")
        local = self.subscribers.get(key)
        if not local:
            return
        if kind == "live.event" and "i18n" not in message:
            # Rendered when delivered, once per kind of viewer and language (a forum post): see render().
            for consumer in list(local):
                consumer.push_event(key, message["seq"], None, message)
        elif kind == "live.event":
            frames: dict[str, str] = {}
            for consumer in list(local):
                language = consumer.language
                if language not in frames:
                    frames[language] = event_frame(key, message, pick_language(message["i18n"], language))
                consumer.push_event(key, message["seq"], frames[language], None)
        elif kind == "live.typing":
            frame = json.dumps({"type": "typing", "stream": key, "name": message["name"]}, ensure_ascii=False)
            for consumer in list(local):
                if consumer.user_id != message["user_id"]:
                    consumer.push_frame(frame)
        elif kind == "live.presence" and key not in self._presence_due:
            self._presence_due.add(key)
            self._tasks.append(asyncio.create_task(self._send_presence(key)))

    async def render(self, key: str, event: dict, viewer) -> str:
        """An event's frame for one viewer (a LiveConsumer: .user, .user_id, .language and the stream's
        audience). It is rendered once per audience and language, by the first viewer to need it, and
        the same text goes to every viewer of that kind: what differs per person is set by the page."""
        audience = viewer.streams.get(key, {}).get("audience", "")
        cache_key = (key, event["seq"], viewer.language, audience)
        future = self._renders.get(cache_key)
        if future is None:
            future = asyncio.ensure_future(self._render(key, event, viewer.user, viewer.language))
            self._renders[cache_key] = future
            while len(self._renders) > RENDER_CACHE_SIZE:
                self._renders.popitem(last=False)
        try:
            rendered = await asyncio.shield(future)
        except Exception:
            self._renders.pop(cache_key, None)
            raise
        return rendered.frame_for(viewer.user_id)

    async def _render(self, key: str, event: dict, user, language: str) -> _Rendered:
        rendering = await database_sync_to_async(render_event)(key, event, user, language)
        return _Rendered(key, event, rendering)

    async def presence_changed(self, key: str) -> None:
        """Tells every process that the stream's viewers changed (they count again, _send_presence):
        at once, then at most once per LIVE_PRESENCE_DEBOUNCE from this process, so 1,000 people joining
        make a few messages on the channel layer instead of 1,000."""
        if key in self._presence_later:
            return  # already due
        loop = asyncio.get_running_loop()
        wait = self._presence_sent.get(key, float("-inf")) + limit("LIVE_PRESENCE_DEBOUNCE") - loop.time()
        if wait <= 0:
            await self._publish_presence(key)
        else:
            # Not one of self._tasks: it goes out even if this process's last viewer has just left.
            self._presence_later[key] = asyncio.create_task(self._publish_presence_later(key, wait))

    async def _publish_presence(self, key: str) -> None:
        self._presence_sent[key] = asyncio.get_running_loop().time()
        await self.layer.group_send(stream_group(key), {"type": "live.presence", "stream": key})

    async def _publish_presence_later(self, key: str, wait: float) -> None:
        try:
            await asyncio.sleep(wait)
            await self._publish_presence(key)
        except Exception:
            logger.exception("live hub: presence change for %s", key)
        finally:
            self._presence_later.pop(key, None)

    async def _send_presence(self, key: str) -> None:
        """Gathers presence changes for a moment, then tells this process's viewers with one query."""
        try:
            await asyncio.sleep(limit("LIVE_PRESENCE_DEBOUNCE"))
            self._presence_due.discard(key)
            summary = await database_sync_to_async(selectors.presence_summary)(key)
            frame = json.dumps({"type": "presence", "stream": key, **summary}, ensure_ascii=False)
            for consumer in list(self.subscribers.get(key, ())):
                consumer.push_frame(frame)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("live hub: presence for %s", key)
        finally:
            self._presence_due.discard(key)
            current = asyncio.current_task()
            if current in self._tasks:
                self._tasks.remove(current)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(limit("LIVE_PRESENCE_HEARTBEAT"))
            try:
                await database_sync_to_async(services.presence_touch)(hub_id=self.id)
            except Exception:
                logger.exception("live hub: presence heartbeat")
