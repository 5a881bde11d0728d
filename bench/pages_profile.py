"""Profiles one main page in-process: cProfile around Django's test client on bench/pages.py's database.

Run bench/pages.py --keep-db once to build the database, then:

    .venv/bin/python bench/pages_profile.py home [--member] [--requests 30] [--db-name pages] [--sort tottime]

Prints the CPU time per request, the statements one request runs, and the functions that cost the most
(after three warm-up requests, so per-process and cached work is left out, as it is in production).
"""

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT)]

from pages import build_data  # noqa: E402
from thread_page import bench_environment  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="a page name of bench/pages.py (home, community, calendar...)")
    parser.add_argument("--member", action="store_true", help="signed in as the bench's member")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--db-name", default="pages", help="bench/pages.py --keep-db's database folder")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative, tottime)")
    parser.add_argument("--limit", type=int, default=45, help="functions listed")
    parser.add_argument("--sql", action="store_true", help="print the statements of one request")
    options = parser.parse_args()
    bench_environment(options.db_name, keep_db=True)
    data = build_data(reuse=True)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if options.member:
        for part in data["cookie"].split("; "):
            name, value = part.split("=", 1)
            client.cookies[name] = value
    url = data["pages"][options.page]
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(f"{url} ({'member' if options.member else 'anonymous'}): {len(queries)} statements")
    if options.sql:
        for query in queries:
            print("  ", query["sql"][:300])
    profile = cProfile.Profile()
    started = time.process_time()
    profile.enable()
    for _ in range(options.requests):
        client.get(url)
    profile.disable()
    print(f"CPU per request (profiled): {(time.process_time() - started) / options.requests * 1000:.1f} ms")
    started = time.process_time()
    for _ in range(options.requests):
        client.get(url)
    print(
        f"CPU per request (not profiled): {(time.process_time() - started) / options.requests * 1000:.1f} ms"
    )
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(options.sort).print_stats(options.limit)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
