"""How fast the home page is served by each candidate server, on this machine (make bench).

Starts PostgreSQL and Redis (tests/stack/processes.py), runs the release step and loads the demo site,
then serves the English home page and a static file under gunicorn (WSGI), uvicorn and daphne (ASGI), and behind nginx,
each in turn, and measures it with wrk: loopback only, bounded in time. Prints a Markdown table for
bench/RESULTS.md ("Serving").

    .venv/bin/python bench/serving.py [--seconds 10] [--connections 16] [--only gunicorn-3,uvicorn-2]
"""

import argparse
import gzip
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.stack.processes import (  # noqa: E402
    LOOPBACK,
    Stack,
    StackError,
    free_port,
    http_get,
    set_autogroup_nice,
    wait_for_http,
    wait_until_idle,
)

PAGE = "/en/"
# Direct to the app servers there is no TLS proxy; say what nginx would, or production redirects.
DIRECT_HEADERS = {"X-Forwarded-Proto": "https"}


@dataclass
class Setup:
    name: str
    server: str  # "pages" (gunicorn), "sockets" (uvicorn) or "daphne"
    processes: int
    behind_nginx: bool = False

    @property
    def label(self) -> str:
        program = {
            "pages": "gunicorn (WSGI, sync workers)",
            "sockets": "uvicorn (ASGI)",
            "daphne": "daphne (ASGI)",
        }
        via = "nginx (TLS, gzip) → " if self.behind_nginx else ""
        unit = "worker" if self.processes == 1 else "workers"
        return f"{via}{program[self.server]}, {self.processes} {unit}"


SETUPS = [
    Setup("gunicorn-2", "pages", 2),
    Setup("gunicorn-3", "pages", 3),
    Setup("gunicorn-4", "pages", 4),
    Setup("uvicorn-1", "sockets", 1),
    Setup("uvicorn-2", "sockets", 2),
    Setup("daphne-1", "daphne", 1),
    Setup("nginx-gunicorn-3", "pages", 3, behind_nginx=True),
    Setup("nginx-uvicorn-2", "sockets", 2, behind_nginx=True),
]


@dataclass
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    load_before: float


@dataclass
class Result:
    setup: Setup
    page: Run
    static: Run


def start_server(stack: Stack, setup: Setup, port: int):
    if setup.server == "pages":
        return stack.start_procfile(
            "pages", label=setup.name, PAGES_BIND=f"{LOOPBACK}:{port}", PAGES_WORKERS=str(setup.processes)
        )
    if setup.server == "sockets":
        return stack.start_procfile(
            "sockets", label=setup.name, SOCKETS_PORT=str(port), SOCKETS_WORKERS=str(setup.processes)
        )
    args = ["daphne", "-b", LOOPBACK, "-p", str(port), "--proxy-headers", "config.asgi:application"]
    return stack.spawn(setup.name, args, env=stack.env(CONN_MAX_AGE="0"))  # as deploy/Procfile's ASGI line


def wrk(url: str, *, seconds: int, connections: int, headers: dict[str, str]) -> str:
    args = ["wrk", "--threads", "2", "--connections", str(connections), "--duration", f"{seconds}s"]
    args += ["--timeout", "10s", "--latency"]
    for name, value in headers.items():
        args += ["--header", f"{name}: {value}"]
    result = subprocess.run([*args, url], capture_output=True, text=True, timeout=seconds + 30, check=True)
    return result.stdout


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> tuple[float, float, float, int, int]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return rps, p50, p99, requests, errors


