"""The production stack, started once per session for the `stack` tests (make test-stack).

PostgreSQL and Redis on free 127.0.0.1 ports, deploy/Procfile's release step (migrate, collectstatic)
under config.settings.production, then the chosen serving topology: nginx ending TLS on one port, pages to
gunicorn, /ws/ to uvicorn; a second uvicorn process; a Celery worker. Everything stops at the end,
also when a test or the start-up fails. `make test` deselects these tests, so none of this starts there.
"""

import ssl
from dataclasses import dataclass

import pytest

from tests.stack.processes import LOOPBACK, Process, Stack, free_port, wait_for_http, wait_for_log


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


@dataclass
class Production:
    servers: Servers
    worker: Process


@pytest.fixture(scope="session")
def stack():
    """PostgreSQL, Redis, deploy/Procfile's release step and the site's home page."""
    with Stack() as started:
        started.start_postgres()
        started.start_redis()
        started.release()
        started.seed_home().finish()
        yield started


@pytest.fixture(scope="session")
def production(stack) -> Production:
    """Every server process at once (each takes seconds to load Django): deploy/Procfile's `pages` and
    `sockets` behind nginx, a second `sockets`, a `worker`. The stack stops them at the end."""
    ports = {"pages": free_port(), "sockets": free_port(), "sockets-2": free_port()}
    processes = {
        "pages": stack.start_procfile("pages", PAGES_BIND=f"{LOOPBACK}:{ports['pages']}", PAGES_WORKERS="2"),
        "sockets": stack.start_procfile("sockets", SOCKETS_PORT=str(ports["sockets"])),
        "sockets-2": stack.start_procfile("sockets", label="sockets-2", SOCKETS_PORT=str(ports["sockets-2"])),
    }
    worker = stack.start_procfile("worker", CELERY_CONCURRENCY="1")
    for name, process in processes.items():
        wait_for_http(f"http://{LOOPBACK}:{ports[name]}/healthz", process)
    nginx_port = stack.start_nginx(pages_port=ports["pages"], sockets_port=ports["sockets"])
    tls = ssl.create_default_context(cafile=str(stack.tls_cert))
    servers = Servers(nginx_port, ports["pages"], ports["sockets"], ports["sockets-2"], tls)
    wait_for_log(worker, " ready.")
    return Production(servers, worker)


@pytest.fixture(scope="session")
def servers(production) -> Servers:
    return production.servers


@pytest.fixture(scope="session")
def celery_worker(production) -> Process:
    return production.worker
