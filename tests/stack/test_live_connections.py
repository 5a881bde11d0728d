"""Database connections of deploy/Procfile's `sockets` processes on PostgreSQL: each process serves all
its websockets over one persistent connection (reused from socket to socket, health-checked by Django),
closes the connection of every HTTP request it serves, and gives its connection back when its last
socket closes, so that no connection is left idle after the run.

Two `sockets` processes of this module's own, told apart in pg_stat_activity by their application name
(libpq's PGAPPNAME).
"""

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from websockets.asyncio.client import connect

from tests.stack.processes import LOOPBACK, free_port, http_get, wait_for_http

pytestmark = pytest.mark.stack

PEOPLE = 24

SETUP = r"""
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.cached_db import SessionStore
from django.utils import timezone
from django.utils.crypto import get_random_string
from cop.models import CommunityIndexPage, CommunityPage, Membership
from forums.live import services
from home.models import HomePage

tag = get_random_string(8).lower()
home = HomePage.objects.first()
index = CommunityIndexPage.objects.first() or home.add_child(instance=CommunityIndexPage(title="Communities", slug="communities"))
community = index.add_child(instance=CommunityPage(
    title=f"Connections {tag}", slug=f"connections-{tag}", summary="Stack test", visibility="members"))
User = get_user_model()
users = User.objects.bulk_create([
    User(username=f"conn{i}-{tag}@km4b.test", email=f"conn{i}-{tag}@km4b.test", display_name=f"Person {i}",
         password=make_password(None))
    for i in range(PEOPLE)
])
Membership.objects.bulk_create([
    Membership(user=user, community=community, status="active", role="facilitator" if i == 0 else "member",
               joined_at=timezone.now())
    for i, user in enumerate(users)
])
sessions = []
for user in users:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    sessions.append(store.session_key)
room = services.room_create(community=community, title=f"Room {tag}", actor=users[0])
print("RESULT " + json.dumps({"room": room.pk, "sessions": sessions}))
"""


@pytest.fixture(scope="module")
def members_room(stack):
    output = stack.manage("shell", "-c", SETUP.replace("PEOPLE", str(PEOPLE)), timeout=300)
    return json.loads(output.split("RESULT ", 1)[1].splitlines()[0])


@pytest.fixture(scope="module")
def socket_processes(stack):
    """Two `sockets` lines of deploy/Procfile as written: {application name: port}."""
    started = {}
    for name in ("km4b-sockets-a", "km4b-sockets-b"):
        port = free_port()
        process = stack.start_procfile("sockets", label=name, SOCKETS_PORT=str(port), PGAPPNAME=name)
        started[name] = (port, process)
    for port, process in started.values():
        wait_for_http(f"http://{LOOPBACK}:{port}/healthz", process)
    yield {name: port for name, (port, _) in started.items()}
    for _, process in started.values():
        process.stop()
        stack.processes.remove(process)


def backends(stack, application_name: str) -> list[tuple[int, str]]:
    """The process's PostgreSQL connections: (backend pid, state)."""
    with psycopg.connect(stack.database_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid, state FROM pg_stat_activity WHERE application_name = %s", [application_name]
        ).fetchall()
    return [(pid, state) for pid, state in rows]


async def open_members(port: int, room: int, sessions: list[str]) -> list:
    async def one(session):
        ws = await connect(
            f"ws://{LOOPBACK}:{port}/ws/live/?streams=room:{room}",
            origin=f"http://{LOOPBACK}:{port}",
            additional_headers={"Cookie": f"sessionid={session}"},
            open_timeout=30,
        )
        while json.loads(await asyncio.wait_for(ws.recv(decode=True), timeout=30))["type"] != "subscribed":
            pass
        return ws

    return list(await asyncio.gather(*(one(session) for session in sessions)))


async def until(condition, timeout: float = 15.0) -> bool:
    """Polls `condition` (a callable) until it is true; False if it is not within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.2)
    return True


async def test_each_socket_process_serves_all_its_sockets_over_one_reused_connection(
    stack, socket_processes, members_room
):
    names = list(socket_processes)

    def pids() -> dict:
        return {name: [pid for pid, _ in backends(stack, name)] for name in names}

    # The start-up's /healthz requests closed their connections (just after their responses).
    assert await until(lambda: pids() == {name: [] for name in names}), pids()
    room, sessions = members_room["room"], members_room["sessions"]
    half = PEOPLE // 2
    first_wave = {
        name: await open_members(socket_processes[name], room, sessions[i * half : i * half + half // 2])
        for i, name in enumerate(names)
    }
    held = {name: backends(stack, name) for name in names}
    assert all(len(held[name]) == 1 for name in names), held

    # More sockets, and HTTP requests on the same processes: still that one connection each.
    second_wave = {
        name: await open_members(
            socket_processes[name], room, sessions[i * half + half // 2 : (i + 1) * half]
        )
        for i, name in enumerate(names)
    }
    with ThreadPoolExecutor(max_workers=8) as pool:
        urls = [f"http://{LOOPBACK}:{port}/healthz" for port in socket_processes.values()] * 12
        statuses = list(pool.map(lambda url: http_get(url)[0], urls))
    assert statuses == [200] * len(urls)

    # A request's connection is closed just after its response is sent: wait for that, then compare.
    held_pids = {name: [pid for pid, _ in held[name]] for name in names}
    assert await until(lambda: pids() == held_pids, timeout=10), (held_pids, pids())

    # The last socket of a process closes: its connection goes too, none is left idle.
    for sockets in (*first_wave.values(), *second_wave.values()):
        for ws in sockets:
            await ws.close()
    assert await until(lambda: pids() == {name: [] for name in names}), pids()
