"""Tasks of the site shell."""

from celery import shared_task
from django.core.cache import cache

HEALTHZ_ECHO_TIMEOUT = 300


def healthz_echo_key(token: str) -> str:
    return f"healthz:echo:{token}"


@shared_task
def healthz_echo(token: str) -> str:
    """Proves that a worker runs tasks: stores `token` in the cache under healthz_echo_key(token).
    Idempotent: running it twice leaves the same key and value."""
    token = str(token)[:64]
    cache.set(healthz_echo_key(token), token, timeout=HEALTHZ_ECHO_TIMEOUT)
    return token
