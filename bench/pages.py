"""Every main page against the bare Django view, anonymous and signed in, same server, same run.

Builds a throwaway SQLite database (migrations, the demo site, then generated data so that lists are
long enough to be honest: 30 more communities with boards and threads, 150 more members, 60 more
events, a third of them weekly series), serves it with gunicorn (2 sync workers, the site's dev
settings with DEBUG off: bench/thread_page_app.py, which also routes the bare 50-row view) on
127.0.0.1, then loads each page with wrk in short rounds alternating with the bare view. Prints the
figures; --write records them in bench/RESULTS.md under "Main pages" (--label names the run).

    .venv/bin/python bench/pages.py [--seconds 3] [--rounds 5] [--only home,calendar] [--write --label after]
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(BENCH), str(ROOT)]

from thread_page import bench_environment, check, free_port  # noqa: E402

TARGET = 0.50
MEMBER_EMAIL = "practitioner@km4b.example"
EXTRA_COMMUNITIES = 30
EXTRA_USERS = 150
THREADS_PER_BOARD = 8
EXTRA_EVENTS = 60
EXTRA_CASE_STUDIES = 40
MARKER = "bench-generated-community-0"


def wrk(url: str, *, seconds: int, connections: int, cookie: str = "") -> tuple[float, str, int]:
    """Requests per second, median latency and bad answers (non-2xx/3xx and timeouts: a slow page
    must count as slow, not vanish behind wrk's 2 s default timeout)."""
    args = ["wrk", "--threads", "2", "--connections", str(connections), "--duration", f"{seconds}s"]
    args += ["--timeout", "30s", "--latency"]
    if cookie:
        args += ["--header", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*args, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    bad += sum(int(n) for n in re.findall(r"timeout (\d+)", output))
    return rps, p50, bad


def _generate() -> None:
    """Adds the generated data to the demo site (communities, boards, threads, members, events)."""
    import datetime

    from django.test import override_settings
    from django.utils import timezone

    from cop.models import CommunityIndexPage, CommunityPage, Membership
    from events.models import EventPage
    from events.services import event_create
    from forums.models import Board
    from forums.services import board_ensure_for_community, thread_create
    from home.demo import ensure_user

    index = CommunityIndexPage.objects.first()
    users = [
        ensure_user(f"member{n}@bench.example", f"Practitioner {n}", "en", "UTC", False)
        for n in range(EXTRA_USERS)
    ]
    member = ensure_user(MEMBER_EMAIL, "Lucía Fernández", "es", "America/Bogota", False)
    general = Board.objects.get(slug="km4b-general")
    today = timezone.localdate()
    with override_settings(FORUMS_NEW_ACCOUNT_DAYS=0, FORUMS_APPROVAL_FIRST_POSTS=0):
        for n in range(EXTRA_COMMUNITIES):
            community = index.add_child(
                instance=CommunityPage(
                    title=f"Community of practice {n}",
                    slug=f"bench-generated-community-{n}",
                    summary="Practitioners sharing what works in biodiversity knowledge management.",
                    visibility="public" if n % 3 else "members",
                    join_policy="open",
                )
            )
            CommunityPage.objects.filter(pk=community.pk).update(last_activity_at=timezone.now())
            members = users[n * 5 % EXTRA_USERS :][:20]
            Membership.objects.bulk_create(
                [Membership(user=u, community=community, status="active", role="member") for u in members]
            )
            if n % 2 == 0:
                Membership.objects.create(user=member, community=community, status="active", role="member")
            board = board_ensure_for_community(community=community)
            for t in range(THREADS_PER_BOARD):
                author = members[t % len(members)]
                thread_create(
                    board=board,
                    author=author,
                    title=f"How do you keep knowledge flowing? ({n}.{t})",
                    body="We publish **monthly** and review with partners.",
                    tags=[f"topic-{t % 4}"],
                )
        for t in range(40):  # Lucía follows this board: these notify her
            thread_create(
                board=general,
                author=users[t],
                title=f"A question for everyone ({t})",
                body="What worked for you?",
            )
        _generate_case_studies()
        communities = list(CommunityPage.objects.filter(slug__startswith="bench-generated-").order_by("pk"))
        for n in range(EXTRA_EVENTS):
            start = today + datetime.timedelta(days=n % 28 - 7)
            weekly = n % 3 == 0
            event_create(
                page=EventPage(
                    title=f"KM4B webinar {n}",
                    slug=f"bench-webinar-{n}",
                    summary="How national clearing-house mechanisms share knowledge.",
                    community=communities[n % len(communities)] if n % 4 else None,
                    event_type="webinar",
                    event_format="online",
                    time_zone="Europe/Paris",
                    start_date=start,
                    start_time=datetime.time(14, 0),
                    end_date=start,
                    end_time=datetime.time(15, 30),
                    online_url="https://meet.example.org/km4b",
                    recurrence_rule="FREQ=WEEKLY;COUNT=20" if weekly else "",
                )
            )


def _generate_case_studies() -> None:
    """More case studies in the site-wide library (the demo has a dozen), with targets, ecosystems,
    labels and a building block, so that the listing pages and counts facets over a real list."""
    from cop.library.demo import LIBRARIES
    from cop.library.models import (
        BuildingBlock,
        CaseStudyBlockUse,
        CaseStudyPage,
        Ecosystem,
        Label,
        LibraryPage,
    )
    from cop.models import GBFTarget, Language

    library = LibraryPage.objects.get(slug=LIBRARIES["site"][1], depth=3)
    targets = list(GBFTarget.objects.order_by("number"))
    ecosystems = list(Ecosystem.objects.all())
    labels = list(Label.objects.filter(kind="bc_label"))
    languages = list(Language.objects.filter(is_un_language=True))
    block = BuildingBlock.objects.filter(library=library).first()
    countries = ["KE", "BR", "IN", "ID", "MX", "VN", "CO", "GH", "PH", "TZ"]
    for n in range(EXTRA_CASE_STUDIES):
        page = CaseStudyPage(
            title=f"Restoring and sharing what works, case {n}",
            slug=f"bench-case-study-{n}",
            summary="A community restores its land and shares the practice with neighbouring villages.",
            solution="Village committees agree the rules; *monitoring* results are discussed each season.",
            country=countries[n % len(countries)],
            scale="local",
        )
        page.gbf_targets = targets[n % 23 : n % 23 + 2]
        page.ecosystems = ecosystems[n % len(ecosystems) : n % len(ecosystems) + 2]
        page.labels = labels[n % len(labels) : n % len(labels) + 1]
        page.languages = languages[n % len(languages) : n % len(languages) + 1]
        library.add_child(instance=page)
        page.save_revision().publish()
        if block is not None:
            CaseStudyBlockUse.objects.create(case_study=page, block=block)


def build_data(reuse: bool) -> dict:
    """The demo site plus the generated data (in this process), and the URLs to measure."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    migrated = "cop_communitypage" in connection.introspection.table_names()
    if not (reuse and migrated):
        call_command("migrate", verbosity=0)
    from cop.models import CommunityPage

    if not CommunityPage.objects.filter(slug=MARKER).exists():
        call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
        _generate()
        connection.cursor().execute("ANALYZE")
    return _targets()


def _targets() -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import translation

    from cop.library.models import CaseStudyPage
    from cop.models import CommunityPage
    from events.models import EventPage
    from forums.models import Board, Thread

    member = get_user_model().objects.get(email=MEMBER_EMAIL)
    # A demo practitioner who shows most parts publicly (cop/network/demo.py), with a need and an offer.
    person = get_user_model().objects.get(email="isabel.moreno@network.km4b.example")
    with translation.override("en"):
        community = CommunityPage.objects.get(slug="bench-generated-community-1")
        event = EventPage.objects.get(slug="bench-webinar-12")  # a weekly series of 20, site-wide
        board = Board.objects.get(slug="km4b-general")
        thread = Thread.objects.filter(board=board).order_by("-post_count", "pk").first()
        pages = {
            "home": "/en/",
            "community": community.get_url(),
            "board_list": "/en/forums/",
            "board": f"/en/forums/b/{board.slug}/",
            "thread": f"/en/forums/t/{thread.pk}/",
            "calendar": "/en/events/",
            "event": event.get_url(),
            "network": "/en/network/",
            "profile": f"/en/people/{person.pk}/",
            "search": "/en/search/?q=knowledge",
            "notifications": "/en/forums/notifications/",
            "library": "/en/case-studies/",
            "case_study": CaseStudyPage.objects.get(slug="locally-managed-marine-areas-fiji").get_url(),
        }
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(member)
    client.get("/en/forums/")  # a signed-in browser holds a CSRF cookie too
    cookies = [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME]
    cookie = "; ".join(f"{name}={client.cookies[name].value}" for name in cookies)
    return {"pages": pages, "cookie": cookie, "member_name": member.public_name}


def write_results(text: str, label: str, section: str = "Main pages") -> None:
    results = BENCH / "RESULTS.md"
    current = results.read_text()
    heading = f"## {section}"
    if heading not in current:
        current = current.rstrip("\n") + f"\n\n{heading}\n"
    pattern = re.compile(rf"({re.escape(heading)}\n)(.*?)(?=\n## |\Z)", re.S)
    body = pattern.search(current).group(2)
    run_heading = f"### {label}"
    run_pattern = re.compile(rf"### {re.escape(label)}\n.*?(?=\n### |\Z)", re.S)
    run = f"{run_heading}\n\n{text.strip()}\n"
    body = (
        run_pattern.sub(lambda _m: run, body)
        if run_pattern.search(body)
        else body.rstrip("\n") + "\n\n" + run
    )
    updated = pattern.sub(lambda m: m.group(1) + body, current)
    results.write_text(updated if updated.endswith("\n") else updated + "\n")


def cpu_table(pages: dict, cookie: str, *, rounds: int, requests: int = 20) -> str:
    """CPU time a request costs, measured in this process through Django's whole handler (middleware,
    view, templates), in rounds alternating with the bare view. Scheduling by other work on the machine
    does not enter a process's own CPU time, so this compares pages when wrk's figures cannot."""
    from django.test import Client

    anonymous = Client(HTTP_HOST="127.0.0.1")
    member = Client(HTTP_HOST="127.0.0.1")
    for part in cookie.split("; "):
        name, value = part.split("=", 1)
        member.cookies[name] = value
    targets = {"bare": (anonymous, "/bench/bare/")}
    for name, url in pages.items():
        if name != "notifications":
            targets[f"{name} anonymous"] = (anonymous, url)
        targets[f"{name} member"] = (member, url)
    for client, url in targets.values():  # warm up: first requests fill per-process and cache entries
        for _ in range(3):
            assert client.get(url).status_code == 200, url
    runs: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, (client, url) in targets.items():
            started = time.process_time()
            for _ in range(requests):
                client.get(url)
            runs[name].append((time.process_time() - started) / requests * 1000)
    ratios = {
        name: sorted(b / r for r, b in zip(rs, runs["bare"], strict=True) if r) for name, rs in runs.items()
    }
    lines = [
        f"CPU time per request in one process (Django's test client through the whole handler, "
        f"{rounds} rounds x {requests} requests alternating with the bare view); {os.cpu_count()} CPUs "
        f"shared with other work, load average {os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d %H:%M')}.",
        "",
        "| Page | Viewer | CPU ms per request (median) | bare / page (median of rounds) | ≥ 50% |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    for name in targets:
        page, _sep, viewer = name.partition(" ")
        median_ms = sorted(runs[name])[len(runs[name]) // 2]
        ratio = ratios[name][len(ratios[name]) // 2]
        met = "" if name == "bare" else ("yes" if ratio >= TARGET else "no")
        lines.append(
            f"| {page.replace('_', ' ')} | {viewer or '-'} | {median_ms:.1f} | {ratio:.0%} | {met} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5, help="alternations of the measurements")
    parser.add_argument("--only", default="", help="comma-separated page names (default: all)")
    parser.add_argument("--write", action="store_true", help="record the figures in bench/RESULTS.md")
    parser.add_argument("--label", default="Run", help="the run's heading in bench/RESULTS.md")
    parser.add_argument("--section", default="Main pages", help="the section of bench/RESULTS.md")
    parser.add_argument("--keep-db", action="store_true", help="keep (and reuse) the database in /tmp")
    parser.add_argument("--db-name", default="pages", help="the kept database's folder name (with --keep-db)")
    parser.add_argument(
        "--cpu", action="store_true", help="measure CPU time per request in this process instead of wrk"
    )
    options = parser.parse_args()
    seconds, connections = max(1, min(options.seconds, 60)), max(1, min(options.connections, 64))
    if shutil.which("wrk") is None:
        print("wrk is missing: scripts/apt-ensure.sh wrk", file=sys.stderr)
        return 2
    workdir, env = bench_environment(options.db_name, keep_db=options.keep_db)
    print("Building the database (migrations, the demo site, generated data)...", flush=True)
    started = time.monotonic()
    data = build_data(options.keep_db)
    print(f"  ready in {time.monotonic() - started:.0f} s", flush=True)
    only = {name for name in options.only.split(",") if name}
    pages = {name: url for name, url in data["pages"].items() if not only or name in only}
    if options.cpu:
        text = cpu_table(pages, data["cookie"], rounds=max(1, options.rounds))
        print(text)
        if options.write:
            write_results(text, options.label, options.section)
        return 0

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--workers", "2"]
    gunicorn += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True)
    load_start = os.getloadavg()[0]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                check(base + "/bench/bare/", expect="Practitioner 49")
                break
            except (OSError, SystemExit):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.3)
        targets = {"bare": (base + "/bench/bare/", "")}
        for name, url in pages.items():
            if name != "notifications":  # members only: a visitor is sent to log in
                check(base + url)
                targets[f"{name} anonymous"] = (base + url, "")
            check(base + url, cookie=data["cookie"], expect=data["member_name"])
            targets[f"{name} member"] = (base + url, data["cookie"])
        for url, cookie in targets.values():  # warm up every worker
            wrk(url, seconds=1, connections=connections, cookie=cookie)
        runs: dict[str, list] = {name: [] for name in targets}
        for _ in range(max(1, options.rounds)):
            for name, (url, cookie) in targets.items():
                runs[name].append(wrk(url, seconds=seconds, connections=connections, cookie=cookie))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if not options.keep_db:
            shutil.rmtree(workdir, ignore_errors=True)
    load_end = os.getloadavg()[0]

    mean = {name: sum(r[0] for r in rs) / len(rs) for name, rs in runs.items()}
    # Other work on the machine drifts between runs: compare each run with the bare run of its round.
    ratios = {
        name: sorted(r[0] / b[0] for r, b in zip(rs, runs["bare"], strict=True) if b[0])
        for name, rs in runs.items()
    }
    median = {
        name: (rs[len(rs) // 2] if len(rs) % 2 else (rs[len(rs) // 2 - 1] + rs[len(rs) // 2]) / 2)
        if rs
        else 0.0
        for name, rs in ratios.items()
    }
    errors = sum(r[2] for rs in runs.values() for r in rs)
    print("raw runs (req/s, p50, bad):", runs, flush=True)
    lines = [
        f"gunicorn, 2 sync workers, dev settings with DEBUG off and CONN_MAX_AGE=60, SQLite, local-memory "
        f"cache; the demo site plus {EXTRA_COMMUNITIES} communities, {EXTRA_USERS} members, "
        f"{EXTRA_COMMUNITIES * THREADS_PER_BOARD + 40} threads and {EXTRA_EVENTS} events generated; wrk on "
        f"127.0.0.1, {connections} connections, {options.rounds} x {seconds} s per URL alternating with "
        f"the bare view; {os.cpu_count()} CPUs shared with other engineers' work: load average "
        f"{load_start:.1f} at the start, {load_end:.1f} at the end; {time.strftime('%Y-%m-%d %H:%M')}.",
        "",
        "| Page | Viewer | req/s (mean) | p50 (median run) | vs bare (median of per-round ratios) | ≥ 50% |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for name in targets:
        page, _sep, viewer = name.partition(" ")
        p50 = sorted(runs[name], key=lambda r: r[0])[len(runs[name]) // 2][1]
        met = "" if name == "bare" else ("yes" if median[name] >= TARGET else "no")
        lines.append(
            f"| {page.replace('_', ' ')} | {viewer or '-'} | {mean[name]:,.0f} | {p50} | {median[name]:.0%} | {met} |"
        )
    lines += ["", f"Errors (non-2xx/3xx answers and timeouts): {errors}."]
    text = "\n".join(lines)
    print(text)
    if options.write:
        write_results(text, options.label, options.section)
        print(f"Recorded in {BENCH / 'RESULTS.md'}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
