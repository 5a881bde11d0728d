"""The per-process hub: presence changes are told to the other processes at once, then at most once per
LIVE_PRESENCE_DEBOUNCE per stream, however many sockets join meanwhile."""

import asyncio

from forums.live.hub import Hub


class RecordingLayer:
    def __init__(self):
        self.sent = []

    async def group_send(self, group, message):
        self.sent.append((group, message))


async def test_a_crowd_joining_makes_two_presence_messages_not_one_per_socket(settings):
    settings.LIVE_PRESENCE_DEBOUNCE = 0.01
    layer = RecordingLayer()
    hub = Hub(layer)
    for _socket in range(200):
        await hub.presence_changed("room:7")
    assert layer.sent == [
        ("live.room.7", {"type": "live.presence", "stream": "room:7"})
    ]  # the first, at once
    await hub._presence_later["room:7"]  # the rest: one message once the interval is over
    assert len(layer.sent) == 2 and "room:7" not in hub._presence_later
    await hub.presence_changed("room:8")  # each stream is paced on its own
    assert layer.sent[-1][0] == "live.room.8" and len(layer.sent) == 3
    await asyncio.gather(*hub._presence_later.values())
