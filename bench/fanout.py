"""Fan-out of live messages: N clients in one room, one sender, M messages paced and in a burst.

Starts PostgreSQL and Redis (tests/stack/processes.py), migrates, makes a public community with a room
and a member who sends, then for each setup starts uvicorn processes serving bench/fanout_asgi.py:

- the site's live rooms (/ws/live/: the message is posted through the real service, numbered, stored,
  broadcast after commit, relayed by one hub per process to its sockets);
- beside it, in the same run, the baseline: a bare Channels consumer that only joins a group and relays
  what the sender sends (/ws/bare/);

- a live forum thread watched by every client (`live-thread`, /ws/live/?streams=thread:N): each message is
  a reply posted through forums' post_create by a separate sender process (as the reply form does),
  numbered, broadcast after commit and rendered once per kind of viewer and language by each process's
  hub (the clients are members reading English or French: two renderings per process and reply);

with the in-memory layer (one process) and with Redis across two processes (channels-redis's default
layer and its pub/sub layer). Clients are spread evenly over the processes. For 200 and 1,000 clients it
prints p50/p95/p99 delivery latency (send to receipt, one clock), deliveries per second, lost and
duplicated messages, the time until the last delivery and the CPU the server processes spent meanwhile.
Loopback only; every wait is bounded.

Connect: the time for the N clients to be connected (bare) or connected and subscribed to the room
(live rooms: the "subscribed" frame), opened 100 at a time, with the CPU the server processes and
PostgreSQL spent meanwhile. The servers run with deploy/Procfile's database settings for `sockets`
(persistent connections); `live-pubsub-age0` is the same with CONN_MAX_AGE=0 (a new connection per
database call), as the sockets ran before. --receivers members (the default) makes every client a
signed-in member with a session of their own (session, user and membership loaded at connect); the bare
consumer gets the same cookies through the same middleware stack; anonymous sends no cookie.

    .venv/bin/python bench/fanout.py [--clients 200,1000] [--only live-pubsub,bare-core]
        [--receivers members|anonymous] [--connect-only] [--write | --write-connect]

--write records the delivery table in bench/RESULTS.md under "Live fan-out"; --write-connect records
the connect table and the delivery rows of this run under "Live connect" (each touches no other section).
"""

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from websockets.asyncio.client import connect  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

from tests.stack.processes import (  # noqa: E402
    LOOPBACK,
    VENV_BIN,
    Stack,
    free_port,
    group_cpu_seconds,
    procfile,
    wait_for_http,
)

BENCH = Path(__file__).resolve().parent
TOKEN = re.compile(r"bench-(\d+)-(\d+)")
PACED_RATE = 2.0  # messages per second, as in the measurement
PACED_COUNT = 20
BURST_COUNT = 50
QUIET_TIMEOUT = 10.0  # no delivery for this long: what has not arrived is lost
TRIAL_TIMEOUT = 120.0
# No keepalive pings: a client swamped by a burst answers them late and would drop its own connection.
CLIENT_OPTIONS = {"open_timeout": 60, "max_queue": None, "ping_interval": None}

SEED = r"""
import json
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.crypto import get_random_string
from cop.models import CommunityIndexPage, CommunityPage, Membership
from forums.live import services
from home.demo import seed_home

tag = get_random_string(6).lower()
home = seed_home()
index = CommunityIndexPage.objects.first() or home.add_child(instance=CommunityIndexPage(title="Communities", slug="communities"))
community = index.add_child(instance=CommunityPage(title=f"Fan-out {tag}", slug=f"fanout-{tag}", summary="Bench", visibility="public"))
sender = get_user_model().objects.create_user(email=f"sender-{tag}@km4b.test", display_name="Sender")
Membership.objects.create(user=sender, community=community, status="active", role="facilitator")
room = services.room_create(community=community, title="Webinar", actor=sender)
from forums.services import board_ensure_for_community, thread_create
board = board_ensure_for_community(community=community)
thread = thread_create(board=board, author=sender, title="Fan-out thread", body="Watched by every client.")
client = Client()
client.force_login(sender)

# Receivers: members of the community, each signed in with a session of their own (in the database and
# the cache, as a login leaves it), made in bulk (no password hashing).
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.cached_db import SessionStore
from django.utils import timezone
User = get_user_model()
receivers = User.objects.bulk_create([
    User(username=f"receiver{i}-{tag}@km4b.test", email=f"receiver{i}-{tag}@km4b.test", display_name=f"Receiver {i}", password=make_password(None), preferred_language="fr" if i % 2 else "en")
    for i in range(RECEIVERS)
])
Membership.objects.bulk_create([
    Membership(user=user, community=community, status="active", role="member", joined_at=timezone.now())
    for user in receivers
])
sessions = []
for user in receivers:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    sessions.append(store.session_key)
print("RESULT " + json.dumps({"room": room.pk, "thread": thread.pk, "sender": sender.pk, "session": client.cookies["sessionid"].value, "receivers": sessions}))
"""

