from django.core.cache import cache

from home.tasks import healthz_echo, healthz_echo_key


def test_healthz_echo_stores_its_token_and_can_run_twice():
    healthz_echo.delay("abc123")
    healthz_echo.delay("abc123")
    assert cache.get(healthz_echo_key("abc123")) == "abc123"
