"""Calendar feeds against the bare Django view, in one process, same run (make bench / by hand).

Builds a throwaway SQLite database (migrations, 5 public communities, 5,000 events with tags, a tenth
of them weekly series of 10 sessions, and a member registered for 200 sessions), then measures in this
process, with Django's test client through the whole middleware stack (the site's dev settings with
DEBUG off: bench/thread_page_app.py, which also routes the bare 50-row view), alternating in rounds:
the bare view; the site feed (the first 500 events of the 5,000) on a cache miss (its cached copy
invalidated before each request, as a change to one of its events does) and on a cache hit; the
community, tag and personal feeds on a miss. CPU time is the process's (time.process_time), so other
work on the machine slows it less than wall time; queries are counted on each miss. Prints the figures;
--write records them in bench/RESULTS.md under "Calendar feeds" (--label names the run).

With --postgres the run uses PostgreSQL and Redis started for it (tests/stack); the database's work is then
outside this process's CPU, and the wall time of each feed request is shown too.

    .venv/bin/python bench/feeds.py [--rounds 7] [--events 5000] [--keep-db] [--postgres] [--write --label after]
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SECTION = "Calendar feeds"
TARGET_MS = 100.0
TAGS = [f"tag-{n}" for n in range(20)]
REGISTERED = 200


def build_data(events: int, reuse: bool) -> dict:
    """Migrates the throwaway database and creates communities, events, occurrences and a registrant."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    fresh = "events_eventpage" not in connection.introspection.table_names()
    call_command("migrate", verbosity=0)
    if fresh or not reuse or not _built(events):
        _create(events)
    return _names()


def _built(events: int) -> bool:
    from events.models import EventPage, Registration

    return EventPage.objects.count() >= events and Registration.objects.exists()