# The live thread's sender: a process that posts each line it reads as a reply, through forums' service.
THREAD_SENDER = r"""
import sys
from django.contrib.auth import get_user_model
from forums.models import Thread
from forums.services import post_create
thread = Thread.objects.get(pk=THREAD)
author = get_user_model().objects.get(pk=SENDER)
print("READY", flush=True)
for line in sys.stdin:
    post_create(thread=thread, author=author, body=line.strip())
"""


@dataclass
class Setup:
    name: str
    label: str
    layer: str  # memory | redis-core | redis-pubsub
    processes: int
    consumer: str  # live | thread | bare
    env: dict = field(default_factory=dict)  # beside deploy/Procfile's database settings for `sockets`


SETUPS = [
    Setup("bare-memory", "bare relay consumer · in-memory layer · 1 process", "memory", 1, "bare"),
    Setup("live-memory", "live rooms · in-memory layer · 1 process", "memory", 1, "live"),
    Setup(
        "bare-core",
        "bare relay consumer · channels-redis default layer · 2 processes",
        "redis-core",
        2,
        "bare",
    ),
    Setup(
        "bare-pubsub",
        "bare relay consumer · channels-redis pub/sub layer · 2 processes",
        "redis-pubsub",
        2,
        "bare",
    ),
    Setup(
        "live-pubsub", "live rooms · channels-redis pub/sub layer · 2 processes", "redis-pubsub", 2, "live"
    ),
    Setup(
        "live-thread",
        "live forum thread · channels-redis pub/sub layer · 2 processes",
        "redis-pubsub",
        2,
        "thread",
    ),
    Setup(
        "live-pubsub-age0",
        "live rooms · channels-redis pub/sub layer · 2 processes · CONN_MAX_AGE=0",
        "redis-pubsub",
        2,
        "live",
        {"CONN_MAX_AGE": "0"},
    ),
]


@dataclass
class Trial:
    number: int
    expected: int
    sent_at: dict = field(default_factory=dict)
    seen: dict = field(default_factory=dict)
    latencies: list = field(default_factory=list)
    last_delivery: float = 0.0

    def record(self, client: int, index: int, now: float) -> None:
        key = (client, index)
        self.seen[key] = self.seen.get(key, 0) + 1
        if self.seen[key] == 1 and index in self.sent_at:
            self.latencies.append(now - self.sent_at[index])
        self.last_delivery = now


class Clients:
    """N websocket clients, each reading every frame and recording the bench tokens it sees."""

    def __init__(self):
        self.sockets = []
        self.tasks = []
        self.subscribed = 0
        self.trial: Trial | None = None

    async def read(self, ws, client: int) -> None:
        async for text in ws:
            if self.trial is not None:
                match = TOKEN.search(text)
                if match and int(match.group(1)) == self.trial.number:
                    self.trial.record(client, int(match.group(2)), time.perf_counter())
                    continue
            if text.startswith('{"type": "subscribed"'):
                self.subscribed += 1

    async def open(
        self, urls: list[str], count: int, *, live: bool, cookies: list[str] | None = None
    ) -> None:
        async def one(client: int):
            url = urls[client % len(urls)]
            headers = {"Cookie": f"sessionid={cookies[client]}"} if cookies else {}
            ws = await connect(url, origin=f"http://{LOOPBACK}", additional_headers=headers, **CLIENT_OPTIONS)
            self.sockets.append(ws)
            self.tasks.append(asyncio.create_task(self.read(ws, client)))

        for start in range(0, count, 100):
            await asyncio.gather(*(one(i) for i in range(start, min(count, start + 100))))
        deadline = time.monotonic() + 60
        while live and self.subscribed < count and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        if live and self.subscribed < count:
            raise SystemExit(f"only {self.subscribed} of {count} clients subscribed")

    async def close(self) -> None:
        for ws in self.sockets:
            await ws.close()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


