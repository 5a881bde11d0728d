"""A clock that moves only when a test says so, for code that reads the time through a replaceable
function (cop.ratelimit.wall_clock, forums.live.limits.RateLimiter.clock)."""


class FrozenClock:
    def __init__(self, now: float):
        self.now = float(now)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
