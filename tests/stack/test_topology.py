"""The chosen serving topology, seen from outside: one TLS address (nginx), pages from gunicorn's WSGI
workers, websockets under /ws/ from uvicorn, static files hashed and compressed by WhiteNoise."""

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.stack.processes import http_get

pytestmark = pytest.mark.stack


def test_healthz_is_green_through_nginx(servers):
    status, _, body = http_get(f"{servers.site}/healthz", context=servers.tls)
    report = json.loads(body)
    assert status == 200, report
    assert report["checks"] == {"database": "ok", "cache": "ok", "channel_layer": "ok", "celery_broker": "ok"}


def test_home_page_through_nginx_is_served_securely_and_compressed(servers):
    status, headers, body = http_get(
        f"{servers.site}/en/", headers={"Accept-Encoding": "gzip"}, context=servers.tls
    )
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    # Django saw https through X-Forwarded-Proto ($scheme), so production's HSTS header is sent.
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Server"] == "nginx", "nginx should not tell its version"


def test_plain_http_to_the_workers_is_sent_to_https(servers):
    status, headers, _ = http_get(f"http://127.0.0.1:{servers.pages_port}/en/")
    assert status == 301
    assert headers["Location"].startswith("https://")


def test_static_files_are_hashed_compressed_and_cached_for_ever(servers):
    _, _, body = http_get(f"{servers.site}/en/", context=servers.tls)
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body.decode())
    assert stylesheet, "the page links no hashed site.css"
    status, headers, _ = http_get(
        servers.site + stylesheet.group(1), headers={"Accept-Encoding": "gzip"}, context=servers.tls
    )
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]


async def test_websocket_through_nginx_answers_pong(servers):
    uri = f"wss://127.0.0.1:{servers.nginx_port}/ws/ping/"
    async with connect(uri, ssl=servers.tls, origin=servers.origin, open_timeout=10) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        assert json.loads(await socket.recv(decode=True)) == {"type": "pong"}


async def test_websocket_from_a_foreign_origin_is_refused(servers):
    uri = f"wss://127.0.0.1:{servers.nginx_port}/ws/ping/"
    with pytest.raises(InvalidStatus) as refused:
        async with connect(uri, ssl=servers.tls, origin="https://evil.example", open_timeout=10):
            pass
    assert refused.value.response.status_code == 403


def test_the_asgi_process_keeps_no_idle_database_connections(stack, servers):
    """Django serves each ASGI request from a thread of its own, so a persistent connection would stay
    open, one per thread ever used: the `sockets` process closes each request's (config/asgi.py)."""

    def idle_connections() -> int:
        with psycopg.connect(stack.database_url, autocommit=True) as connection:
            query = "SELECT count(*) FROM pg_stat_activity WHERE datname = 'km4b' AND state = 'idle'"
            return connection.execute(query).fetchone()[0]

    before = idle_connections()
    url = f"http://127.0.0.1:{servers.sockets_port}/healthz"
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda _: http_get(url)[0], range(36)))
    assert statuses == [200] * 36
    # Connections close as their request threads finish: poll rather than wait a fixed time (a leaked
    # persistent connection stays idle for good, so it still fails after the deadline).
    deadline = time.monotonic() + 10
    while idle_connections() > before + 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert idle_connections() <= before + 1
