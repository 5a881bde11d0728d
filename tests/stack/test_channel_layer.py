"""Live messages reach every server process: a broadcast sent to one uvicorn process arrives on a socket
held by another, through Redis (channels_redis.pubsub.RedisPubSubChannelLayer)."""

import asyncio
import json

import pytest
from websockets.asyncio.client import connect

pytestmark = pytest.mark.stack


async def test_broadcast_crosses_two_server_processes(servers):
    origin = "http://127.0.0.1"
    first = f"ws://127.0.0.1:{servers.sockets_port}/ws/ping/"
    second = f"ws://127.0.0.1:{servers.second_sockets_port}/ws/ping/"
    async with (
        connect(first, origin=origin, open_timeout=10) as sender,
        connect(second, origin=origin, open_timeout=10) as receiver,
    ):
        # Both processes have joined the group once their sockets answer.
        for socket in (sender, receiver):
            await socket.send(json.dumps({"type": "ping"}))
            assert json.loads(await socket.recv(decode=True)) == {"type": "pong"}

        await sender.send(json.dumps({"type": "broadcast", "text": "from process one"}))
        received = json.loads(await asyncio.wait_for(receiver.recv(decode=True), timeout=10))
        assert received == {"type": "broadcast", "text": "from process one"}
        # The sender's own process relays it to its socket too.
        echoed = json.loads(await asyncio.wait_for(sender.recv(decode=True), timeout=10))
        assert echoed == received
