"""Background work: a real `celery worker` runs what the site enqueues through Redis, and `celery beat`
starts with the project's schedule and sends what is scheduled."""

import pickle
import secrets
import time

import pytest
import redis

from tests.stack.processes import wait_for_log

pytestmark = pytest.mark.stack


def cached(stack, key: str, timeout: float = 30):
    """Polls the stack's Redis for a value the site's cache (django-redis, prefix km4b) stored."""
    client = redis.Redis.from_url(stack.redis_url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            raw = client.get(f"km4b:1:{key}")
            if raw is not None:
                return pickle.loads(raw)  # noqa: S301 - written by our own worker in a throwaway Redis
            time.sleep(0.2)
    finally:
        client.close()
    return None


def test_worker_runs_a_task_the_site_enqueued(stack, celery_worker):
    token = secrets.token_hex(8)
    stack.manage("shell", "-c", f"from home.tasks import healthz_echo; healthz_echo.delay('{token}')")
    assert cached(stack, f"healthz:echo:{token}") == token, celery_worker.log()
    wait_for_log(celery_worker, "home.tasks.healthz_echo", timeout=5)


def test_beat_starts_with_the_project_schedule_and_stays_up(stack):
    beat = stack.start_procfile("beat", CELERY_BEAT_SCHEDULE_FILE=str(stack.path("beat", "schedule")))
    try:
        wait_for_log(beat, "beat: Starting...")
        time.sleep(3)
        assert beat.alive(), beat.log()
        assert "ERROR" not in beat.log(tail=100_000)
    finally:
        beat.stop()


def test_beat_sends_scheduled_tasks_to_the_worker(stack, celery_worker):
    """The Procfile's beat line with one extra entry (tests/stack/beat_app.py) every second."""
    schedule_file = stack.path("beat-echo", "schedule")
    command = [
        "celery",
        "-A",
        "tests.stack.beat_app",
        "beat",
        "--loglevel",
        "INFO",
        "--schedule",
        str(schedule_file),
    ]
    beat = stack.spawn("beat-echo", command)
    try:
        assert cached(stack, "healthz:echo:from-beat", timeout=45) == "from-beat", beat.log()
    finally:
        beat.stop()