def measure(stack: Stack, setup: Setup, *, seconds: int, connections: int) -> Result:
    """The home page, then one hashed static file (WhiteNoise: almost no application work, so it
    shows what the server itself costs), each warmed up for 2 s, then measured."""
    port = free_port()
    server = start_server(stack, setup, port)
    try:
        wait_for_http(f"http://{LOOPBACK}:{port}/healthz", server)
        wait_until_idle(server)
        if setup.behind_nginx:
            nginx_port = stack.start_nginx(pages_port=port, sockets_port=port, workers=1)
            base, headers = f"https://{LOOPBACK}:{nginx_port}", {"Accept-Encoding": "gzip"}
            context = _unverified_tls()
        else:
            base, headers, context = f"http://{LOOPBACK}:{port}", DIRECT_HEADERS, None
        status, _, body = http_get(base + PAGE, headers=headers, context=context)
        if status != 200:
            raise StackError(f"{setup.name}: {base}{PAGE} answered {status}, not 200")
        html = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html.decode())
        if stylesheet is None:
            raise StackError(f"{setup.name}: the home page links no hashed site.css")
        runs = []
        for url in (base + PAGE, base + stylesheet.group(1)):
            wrk(url, seconds=2, connections=connections, headers=headers)
            load_before = os.getloadavg()[0]
            output = wrk(url, seconds=seconds, connections=connections, headers=headers)
            runs.append(Run(*parse_wrk(output), load_before=load_before))
        return Result(setup, *runs)
    finally:
        for process in [p for p in stack.processes if p.name in (setup.name, "nginx")]:
            process.stop()
            stack.processes.remove(process)


def _unverified_tls():
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def table(results: list[Result]) -> str:
    lines = [
        "| Server | page req/s | page p50 / p99 ms | static req/s | static p50 / p99 ms | errors | load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        page, static = r.page, r.static
        lines.append(
            f"| {r.setup.label} | {page.requests_per_second:,.0f} | {page.p50_ms:.0f} / {page.p99_ms:.0f} "
            f"| {static.requests_per_second:,.0f} | {static.p50_ms:.1f} / {static.p99_ms:.1f} "
            f"| {page.errors + static.errors} | {page.load_before:.1f} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each measured run (max 60)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (max 256)")
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="CPU priority of the whole run, services included (below 0 needs root): on a busy shared "
        "machine, -10 keeps other work from taking the cores in the middle of a run",
    )
    parser.add_argument(
        "--only", default="", help="comma-separated setup names: " + ", ".join(s.name for s in SETUPS)
    )
    options = parser.parse_args()
    seconds = max(1, min(options.seconds, 60))
    connections = max(1, min(options.connections, 256))
    wanted = set(filter(None, options.only.split(",")))
    setups = [s for s in SETUPS if not wanted or s.name in wanted]
    if shutil.which("wrk") is None:
        print("wrk is missing: scripts/apt-ensure.sh wrk (make bench does it)", file=sys.stderr)
        return 2

    if options.nice:
        os.nice(options.nice)
        # Each service runs in its own session, which Linux schedules as one group: nice alone
        # would not reach across groups. wrk runs in this one.
        if not set_autogroup_nice("self", options.nice):
            print("could not raise this session's CPU share (/proc/self/autogroup)", file=sys.stderr)
    # A plain `kill` still stops the stack's services (the with-block below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    results = []
    with Stack(prefix="km4b-bench-") as stack:
        stack.autogroup_nice = options.nice or None
        stack.start_postgres()
        stack.start_redis()
        stack.release()
        stack.manage("seed_demo")
        # What autovacuum would do a moment later: without statistics on the fresh demo tables the
        # planner's first choices are poor, and the setups measured first would pay for it.
        with psycopg.connect(stack.database_url, autocommit=True) as connection:
            connection.execute("ANALYZE")
        print(
            f"stack ready in {time.monotonic() - started:.0f}s; {seconds}s per run, {connections} connections"
        )
        for setup in setups:
            result = measure(stack, setup, seconds=seconds, connections=connections)
            print(
                f"  {setup.name}: page {result.page.requests_per_second:,.0f} req/s, "
                f"static {result.static.requests_per_second:,.0f} req/s",
                flush=True,
            )
            results.append(result)
    print()
    print(
        f"GET {PAGE} (demo site) and site.css; wrk 2 threads, {connections} connections, {seconds}s per run"
    )
    print(f"{os.cpu_count()} cores, nice {os.nice(0)}; load = 1-minute load average before the page run")
    print()
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
