"""All websocket routes, gathered from the apps that own them."""

from home.routing import websocket_urlpatterns as home_ws

websocket_urlpatterns = [*home_ws]
