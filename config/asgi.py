"""ASGI entry point: pages over HTTP and websockets under /ws/.

Database connections: every websocket consumer's database work runs on one thread (channels'
database_sync_to_async), which keeps one persistent connection (CONN_MAX_AGE, health-checked) while
sockets are open and gives it back when the last one closes (forums.live.following). An HTTP request
runs on a thread of its own that ends with it, so its connection is closed when it finishes instead of
being left idle (deploy/README.md).
"""

import os

from django.core.asgi import get_asgi_application
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_finished
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django_asgi_app = get_asgi_application()


def close_request_connections(**kwargs) -> None:
    """Closes the finished ASGI request's connections (run on the request's own thread)."""
    connections.close_all()


request_finished.connect(close_request_connections, sender=ASGIHandler, dispatch_uid="km4b-asgi-close")

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
