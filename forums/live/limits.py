"""Limits of live discussion. Each can be overridden by a setting of the same name (e.g. for a benchmark)."""

import time

from django.conf import settings

_DEFAULTS = {
    # Largest frame a client may send, in characters.
    "LIVE_MAX_FRAME_CHARS": 8_000,
    # A room message, in characters (the frame limit leaves room for the JSON around it).
    "LIVE_MAX_MESSAGE_CHARS": 2_000,
    # Per connection: at most RATE_COUNT frames in RATE_SECONDS; more get an error frame.
    "LIVE_RATE_COUNT": 20,
    "LIVE_RATE_SECONDS": 10.0,
    # Streams one socket may follow at once.
    "LIVE_MAX_STREAMS": 10,
    # Events a reconnecting client may catch up on; further behind it is told to reload.
    "LIVE_CATCHUP_LIMIT": 500,
    # Days the event logs are kept for catching up (forums.live.tasks.prune_live_logs, daily).
    "LIVE_LOG_DAYS": 7,
    # Frames waiting for a slow socket before it is closed (it reconnects and catches up).
    "LIVE_OUTBOX_LIMIT": 2_000,
    # One "is typing" hint per user and stream at most this often.
    "LIVE_TYPING_INTERVAL": 2.0,
    # Presence rows of a process that stopped touching them are ignored after this many seconds.
    "LIVE_PRESENCE_TTL": 90,
    "LIVE_PRESENCE_HEARTBEAT": 30.0,
    # Presence changes are gathered for this long before viewers are told.
    "LIVE_PRESENCE_DEBOUNCE": 1.0,
}


def limit(name: str):
    return getattr(settings, name, _DEFAULTS[name])


class RateLimiter:
    """A token bucket: `count` frames per `seconds`, refilled continuously."""

    # Tests replace it with a frozen clock (tests.clock.FrozenClock) instead of sleeping.
    clock = staticmethod(time.monotonic)

    def __init__(self, count: int, seconds: float):
        self.capacity, self.rate = float(count), count / seconds
        self.tokens, self.stamp = float(count), self.clock()

    def allow(self) -> bool:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def retry_after(self) -> float:
        return max(0.1, round(max(0.0, 1 - self.tokens) / self.rate, 1))