def _create(events: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from cop.models import CommunityIndexPage, CommunityPage
    from events.models import EventPage, Occurrence, Registration
    from events.services import events_index, expected_occurrences
    from home.demo import ensure_user, seed_home

    home = seed_home()
    index = CommunityIndexPage.objects.first() or home.add_child(
        instance=CommunityIndexPage(title="Communities", slug="communities")
    )
    communities = [
        index.add_child(
            instance=CommunityPage(title=f"Community {n}", slug=f"bench-community-{n}", summary="Practice.")
        )
        for n in range(5)
    ]
    calendar = events_index()
    now = timezone.now()
    first_day = date.today() - timedelta(days=60)
    print(f"Creating {events:,} events (about a minute per thousand)...", flush=True)
    occurrences = []
    for n in range(events):
        day = first_day + timedelta(days=n // 7)
        page = EventPage(
            title=f"Knowledge exchange {n}: national clearing-house mechanisms",
            slug=f"exchange-{n}",
            summary="How national clearing-house mechanisms share knowledge with their partners.",
            event_type=["webinar", "workshop", "dialogue", "training"][n % 4],
            event_format="online" if n % 3 else "hybrid",
            community=communities[n % len(communities)],
            time_zone=["Europe/Paris", "America/Bogota", "Africa/Nairobi", "Asia/Tokyo", "UTC"][n % 5],
            start_date=day,
            end_date=day,
            start_time=clock(9 + n % 8, 0),
            end_time=clock(10 + n % 8, 30),
            venue_name="Nairobi, UNON" if n % 3 == 0 else "",
            online_url="https://meet.example.org/km4b",
            recurrence_rule="FREQ=WEEKLY;COUNT=10" if n % 10 == 0 else "",
            first_published_at=now,
            last_published_at=now,
        )
        page.tags.add(TAGS[n % len(TAGS)], TAGS[(n * 7 + 3) % len(TAGS)])
        with transaction.atomic():
            calendar.add_child(instance=page)
        occurrences += [
            Occurrence(event=page, recurrence_id=o.recurrence_id, start_utc=o.start_utc, end_utc=o.end_utc)
            for o in expected_occurrences(page, now=now)
        ]
        if len(occurrences) > 2000:
            Occurrence.objects.bulk_create(occurrences)
            occurrences = []
        if n and n % 1000 == 0:
            print(f"  {n:,}", flush=True)
    Occurrence.objects.bulk_create(occurrences)
    member = ensure_user("member@bench.example", "Lucía Fernández", "es", "UTC", False)
    upcoming = Occurrence.objects.filter(start_utc__gt=now).order_by("start_utc")[:REGISTERED]
    Registration.objects.bulk_create(
        [Registration(occurrence=occ, user=member, status="registered") for occ in upcoming]
    )


def _names() -> dict:
    from cop.models import CommunityPage
    from events.services import calendar_token_rotate
    from home.demo import ensure_user

    member = ensure_user("member@bench.example", "Lucía Fernández", "es", "UTC", False)
    community = CommunityPage.objects.get(slug="bench-community-0")
    return {
        "community": community,
        "member": member,
        "urls": {
            "site": "/en/events/feed/site.ics",
            "community": f"/en/events/feed/community/{community.slug}.ics",
            "tag": f"/en/events/feed/tag/{TAGS[0]}.ics",
            "personal": f"/en/events/feed/personal/{calendar_token_rotate(user=member).token}.ics",
        },
    }


def _stale(feed: str, data: dict) -> None:
    """Invalidates one feed's cached copy, as a change to one of its events does."""
    from events import feed_cache

    scope = {
        "site": feed_cache.SITE_SCOPE,
        "community": feed_cache.community_scope(data["community"].pk),
        "tag": feed_cache.tag_scope(TAGS[0]),
        "personal": feed_cache.personal_scope(data["member"].pk),
    }[feed]
    feed_cache.invalidate_feeds({scope})


def _cpu_ms(client, url: str, before=None) -> tuple[float, int, int, float]:
    """CPU of this process for one request (ms), its queries, its body's size, its wall time (ms)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if before is not None:
        before()
    with CaptureQueriesContext(connection) as queries:
        start, wall_start = time.process_time(), time.perf_counter()
        response = client.get(url)
        elapsed = (time.process_time() - start) * 1000
        wall = (time.perf_counter() - wall_start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed, len(queries.captured_queries), len(response.content), wall


def measure(data: dict, rounds: int) -> dict:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    runs = {
        "bare": [],
        "site_miss": [],
        "site_hit": [],
        "community_miss": [],
        "tag_miss": [],
        "personal_miss": [],
    }
    queries, sizes, walls = {}, {}, {}
    for name in ("bare", "site", "community", "tag", "personal"):  # warm-up: imports, templates
        client.get("/bench/bare/" if name == "bare" else data["urls"][name])
    for _round in range(rounds):
        for _repeat in range(5):
            elapsed, _count, _size, wall = _cpu_ms(client, "/bench/bare/")
            runs["bare"].append(elapsed)
            walls.setdefault("bare", []).append(wall)
        for feed in ("site", "community", "tag", "personal"):
            elapsed, count, size, wall = _cpu_ms(client, data["urls"][feed], lambda f=feed: _stale(f, data))
            runs[f"{feed}_miss"].append(elapsed)
            queries[feed], sizes[feed] = count, size
            walls.setdefault(f"{feed}_miss", []).append(wall)
        for _repeat in range(5):
            elapsed, count, _size, wall = _cpu_ms(client, data["urls"]["site"])
            runs["site_hit"].append(elapsed)
            queries["site_hit"] = count
            walls.setdefault("site_hit", []).append(wall)
    return {
        "median": {name: statistics.median(values) for name, values in runs.items()},
        "queries": queries,
        "sizes": sizes,
        "wall": {name: statistics.median(values) for name, values in walls.items()},
    }


def report(result: dict, *, events: int, rounds: int, label: str, postgres: bool) -> str:
    from events.models import Occurrence

    median, queries, sizes, wall = result["median"], result["queries"], result["sizes"], result["wall"]
    bare = median["bare"]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    rows = [
        ("Bare Django view, 50-row template", "bare", "", ""),
        ("Site feed, cache miss (500 of the events)", "site_miss", "site", "site"),
        ("Site feed, cache hit", "site_hit", "site_hit", ""),
        ("Community feed, cache miss (1 of 5 communities)", "community_miss", "community", "community"),
        ("Tag feed, cache miss", "tag_miss", "tag", "tag"),
        (f"Personal feed, cache miss ({REGISTERED} registrations)", "personal_miss", "personal", "personal"),
    ]
    lines = [
        f"### {label}" if label else "",
        "",
        f"{events:,} events ({Occurrence.objects.count():,} sessions), "
        + (
            "PostgreSQL and Redis started by the bench (django-redis cache; PostgreSQL's work is not in "
            "this process's CPU but in the wall time)"
            if postgres
            else "SQLite (its work is in this process's CPU), local-memory cache"
        )
        + ", dev settings with DEBUG off, Django's test client in one process (whole middleware "
        f"stack); median CPU of this process per request over {rounds} rounds (5 requests per round "
        f"for the bare view and the cache hit); load average {load} at the end (the machine's 2 cores "
        f"shared with other engineers' work); {time.strftime('%Y-%m-%d')}.",
        "",
        "| Request | CPU ms (median) | vs bare | wall ms (median) | queries | body |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for title, key, query_key, size_key in rows:
        count = str(queries[query_key]) if query_key else ""
        size = f"{sizes[size_key] // 1024:,} KB" if size_key else ""
        elapsed = f"{wall[key]:.1f}" if key in wall else ""
        lines.append(
            f"| {title} | {median[key]:.1f} | {median[key] / bare:.1f}x | {elapsed} | {count} | {size} |"
        )
    verdict = "met" if median["site_miss"] < TARGET_MS else "not met"
    lines += ["", f"Target: the 500-event site feed built in under {TARGET_MS:.0f} ms of CPU: {verdict}."]
    return "\n".join(lines).strip()


def write_results(text: str, label: str) -> None:
    """Puts the run under "## Calendar feeds", replacing an earlier run with the same label."""
    results = BENCH / "RESULTS.md"
    current = results.read_text()
    pattern = re.compile(rf"## {SECTION}\n.*?(?=\n## |\Z)", re.S)
    found = pattern.search(current)
    body = found.group(0) if found else f"## {SECTION}\n\nMeasured by `bench/feeds.py`.\n"
    if label:
        run = re.compile(rf"### {re.escape(label)}\n.*?(?=\n### |\Z)", re.S)
        body = run.sub("", body).rstrip("\n")
    section = body.rstrip("\n") + "\n\n" + text.strip() + "\n"
    if found:
        rest = current[found.end() :].lstrip("\n")
        updated = current[: found.start()] + section + ("\n" + rest if rest else "")
    else:
        updated = current.rstrip("\n") + "\n\n" + section
    results.write_text(updated.rstrip("\n") + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--keep-db", action="store_true", help="keep (and reuse) the database in /tmp")
    parser.add_argument("--write", action="store_true", help="record the figures in bench/RESULTS.md")
    parser.add_argument("--label", default="", help="a heading for this run in bench/RESULTS.md")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL and Redis instead of SQLite")
    options = parser.parse_args()
    sys.path[:0] = [str(BENCH), str(ROOT)]
    if options.postgres:
        return _with_postgres(options)
    return run(options)


def _with_postgres(options) -> int:
    """Starts PostgreSQL and Redis (tests/stack) for the run, and stops them after."""
    from tests.stack.processes import Stack

    with Stack(prefix="km4b-bench-feeds-") as stack:
        stack.start_postgres()
        stack.start_redis()
        # thread_page_app sets the database's NAME from BENCH_DB: on PostgreSQL, the database's name.
        os.environ.update(DATABASE_URL=stack.database_url, REDIS_URL=stack.redis_url, BENCH_DB="km4b")
        return run(options)


def run(options) -> int:
    if options.keep_db:
        workdir = Path(tempfile.gettempdir()) / "km4b-bench-feeds"
        workdir.mkdir(exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="km4b-bench-feeds-"))
    os.environ.setdefault("BENCH_DB", str(workdir / "db.sqlite3"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "thread_page_app",
            "MEDIA_ROOT": str(workdir / "media"),
            "LOG_LEVEL": "WARNING",
        }
    )
    data = build_data(options.events, options.keep_db)
    print(f"Measuring ({options.rounds} rounds)...", flush=True)
    result = measure(data, max(1, options.rounds))
    text = report(
        result, events=options.events, rounds=options.rounds, label=options.label, postgres=options.postgres
    )
    print(text)
    if options.write:
        write_results(text, options.label)
    return 0


if __name__ == "__main__":
    sys.exit(main())
