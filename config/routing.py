"""All websocket routes, gathered from the apps that own them."""

from forums.live.routing import websocket_urlpatterns as live_ws
from home.routing import websocket_urlpatterns as home_ws

websocket_urlpatterns = [*home_ws, *live_ws]
