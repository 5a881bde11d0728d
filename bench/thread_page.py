"""The forum thread page against a bare Django view, same server, same run (make bench / by hand).

Builds a throwaway SQLite database (migrations, a public community, a 5,000-post thread with reactions),
serves it with gunicorn (2 sync workers, the site's dev settings with DEBUG off: bench/thread_page_app.py)
on 127.0.0.1, then loads with wrk, alternating: the bare view (a 50-row template), one page of the thread
(20 posts, page 125 of 250) for an anonymous visitor and for a signed-in member. Prints the figures;
--write records them in bench/RESULTS.md under "Forums thread page".

    .venv/bin/python bench/thread_page.py [--seconds 3] [--connections 8] [--rounds 10] [--write] [--keep-db]
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
POSTS = 5_000
TARGET = 0.60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_data(reuse: bool) -> dict:
    """Migrates the throwaway database and creates the community, thread and member (in this process)."""
    import django
    from django.core.management import call_command

    django.setup()

    from django.db import connection

    from forums.models import Thread
    from home.demo import ensure_user

    migrated = "forums_thread" in connection.introspection.table_names()
    if reuse and migrated and Thread.objects.filter(title="Keeping a CHM up to date").exists():
        thread = Thread.objects.get(title="Keeping a CHM up to date")
        member = ensure_user("member@bench.example", "Lucía Fernández", "es", "UTC", False)
        return _session(thread, member)
    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from cop.models import CommunityIndexPage, CommunityPage, Membership
    from forums.models import Post
    from forums.rendering import render_markdown
    from forums.services import board_ensure_for_community, thread_create
    from home.demo import seed_home

    home = seed_home()
    index = CommunityIndexPage.objects.first() or home.add_child(
        instance=CommunityIndexPage(title="Communities", slug="communities")
    )
    community = index.add_child(
        instance=CommunityPage(
            title="National clearing-house mechanisms", slug="chm", summary="CHM practice."
        )
    )
    board = board_ensure_for_community(community=community)
    author = ensure_user("author@bench.example", "Amina Diallo", "en", "UTC", False)
    member = ensure_user("member@bench.example", "Lucía Fernández", "es", "UTC", False)
    for user in (author, member):
        Membership.objects.create(user=user, community=community, status="active", role="member")
    from django.test import override_settings

    with override_settings(FORUMS_NEW_ACCOUNT_DAYS=0):
        thread = thread_create(
            board=board, author=author, title="Keeping a CHM up to date", body="How often?"
        )
    body = "We review **every month**; partners publish directly. See [the guide](https://www.cbd.int)."
    html = render_markdown(body)
    Post.objects.bulk_create(
        [
            Post(thread=thread, number=n, author=member if n % 2 else author, body=body, html=html,
                 reaction_counts={"like": n % 7, "thanks": n % 3})
            for n in range(2, POSTS + 1)
        ],
        batch_size=1000,
    )  # fmt: skip
    Thread.objects.filter(pk=thread.pk).update(
        post_count=POSTS, reply_count=POSTS - 1, last_activity_at=timezone.now()
    )
    return _session(thread, member)


def _session(thread, member) -> dict:
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(member)
    page = POSTS // 20 // 2
    client.get(f"/en/forums/t/{thread.pk}/")  # a signed-in browser holds a CSRF cookie too
    cookies = [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME]
    return {
        "thread_url": f"/en/forums/t/{thread.pk}/?page={page}",
        "cookie": "; ".join(f"{name}={client.cookies[name].value}" for name in cookies),
        "page": page,
    }


def wrk(url: str, *, seconds: int, connections: int, cookie: str = "") -> tuple[float, float, int]:
    args = [
        "wrk",
        "--threads",
        "2",
        "--connections",
        str(connections),
        "--duration",
        f"{seconds}s",
        "--latency",
    ]
    if cookie:
        args += ["--header", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*args, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    return rps, p50, bad


def check(url: str, cookie: str = "", expect: str = "") -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
        body = response.read().decode()
        if response.status != 200 or expect not in body:
            raise SystemExit(f"{url} did not answer the expected page")


def write_results(text: str) -> None:
    results = BENCH / "RESULTS.md"
    current = results.read_text() if results.exists() else "# Benchmarks\n"
    section = f"## Forums thread page\n\n{text.strip()}\n"
    pattern = re.compile(r"## Forums thread page\n.*?(?=\n## |\Z)", re.S)
    if pattern.search(current):
        updated = pattern.sub(lambda _match: section, current)
    else:
        updated = current.rstrip("\n") + "\n\n" + section
    results.write_text(updated if updated.endswith("\n") else updated + "\n")


def bench_environment(name: str, *, keep_db: bool) -> tuple[Path, dict]:
    """The bench's working folder (kept in /tmp and reused with keep_db) and the environment of its
    servers (the bench app's settings, its database and media there), also applied to this process."""
    if keep_db:
        workdir = Path(tempfile.gettempdir()) / f"km4b-bench-{name}"
        workdir.mkdir(exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix=f"km4b-bench-{name}-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "thread_page_app",
        "BENCH_DB": str(workdir / "db.sqlite3"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT)]),
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "BENCH_DB", "MEDIA_ROOT", "LOG_LEVEL")})
    return workdir, env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=10, help="alternations of the measurements")
    parser.add_argument("--write", action="store_true", help="record the figures in bench/RESULTS.md")
    parser.add_argument("--keep-db", action="store_true", help="keep (and reuse) the database in /tmp")
    options = parser.parse_args()
    seconds, connections = max(1, min(options.seconds, 60)), max(1, min(options.connections, 64))
    if shutil.which("wrk") is None:
        print("wrk is missing: scripts/apt-ensure.sh wrk", file=sys.stderr)
        return 2

    workdir, env = bench_environment("forums", keep_db=options.keep_db)
    sys.path[:0] = [str(BENCH), str(ROOT)]
    print("Building the database (migrations, a 5,000-post thread)...", flush=True)
    data = build_data(options.keep_db)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--workers", "2"]
    gunicorn += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True)
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
        check(base + data["thread_url"], expect=f'id="post-{data["page"] * 20}"')
        check(base + data["thread_url"], cookie=data["cookie"], expect="Lucía Fernández")
        targets = {
            "bare": (base + "/bench/bare/", ""),
            "thread_anonymous": (base + data["thread_url"], ""),
            "thread_member": (base + data["thread_url"], data["cookie"]),
            "shell_member": (base + "/en/forums/notifications/settings/", data["cookie"]),
        }
        for url, cookie in targets.values():  # warm up every worker
            wrk(url, seconds=2, connections=connections, cookie=cookie)
        runs: dict[str, list] = {name: [] for name in targets}
        for _ in range(max(1, options.rounds)):
            for name, (url, cookie) in targets.items():
                runs[name].append(wrk(url, seconds=seconds, connections=connections, cookie=cookie))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        if not options.keep_db:
            shutil.rmtree(workdir, ignore_errors=True)

    mean = {name: sum(r[0] for r in rs) / len(rs) for name, rs in runs.items()}
    # Other work on the machine drifts between runs: compare each run with the bare run of its own round.
    ratios = {
        name: sorted(r[0] / b[0] for r, b in zip(rs, runs["bare"], strict=True) if b[0])
        for name, rs in runs.items()
    }
    median = {
        name: rs[len(rs) // 2] if len(rs) % 2 else (rs[len(rs) // 2 - 1] + rs[len(rs) // 2]) / 2
        for name, rs in ratios.items()
    }
    errors = sum(r[2] for rs in runs.values() for r in rs)
    labels = {
        "bare": "Bare Django view, 50-row template",
        "thread_anonymous": f"Thread page, anonymous (page {data['page']} of {POSTS // 20}, 20 posts of {POSTS:,})",
        "thread_member": "Thread page, signed-in member (session and CSRF cookies, as a browser sends)",
        "shell_member": "For reference: a small form page in the site shell, signed-in member",
    }
    lines = [
        f"gunicorn, 2 sync workers, dev settings with DEBUG off and CONN_MAX_AGE=60, SQLite, local-memory cache; wrk on 127.0.0.1, {connections} "
        f"connections, {options.rounds} x {seconds} s alternating per URL; {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f} at the end; {time.strftime('%Y-%m-%d')}.",
        "",
        "| Page | req/s (mean) | p50 per run | vs bare (median of per-round ratios) |",
        "| --- | ---: | --- | ---: |",
    ]
    for name, label in labels.items():
        ratio = median[name]
        p50s = ", ".join(r[1] for r in runs[name])
        lines.append(f"| {label} | {mean[name]:,.0f} | {p50s} | {ratio:.0%} |")
    anonymous_ok = median["thread_anonymous"] >= TARGET
    member_ok = median["thread_member"] >= TARGET
    lines += [
        "",
        f"Target: at least {TARGET:.0%} of the bare view: anonymous {'met' if anonymous_ok else 'NOT met'}, "
        f"signed-in {'met' if member_ok else 'NOT met'}. Errors: {errors}.",
    ]
    lines += [
        "",
        "How: Markdown is rendered once when a post is saved. A page of posts is read by number range "
        "(no OFFSET) and kept in the cache per thread state (event sequence, post count). Each post is a "
        "fragment (cop.fragments) keyed on what it shows (its version, HTML and state, reaction counts, "
        "names, the thread state it shows, time zone, language, kind of viewer, the viewer's relation to "
        "it and own reactions); anonymous visitors' whole post list is kept per thread state and page; the "
        "rest of the page is rendered per request, the CSRF token in the one form the posts' buttons "
        "submit (forums.postlist). Per signed-in request: the session from the cache, then five "
        "statements (user, thread with board and community, membership, the viewer's state in one "
        "statement, their reactions on the page); the hot lookups are compiled once per process "
        "(cop.prepared) rather than by the ORM on every request. The reference row is "
        "an ordinary page rendered by templates for a member, without any of this.",
        "",
        "Measured on a shared machine? Look at the load above: other work makes absolute figures low and "
        "noisy, which is why each URL runs in short rounds alternating with the bare view and is compared "
        "round by round.",
    ]
    text = "\n".join(lines)
    print(text)
    if options.write:
        write_results(text)
        print(f"Recorded in {BENCH / 'RESULTS.md'}")
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
