from channels.generic.websocket import AsyncJsonWebsocketConsumer

PING_GROUP = "healthz.ping"


class PingConsumer(AsyncJsonWebsocketConsumer):
    """A liveness socket: answers {"type": "ping"} with "pong", and relays {"type": "broadcast"} to
    every socket on every server process through the channel layer (used by the stack tests)."""

    async def connect(self):
        await self.channel_layer.group_add(PING_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(PING_GROUP, self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "broadcast":
            text = str(content.get("text", ""))[:200]
            await self.channel_layer.group_send(PING_GROUP, {"type": "ping.broadcast", "text": text})
        else:
            await self.send_json({"type": "error", "error": "unknown frame"})

    async def ping_broadcast(self, event):
        await self.send_json({"type": "broadcast", "text": event["text"]})
