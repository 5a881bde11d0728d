"""cop.ratelimit: a sliding window on a frozen clock, straddling the start of a minute."""

import pytest

from cop import ratelimit
from tests.clock import FrozenClock

# 12:00:59.5 UTC on a day: half a second before a minute (and an hour) begins.
BEFORE_THE_MINUTE = 1_767_268_859.5


@pytest.fixture
def clock(monkeypatch):
    frozen = FrozenClock(BEFORE_THE_MINUTE)
    monkeypatch.setattr(ratelimit, "wall_clock", frozen)
    return frozen


def test_a_new_minute_does_not_reset_the_count(clock):
    limits = {"minute": (60, 2)}
    assert ratelimit.rate_limit_hit("k", limits) is None
    assert ratelimit.rate_limit_hit("k", limits) is None
    clock.advance(1)  # 12:01:00.5: a fixed window would start counting again here
    wait = ratelimit.rate_limit_hit("k", limits)
    assert wait is not None and 59 < wait <= 60


def test_waiting_the_given_time_is_enough_and_less_is_not(clock):
    limits = {"minute": (60, 2)}
    ratelimit.rate_limit_hit("k", limits)
    clock.advance(30)
    ratelimit.rate_limit_hit("k", limits)
    wait = ratelimit.rate_limit_hit("k", limits)
    assert 30 < wait <= 31  # the first action leaves the window (to within one second's bucket)
    clock.advance(wait - 0.01)
    assert ratelimit.rate_limit_hit("k", limits) is not None
    clock.advance(0.01)
    assert ratelimit.rate_limit_hit("k", limits) is None
    assert ratelimit.rate_limit_hit("k", limits) is not None  # the second is still within the minute


def test_refused_actions_are_not_counted(clock):
    limits = {"minute": (60, 1)}
    assert ratelimit.rate_limit_hit("k", limits) is None
    for _ in range(5):
        clock.advance(10)
        assert ratelimit.rate_limit_hit("k", limits) is not None
    clock.advance(11)  # 61 s after the one counted action
    assert ratelimit.rate_limit_hit("k", limits) is None


def test_every_window_applies_and_the_longest_wait_is_given(clock):
    limits = {"minute": (60, 2), "hour": (3600, 3)}
    for _ in range(2):
        assert ratelimit.rate_limit_hit("k", limits) is None
    clock.advance(61)
    assert ratelimit.rate_limit_hit("k", limits) is None
    clock.advance(61)
    wait = ratelimit.rate_limit_hit("k", limits)  # the minute is free, the hour is not
    assert 3600 - 122 < wait <= 3600 - 122 + 60


def test_keys_are_counted_apart(clock):
    limits = {"minute": (60, 1)}
    assert ratelimit.rate_limit_hit("alice", limits) is None
    assert ratelimit.rate_limit_hit("bob", limits) is None
    assert ratelimit.rate_limit_hit("alice", limits) is not None
