"""The production stack, started once per session for the `stack` tests (make test-stack).

PostgreSQL and Redis on free 127.0.0.1 ports, the release step (migrate, collectstatic) under
config.settings.production, then the chosen serving topology: nginx ending TLS on one port, pages to
gunicorn, /ws/ to uvicorn; a second uvicorn process; a Celery worker. Everything stops at the end,
also when a test or the start-up fails. `make test` deselects these tests, so none of this starts there.
"""

import ssl
import time
from dataclasses import dataclass

import pytest

from tests.stack.processes import LOOPBACK, Process, Stack, free_port, wait_for_http


@dataclass
class Servers:
    nginx_port: int
    pages_port: int
    sockets_port: int
    second_sockets_port: int
    tls: ssl.SSLContext

    @property
    def site(self) -> str:
        return f"https://{LOOPBACK}:{self.nginx_port}"

    @property
    def origin(self) -> str:
        return self.site


@pytest.fixture(scope="session")
def stack():
    with Stack() as started:
        started.start_postgres()
        started.start_redis()
        started.prepare_database_and_static()
        yield started


@pytest.fixture(scope="session")
def servers(stack) -> Servers:
    """deploy/Procfile's `pages` and `sockets` behind nginx, plus a second `sockets` process."""
    pages_port, sockets_port, second_port = free_port(), free_port(), free_port()
    pages = stack.start_procfile("pages", PAGES_BIND=f"{LOOPBACK}:{pages_port}", PAGES_WORKERS="2")
    sockets = stack.start_procfile("sockets", SOCKETS_PORT=str(sockets_port))
    second = stack.start_procfile("sockets", label="sockets-2", SOCKETS_PORT=str(second_port))
    for process, port in ((pages, pages_port), (sockets, sockets_port), (second, second_port)):
        wait_for_http(f"http://{LOOPBACK}:{port}/healthz", process)
    nginx_port = stack.start_nginx(pages_port=pages_port, sockets_port=sockets_port)
    tls = ssl.create_default_context(cafile=str(stack.tls_cert))
    return Servers(nginx_port, pages_port, sockets_port, second_port, tls)


def wait_for_log(process: Process, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while text not in process.log(tail=100_000):
        if not process.alive():
            raise process.failure(f"stopped before logging {text!r}")
        if time.monotonic() > deadline:
            raise process.failure(f"did not log {text!r} within {timeout:.0f}s")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def celery_worker(stack) -> Process:
    worker = stack.start_procfile("worker", CELERY_CONCURRENCY="1")
    wait_for_log(worker, " ready.")
    return worker