class ThreadSender:
    """The live thread's sender: one process (THREAD_SENDER) under the servers' settings, posting each
    body it is given as a reply through forums' service."""

    def __init__(self, seed: dict, env: dict):
        self.script = THREAD_SENDER.replace("THREAD", str(seed["thread"])).replace(
            "SENDER", str(seed["sender"])
        )
        self.env = env
        self.process = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            self.script,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=self.env,
            cwd=BENCH.parent,
        )
        seen = b""
        for _line in range(20):  # the shell may say first what it imported
            line = await asyncio.wait_for(self.process.stdout.readline(), 60)
            if line.strip() == b"READY" or not line:
                break
            seen += line
        if line.strip() != b"READY":
            raise SystemExit(f"the thread's sender did not start: {seen!r}")

    async def send(self, body: str) -> None:
        self.process.stdin.write(body.encode() + b"\n")
        await self.process.stdin.drain()

    async def stop(self) -> None:
        self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 60)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


async def run_trial(clients: Clients, post, *, number: int, count: int, rate: float | None, cpu):
    """`post(body)` sends one message; `cpu()` reads the server processes' CPU seconds."""
    trial = Trial(number=number, expected=count * len(clients.sockets))
    clients.trial = trial
    cpu_before = cpu()
    started = time.perf_counter()
    for index in range(count):
        if rate:
            delay = started + index / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        body = f"bench-{number}-{index}"
        trial.sent_at[index] = time.perf_counter()
        try:
            await post(body)
        except ConnectionClosed:  # the server dropped the sender (a bare server swamped by a burst)
            trial.sent_at.pop(index)
            break
    deadline = time.perf_counter() + TRIAL_TIMEOUT
    while len(trial.seen) < trial.expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
        if time.perf_counter() - max(trial.last_delivery, *trial.sent_at.values(), started) > QUIET_TIMEOUT:
            break
    clients.trial = None
    cpu_spent = cpu() - cpu_before
    delivered = sum(trial.seen.values())
    unique = len(trial.seen)
    latencies = sorted(trial.latencies)
    span = (trial.last_delivery or time.perf_counter()) - started

    def pct(p):
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")
        )

    return {
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "mean": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
        "rate": delivered / span if span > 0 else 0.0,
        "span": span,
        "cpu": cpu_spent,
        "lost": trial.expected - unique,
        "duplicated": delivered - unique,
    }


