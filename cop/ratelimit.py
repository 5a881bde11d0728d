"""Sliding-window rate limits counted in the cache, shared by every server process.

Each window of `seconds` is cut into SLOTS buckets keyed by their start; an action is counted in the
bucket of its time, and the number of actions in the last `seconds` is the sum of the buckets that
overlap them. Unlike a fixed window (a new minute starting at :00), there is no boundary at which
the count starts again: `allowed` actions in any `seconds` at most, to within one bucket (a bucket
that is partly older still counts, so the limit errs on the strict side by at most seconds / SLOTS).

The action is counted first and the sum read after, so two concurrent actions cannot both slip
under the limit; a refused action is taken back, so waiting long enough always succeeds.
"""

import contextlib
import math
import time
from collections.abc import Mapping
from typing import NamedTuple

from django.core.cache import cache

SLOTS = 60


class Window(NamedTuple):
    seconds: int
    allowed: int


def wall_clock() -> float:
    """Seconds since the epoch; tests replace it (monkeypatch `cop.ratelimit.wall_clock`)."""
    return time.time()


def _slot_seconds(window: Window) -> float:
    return window.seconds / SLOTS


def _keys(key: str, name: str, window: Window, now: float) -> list[tuple[str, float]]:
    """The buckets overlapping (now - seconds, now], oldest first, as (cache key, bucket start)."""
    width = _slot_seconds(window)
    current = math.floor(now / width)
    return [
        (f"ratelimit:{key}:{name}:{window.seconds}:{index}", index * width)
        for index in range(current - SLOTS, current + 1)
    ]


def _count(key: str, timeout: int) -> None:
    if not cache.add(key, 1, timeout=timeout):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=timeout)


def _uncount(key: str) -> None:
    with contextlib.suppress(ValueError):
        cache.decr(key)


def _wait(buckets: list[tuple[str, float]], counts: Mapping[str, int], window: Window, now: float) -> float:
    """Seconds until the oldest buckets have left the window and fewer than `allowed` remain
    (`counts` holds the refused action, which is not to be counted)."""
    width = _slot_seconds(window)
    remaining = sum(counts.get(key, 0) for key, _ in buckets) - 1
    for key, start in buckets:
        remaining -= counts.get(key, 0)
        if remaining < window.allowed:
            return max(0.0, start + width + window.seconds - now)
    return float(window.seconds)


def rate_limit_hit(key: str, windows: Mapping[str, Window]) -> float | None:
    """Counts one action under `key` in every window; None when allowed, else the seconds to wait
    before trying again (and the action is not counted)."""
    now = wall_clock()
    checked = []
    for name, window in windows.items():
        window = Window(*window)
        buckets = _keys(key, name, window, now)
        current_key = buckets[-1][0]
        _count(current_key, timeout=int(window.seconds + _slot_seconds(window)) + 1)
        checked.append((window, buckets, cache.get_many([bucket for bucket, _ in buckets])))
    waits = [
        _wait(buckets, counts, window, now)
        for window, buckets, counts in checked
        if sum(counts.values()) > window.allowed
    ]
    if not waits:
        return None
    for _, buckets, _ in checked:
        _uncount(buckets[-1][0])
    return max(waits)
