"""What the sliding-window rate limit (cop.ratelimit) costs per post against the fixed window it
replaced, side by side in one process, same run, on Redis (as in production) and on the local-memory
cache (make run, tests).

Starts a throwaway redis-server on a Unix socket in a temporary folder, then measures in rounds,
alternating: the fixed window (before: per window a get, then an add or incr; a new count every
minute) and cop.ratelimit.rate_limit_hit (per window an add or incr and a get_many of the 61 buckets
overlapping it), both with the site's default limits (3 a minute, 20 an hour), each for `--checks`
distinct users posting once (allowed: the common case). Wall time per check (the round trips to Redis
are the cost; CPU time would miss them), median of the rounds, min-max in brackets. Prints the
figures; --write records them in bench/RESULTS.md under "Rate limits".

    .venv/bin/python bench/ratelimit.py [--rounds 5] [--checks 2000] [--write]
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SECTION = "Rate limits"
LIMITS = {"minute": (60, 3), "hour": (3600, 20)}


def fixed_window_hit(cache, key: str, limits) -> bool:
    """The forums' limit before cop.ratelimit (forums.services._check_rate_limit until 2026-12)."""
    now = int(time.time())
    keys = []
    for name, (window, allowed) in limits.items():
        bucket = f"forums:rate:{key}:{name}:{now // window}"
        if (cache.get(bucket) or 0) >= allowed:
            return False
        keys.append((bucket, window))
    for bucket, window in keys:
        if not cache.add(bucket, 1, timeout=window):
            try:
                cache.incr(bucket)
            except ValueError:
                cache.set(bucket, 1, timeout=window)
    return True


def measure(cache, ratelimit, rounds: int, checks: int) -> dict:
    timings = {"fixed": [], "sliding": []}
    for round_number in range(rounds):
        for name in ("fixed", "sliding"):
            cache.clear()
            start = time.perf_counter()
            for user in range(checks):
                key = f"{round_number}:{user}"
                if name == "fixed":
                    assert fixed_window_hit(cache, key, LIMITS)
                else:
                    assert ratelimit.rate_limit_hit(key, LIMITS) is None
            timings[name].append((time.perf_counter() - start) / checks * 1e6)
    return timings


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ({min(values):.0f}-{max(values):.0f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        sys.exit("redis-server is needed (Debian: apt-get install redis-server; make bench installs it)")
    folder = Path(tempfile.mkdtemp(prefix="km4b-bench-ratelimit-"))
    socket = folder / "redis.sock"
    server = subprocess.Popen(
        [redis_server, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not socket.exists():
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("redis-server did not start")
            time.sleep(0.05)
        sys.path.insert(0, str(ROOT))
        os.environ.pop("DJANGO_SETTINGS_MODULE", None)
        import django
        from django.conf import settings

        settings.configure(
            CACHES={
                "redis": {
                    "BACKEND": "django_redis.cache.RedisCache",
                    "LOCATION": f"unix://{socket}",
                },
                "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            },
            USE_TZ=True,
        )
        django.setup()
        from django.core import cache as cache_module

        from cop import ratelimit

        results = {}
        for alias in ("redis", "default"):
            cache = cache_module.caches[alias]
            # cop.ratelimit reads django.core.cache.cache: point it at the cache being measured.
            ratelimit.cache = cache
            results[alias] = measure(cache, ratelimit, args.rounds, args.checks)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)

    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        f"## {SECTION}",
        "",
        "Written by `bench/ratelimit.py --write`.",
        "",
        f"Measured {time.strftime('%Y-%m-%d')}, {args.rounds} rounds of {args.checks} allowed posts "
        "(distinct users), alternating, limits 3 a minute and 20 an hour, one process; wall time per "
        "check in microseconds (median of the rounds, min-max in brackets). Redis: a private "
        f"redis-server on a Unix socket through django-redis. Load average at the end {load} on "
        f"{os.cpu_count()} cores: other engineers' test runs shared the machine.",
        "",
        "| Cache | fixed window (before) µs | sliding window (cop.ratelimit) µs |",
        "| --- | --- | --- |",
    ]
    names = {"redis": "Redis (production)", "default": "local memory (make run, tests)"}
    for alias, timings in results.items():
        lines.append(f"| {names[alias]} | {summary(timings['fixed'])} | {summary(timings['sliding'])} |")
    redis = results["redis"]
    extra = statistics.median(redis["sliding"]) - statistics.median(redis["fixed"])
    lines += [
        "",
        f"On Redis the sliding window costs {extra:.0f} µs more per post by a new account (accounts older "
        "than FORUMS_NEW_ACCOUNT_DAYS are not checked). Both make four round trips for two windows; the "
        "difference is the process's own work of naming and reading 61 bucket keys per window (the "
        "local-memory row, with no network, shows the same cost). It buys a limit with no boundary: the "
        "fixed window let a new account post 3 times at :59 and 3 more at :00.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        path = BENCH / "RESULTS.md"
        current = path.read_text()
        pattern = re.compile(rf"^## {re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
        if pattern.search(current):
            current = pattern.sub(lambda _: text + "\n", current)
        else:
            current = current.rstrip("\n") + "\n\n" + text
        path.write_text(current)


if __name__ == "__main__":
    main()
