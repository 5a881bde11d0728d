"""Health checks for /healthz: each returns None when its service is up, or a short reason."""

import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection


def check_database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def check_cache() -> str | None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    value = cache.get(key)
    cache.delete(key)
    return None if value == "ok" else "cache did not return what was stored"


def check_channel_layer() -> str | None:
    layer = get_channel_layer()
    if layer is None:
        return "no channel layer configured"

    async def round_trip():
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "healthz.ping"})
        return await layer.receive(channel)

    message = async_to_sync(round_trip)()
    return None if message.get("type") == "healthz.ping" else "channel layer lost a message"


def check_celery_broker() -> str | None:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return None


def run_checks() -> dict[str, str]:
    """Runs every check that applies here and returns {service: "ok" | reason}."""
    checks = {"database": check_database, "cache": check_cache, "channel_layer": check_channel_layer}
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["celery_broker"] = check_celery_broker
    results = {}
    for name, check in checks.items():
        try:
            problem = check()
        except Exception as exc:  # noqa: BLE001 - any failure means the service is down
            problem = f"{type(exc).__name__}: {exc}"[:200]
        results[name] = problem or "ok"
    return results
