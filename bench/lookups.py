"""The reads of every signed-in request (the user, a membership) and of the thread page (its thread, the
viewer's state and reactions): what compiling them once (cop.prepared) buys against the plain ORM.

Runs in one process on the database of bench/pages.py (--keep-db --db-name NAME, built first), and times
each lookup's CPU per call in rounds that alternate the two ways, so that other work on the machine
touches both alike. Prints a Markdown table.

    .venv/bin/python bench/lookups.py [--db-name pages] [--rounds 7] [--calls 2000]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]


def _ways():
    """Each lookup as {way: callable}: the ORM as the code now reads it, and cop.prepared when present."""
    from django.contrib.auth import get_user_model

    from cop.models import Membership
    from forums import thread_page
    from forums.models import Thread

    user = get_user_model().objects.filter(memberships__status="active").order_by("pk").first()
    membership = Membership.objects.filter(user=user).order_by("pk").first()
    thread = Thread.objects.order_by("-post_count").first()
    ways = {
        "user (session's user id)": {"ORM get()": lambda: get_user_model()._default_manager.get(pk=user.pk)},
        "membership (user, community)": {
            "ORM first()": lambda: (
                Membership.objects.filter(user_id=user.pk, community_id=membership.community_id)
                .order_by()
                .first()
            )
        },
        "thread with board and community": {
            "ORM first()": lambda: thread_page._thread_for_page_queryset(thread.pk).first()
        },
    }
    if hasattr(thread_page, "_viewer_state_queryset"):
        ways["viewer's state in the thread"] = {
            "ORM first()": lambda: thread_page._viewer_state_queryset(user.pk, thread.pk, thread.pk).first(),
            "cop.prepared": lambda: thread_page.thread_viewer_state(user, thread),
        }
        ways["viewer's reactions on a page"] = {
            "ORM list()": lambda: list(thread_page._my_reactions_queryset(user.pk, thread.pk, 1, 21)),
            "cop.prepared": lambda: thread_page.my_reactions_on_page(user, thread, 1),
        }
    try:
        from cop.prepared import PreparedGet
    except ImportError:
        return ways
    prepared_user = PreparedGet(lambda pk: get_user_model()._default_manager.filter(pk=pk))
    prepared_membership = PreparedGet(
        lambda user_id, community_id: Membership.objects.filter(
            user_id=user_id, community_id=community_id
        ).order_by()
    )
    prepared_thread = PreparedGet(thread_page._thread_for_page_queryset)
    ways["user (session's user id)"]["cop.prepared"] = lambda: prepared_user.get(user.pk)
    ways["membership (user, community)"]["cop.prepared"] = lambda: prepared_membership.get(
        user.pk, membership.community_id
    )
    ways["thread with board and community"]["cop.prepared"] = lambda: prepared_thread.get(thread.pk)
    return ways


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-name", default="pages", help="bench/pages.py's kept database folder name")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=2000)
    options = parser.parse_args()
    database = Path(tempfile.gettempdir()) / f"km4b-bench-{options.db_name}" / "db.sqlite3"
    if not database.exists():
        print(
            f"{database} is missing: run bench/pages.py --keep-db --db-name {options.db_name}",
            file=sys.stderr,
        )
        return 2
    os.environ.update({"DJANGO_SETTINGS_MODULE": "thread_page_app", "BENCH_DB": str(database)})
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    ways = _ways()
    print(
        f"CPU per call, median of {options.rounds} rounds x {options.calls} calls, one process, SQLite; "
        f"{os.cpu_count()} CPUs shared with other work, load average {os.getloadavg()[0]:.1f}; "
        f"{time.strftime('%Y-%m-%d %H:%M')}.\n"
    )
    print("| Lookup | Way | µs per call (median) |")
    print("| --- | --- | ---: |")
    for lookup, by_way in ways.items():
        for run in by_way.values():  # warm up: compile, connect
            run()
        runs: dict[str, list[float]] = {way: [] for way in by_way}
        for _ in range(options.rounds):
            for way, run in by_way.items():
                started = time.process_time()
                for _ in range(options.calls):
                    run()
                runs[way].append((time.process_time() - started) / options.calls * 1e6)
        for way, values in runs.items():
            print(f"| {lookup} | {way} | {sorted(values)[len(values) // 2]:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