def postgres_cpu_seconds(postgres) -> float:
    """CPU of PostgreSQL so far: the postmaster with the backends it has reaped, and the live ones."""
    fields = Path(f"/proc/{postgres.pid}/stat").read_text().rpartition(")")[2].split()
    reaped = (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")  # cutime, cstime
    return group_cpu_seconds(postgres.pid) + reaped


async def bench_setup(
    setup: Setup,
    ports: list[int],
    seed: dict,
    client_counts: list[int],
    trial_numbers,
    *,
    cpu: dict,
    connect_rows: list,
    delivery: bool = True,
    sender_env: dict | None = None,
) -> list:
    rows = []
    path = {
        "live": f"/ws/live/?streams=room:{seed['room']}",
        "thread": f"/ws/live/?streams=thread:{seed['thread']}",
    }.get(setup.consumer, "/ws/bare/")
    urls = [f"ws://{LOOPBACK}:{port}{path}" for port in ports]
    live = setup.consumer != "bare"
    stream = f"room:{seed['room']}"
    for count in client_counts:
        clients = Clients()
        before = {name: read() for name, read in cpu.items()}
        started = time.perf_counter()
        await clients.open(urls, count, live=live, cookies=seed.get("receivers"))
        elapsed = time.perf_counter() - started
        spent = {name: read() - before[name] for name, read in cpu.items()}
        connect_rows.append({"setup": setup, "clients": count, "seconds": elapsed, **spent})
        print(_connect_row(connect_rows[-1]), flush=True)
        if not delivery:
            await clients.close()
            await asyncio.sleep(1.0)
            continue
        if setup.consumer == "thread":
            sender = ThreadSender(seed, sender_env or {})
            await sender.start()
            try:
                rows += await _trials(setup, clients, sender.send, count, trial_numbers, cpu["servers"])
            finally:
                await sender.stop()
        else:
            headers = {"Cookie": f"sessionid={seed['session']}"} if live else {}
            async with connect(
                urls[0], origin=f"http://{LOOPBACK}", additional_headers=headers, **CLIENT_OPTIONS
            ) as socket:
                drain = asyncio.create_task(_drain(socket))

                async def post(body: str, socket=socket) -> None:
                    if live:
                        await socket.send(
                            json.dumps({"type": "post", "stream": stream, "body": body, "ref": body})
                        )
                    else:
                        await socket.send(json.dumps({"token": body}))

                rows += await _trials(setup, clients, post, count, trial_numbers, cpu["servers"])
                drain.cancel()
        await clients.close()
        await asyncio.sleep(1.0)
    return rows


async def _trials(setup: Setup, clients: Clients, post, count: int, trial_numbers, cpu) -> list:
    """The paced trial, then the burst, with one sender."""
    rows = []
    await asyncio.sleep(2.0)  # presence updates of the connections settle
    for mode, messages, rate in (("paced", PACED_COUNT, PACED_RATE), ("burst", BURST_COUNT, None)):
        result = await run_trial(
            clients, post, number=next(trial_numbers), count=messages, rate=rate, cpu=cpu
        )
        rows.append({"setup": setup, "clients": count, "mode": mode, "messages": messages, **result})
        print(_row(rows[-1]), flush=True)
        await asyncio.sleep(1.0)
    return rows


async def _drain(ws):
    async for _frame in ws:
        pass


def _mode(row) -> str:
    if row["mode"] == "paced":
        return f"paced {PACED_RATE:g}/s × {row['messages']}"
    return f"burst × {row['messages']}"


def _row(row) -> str:
    return (
        f"| {row['setup'].label} | {row['clients']:,} | {_mode(row)} | {row['p50']:.0f} | {row['p95']:.0f} | "
        f"{row['p99']:.0f} | {row['rate']:,.0f} | {row['lost']} | {row['duplicated']} | "
        f"{row['span']:.1f} | {row['cpu']:.1f} |"
    )


def _connect_row(row) -> str:
    per_socket = 1000 / row["clients"]
    return (
        f"| {row['setup'].label} | {row['clients']:,} | {row['seconds']:.2f} | "
        f"{row['seconds'] * per_socket:.1f} | {row['servers'] * per_socket:.1f} | "
        f"{row['postgres'] * per_socket:.2f} |"
    )


CONNECT_HEADER = (
    "| setup | clients | all connected and subscribed, s | ms per client | server CPU ms per client "
    "| PostgreSQL CPU ms per client |\n| --- | ---: | ---: | ---: | ---: | ---: |"
)


HEADER = (
    "| setup | clients | messages | p50 ms | p95 ms | p99 ms | deliveries/s | lost | duplicated "
    "| last delivery, s | server CPU, s |\n"
    "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def sockets_database_env() -> dict[str, str]:
    """The `env NAME=value` settings that deploy/Procfile's `sockets` line gives uvicorn, if any."""
    command = procfile()["sockets"].split()
    env = {}
    if command and command[0] == "env":
        for word in command[1:]:
            if "=" not in word:
                break
            name, _, value = word.partition("=")
            env[name] = value
    return env


def start_servers(stack: Stack, setup: Setup) -> tuple[list[int], list]:
    ports, processes = [], []
    for i in range(setup.processes):
        port = free_port()
        args = [
            str(VENV_BIN / "uvicorn"),
            "bench.fanout_asgi:application",
            "--host",
            LOOPBACK,
            "--port",
            str(port),
        ]
        args += ["--no-access-log", "--log-level", "warning", "--no-server-header"]
        env = stack.env(
            DJANGO_SETTINGS_MODULE="bench.fanout_settings",
            FANOUT_LAYER=setup.layer,
            **{**sockets_database_env(), **setup.env},
        )
        processes.append(stack.spawn(f"{setup.name}-{i}", args, env=env))
        ports.append(port)
    for port, process in zip(ports, processes, strict=True):
        wait_for_http(f"http://{LOOPBACK}:{port}/healthz", process)
    return ports, processes


def verdict(rows: list) -> str:
    lines = []
    for count in sorted({row["clients"] for row in rows}):
        for mode in ("paced", "burst"):
            pick = {r["setup"].name: r for r in rows if r["clients"] == count and r["mode"] == mode}
            base = pick.get("bare-core")
            for name, what in (("live-pubsub", "live rooms"), ("live-thread", "a live forum thread")):
                live = pick.get(name)
                if not (live and base):
                    continue
                ratio = live["p95"] / base["p95"] if base["p95"] else float("nan")
                ok = ratio <= 0.5 and live["lost"] == 0 and live["duplicated"] == 0
                lines.append(
                    f"- {count:,} clients, {mode}: {what} over Redis p95 {live['p95']:.0f} ms = "
                    f"{ratio:.2f} × the bare baseline's {base['p95']:.0f} ms; lost {live['lost']}, "
                    f"duplicated {live['duplicated']}; server CPU {live['cpu']:.1f} s against "
                    f"{base['cpu']:.1f} s: {'target met' if ok else 'target NOT met'}."
                )
    return "\n".join(lines)


def connect_verdict(connect_rows: list) -> str:
    """The issue's goal: live rooms connect and subscribe N clients within 3x the bare consumer's time."""
    lines = []
    for count in sorted({row["clients"] for row in connect_rows}):
        pick = {r["setup"].name: r for r in connect_rows if r["clients"] == count}
        base = pick.get("bare-core") or pick.get("bare-pubsub")
        for name in ("live-pubsub", "live-thread", "live-pubsub-age0"):
            live = pick.get(name)
            if live and base:
                ratio = live["seconds"] / base["seconds"]
                lines.append(
                    f"- {count:,} clients, {live['setup'].label}: connected and subscribed in "
                    f"{live['seconds']:.2f} s = {ratio:.2f} × the bare consumer's {base['seconds']:.2f} s "
                    f"({base['setup'].label}): {'target met' if ratio <= 3 else 'target NOT met'} (3 ×)."
                )
    return "\n".join(lines)


def write_results(text: str, title: str = "Live fan-out") -> None:
    results = BENCH / "RESULTS.md"
    current = results.read_text() if results.exists() else "# Benchmarks\n"
    section = f"## {title}\n\n{text.strip()}\n"
    pattern = re.compile(rf"## {re.escape(title)}\n.*?(?=\n## |\Z)", re.S)
    updated = (
        pattern.sub(section.rstrip("\n"), current)
        if pattern.search(current)
        else current.rstrip("\n") + "\n\n" + section
    )
    results.write_text(updated if updated.endswith("\n") else updated + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="200,1000", help="comma-separated numbers of clients")
    parser.add_argument(
        "--only", default="", help="comma-separated setup names: " + ", ".join(s.name for s in SETUPS)
    )
    parser.add_argument(
        "--receivers",
        choices=["members", "anonymous"],
        default="members",
        help="signed-in members (a session each) or anonymous clients",
    )
    parser.add_argument("--connect-only", action="store_true", help="measure connecting only, no delivery")
    parser.add_argument("--write", action="store_true", help="record the figures in bench/RESULTS.md")
    parser.add_argument(
        "--write-connect", action="store_true", help='record connect and delivery under "Live connect"'
    )
    args = parser.parse_args()
    client_counts = [int(n) for n in args.clients.split(",")]
    setups = [s for s in SETUPS if not args.only or s.name in args.only.split(",")]
    trial_numbers = iter(range(1, 10_000))
    rows, connect_rows = [], []
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    receivers = max(client_counts) if args.receivers == "members" else 0
    with Stack(prefix="km4b-fanout-") as stack:
        stack.start_postgres()
        postgres = next(process for process in stack.processes if process.name == "postgres")
        stack.start_redis()
        stack.manage("migrate", "--noinput", "-v0")
        output = stack.manage("shell", "-c", SEED.replace("RECEIVERS", str(receivers)))
        seed = json.loads(output.split("RESULT ", 1)[1].splitlines()[0])
        if not receivers:
            seed.pop("receivers")
        print(HEADER, flush=True)
        for setup in setups:
            ports, processes = start_servers(stack, setup)
            cpu = {
                "servers": lambda processes=processes: sum(group_cpu_seconds(p.pid) for p in processes),
                "postgres": lambda: postgres_cpu_seconds(postgres),
            }
            try:
                rows += asyncio.run(
                    bench_setup(
                        setup,
                        ports,
                        seed,
                        client_counts,
                        trial_numbers,
                        cpu=cpu,
                        connect_rows=connect_rows,
                        delivery=not args.connect_only,
                        sender_env=stack.env(
                            DJANGO_SETTINGS_MODULE="bench.fanout_settings",
                            FANOUT_LAYER=setup.layer,
                            **sockets_database_env(),
                        ),
                    )
                )
            finally:
                for process in processes:
                    process.stop()
                    stack.processes.remove(process)
    load_after = os.getloadavg()[0]
    summary = verdict(rows)
    print("\n" + summary)
    print("\n" + CONNECT_HEADER + "\n" + "\n".join(_connect_row(row) for row in connect_rows))
    connect_summary = connect_verdict(connect_rows)
    print("\n" + connect_summary)
    if args.write_connect:
        who = (
            "signed-in members, each with a session of their own (the bare consumer gets the same cookies "
            "through the same middleware stack)"
            if receivers
            else "anonymous"
        )
        text = "\n".join(
            [
                f"Measured by `bench/fanout.py --receivers {args.receivers}` on this machine (2 cores, shared: "
                f"load average {load_before:.1f} at the start, {load_after:.1f} at the end, other engineers' "
                f"work running meanwhile, which inflates every figure alike) in one run of "
                f"{time.monotonic() - started:.0f} s, production settings on PostgreSQL and Redis, the "
                "servers with deploy/Procfile's database settings for `sockets`. Clients: "
                f"{who}, opened 100 at a time and spread over the server processes. Time until every client "
                "is connected (bare) or has its `subscribed` frame (live rooms), and the CPU the server "
                "processes and PostgreSQL spent meanwhile, per client.",
                "",
                CONNECT_HEADER,
                *(_connect_row(row) for row in connect_rows),
                "",
                connect_summary,
                *(
                    [
                        "",
                        f"Delivery in the same run (one sender, {PACED_COUNT} messages paced at {PACED_RATE:g}/s, "
                        f"then {BURST_COUNT} in a burst):",
                        "",
                        HEADER,
                        *(_row(row) for row in rows),
                        "",
                        summary,
                    ]
                    if rows
                    else []
                ),
            ]
        )
        write_results(text, "Live connect")
        print(f"Recorded in {BENCH / 'RESULTS.md'}")
    if args.write:
        text = "\n".join(
            [
                f"Measured by `bench/fanout.py` on this machine (2 cores) in one run of {time.monotonic() - started:.0f} s "
                f"(load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end: other work on "
                "the machine inflates every figure alike): "
                f"N clients in one room spread over the server processes, one sender, {PACED_COUNT} messages "
                f"paced at {PACED_RATE:g}/s then {BURST_COUNT} in a burst. Latency from the sender's send to each "
                "client's receipt (one clock). Live rooms post through the real service (numbered, stored, "
                "broadcast after commit, relayed by one hub per process); the bare relay consumer only joins a "
                "group and relays, each socket receiving through the layer itself.",
                "",
                HEADER,
                *(_row(row) for row in rows),
                "",
                summary,
            ]
        )
        write_results(text)
        print(f"Recorded in {BENCH / 'RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
