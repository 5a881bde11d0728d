"""Live discussion on the production stack: PostgreSQL, Redis (RedisPubSubChannelLayer) and several
uvicorn processes (deploy/Procfile's `sockets` line).

- A client on process 1 sees a message posted by a client on process 2.
- A client whose process is killed reconnects to another process with the last seq it saw and misses
  nothing, shows nothing twice.
- Many people posting at once on two processes: every viewer gets seq 1..N exactly once, in order
  (the seq is taken under a row lock on PostgreSQL).
"""

import asyncio
import json
import os
import signal

import pytest
from websockets.asyncio.client import connect

from tests.stack.processes import LOOPBACK, free_port, wait_for_http

pytestmark = pytest.mark.stack

SETUP = r"""
import json
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.crypto import get_random_string
from cop.models import CommunityIndexPage, CommunityPage, Membership
from forums.live import services
from home.models import HomePage

tag = get_random_string(8).lower()
home = HomePage.objects.first()
index = CommunityIndexPage.objects.first() or home.add_child(instance=CommunityIndexPage(title="Communities", slug="communities"))
community = index.add_child(instance=CommunityPage(
    title=f"Live stack {tag}", slug=f"live-stack-{tag}", summary="Stack test", visibility="members"))
users, sessions = [], []
for i in range(PEOPLE):
    user = get_user_model().objects.create_user(email=f"live{i}-{tag}@km4b.test", display_name=f"Person {i}")
    Membership.objects.create(user=user, community=community, status="active", role="facilitator" if i == 0 else "member")
    client = Client()
    client.force_login(user)
    sessions.append(client.cookies["sessionid"].value)
    users.append(user)
room = services.room_create(community=community, title=f"Room {tag}", actor=users[0])
print("RESULT " + json.dumps({"room": room.pk, "sessions": sessions}))
"""


@pytest.fixture(scope="module")
def live_room(stack):
    output = stack.manage("shell", "-c", SETUP.replace("PEOPLE", "6"), timeout=300)
    return json.loads(output.split("RESULT ", 1)[1].splitlines()[0])


@pytest.fixture(scope="module")
def spare_sockets(stack, servers):
    """A third `sockets` process of our own, to be killed."""
    port = free_port()
    process = stack.start_procfile("sockets", label="sockets-live-spare", SOCKETS_PORT=str(port))
    wait_for_http(f"http://{LOOPBACK}:{port}/healthz", process)
    return port, process


def ws_url(port: int, streams: str) -> str:
    return f"ws://{LOOPBACK}:{port}/ws/live/?streams={streams}"


def open_socket(port: int, streams: str, session: str | None = None):
    headers = {"Cookie": f"sessionid={session}"} if session else {}
    return connect(
        ws_url(port, streams), origin=f"http://{LOOPBACK}:{port}", additional_headers=headers, open_timeout=15
    )


async def frame_of(ws, kind: str, timeout: float = 15) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(decode=True), timeout=timeout))
        if frame["type"] == kind:
            return frame


async def post(ws, key: str, body: str) -> None:
    await ws.send(json.dumps({"type": "post", "stream": key, "body": body, "ref": body}))


async def events(ws, count: int, timeout: float = 20) -> list[dict]:
    got = []
    while len(got) < count:
        got.append(await frame_of(ws, "event", timeout=timeout))
    return got


async def test_a_message_posted_on_process_two_reaches_a_client_on_process_one(servers, live_room):
    key = f"room:{live_room['room']}"
    reader_session, writer_session = live_room["sessions"][1], live_room["sessions"][2]
    async with (
        open_socket(servers.sockets_port, key, reader_session) as reader,
        open_socket(servers.second_sockets_port, key, writer_session) as writer,
    ):
        start = (await frame_of(reader, "subscribed"))["seq"]
        await frame_of(writer, "subscribed")
        await post(writer, key, "From the second process")
        event = (await events(reader, 1))[0]
        assert event["seq"] == start + 1
        assert "From the second process" in event["data"]["ops"][0]["html"]
        assert (await frame_of(writer, "ack"))["ref"] == "From the second process"


async def test_anonymous_and_foreign_origin_are_refused_on_a_members_only_room(servers, live_room):
    key = f"room:{live_room['room']}"
    with pytest.raises(Exception, match="403"):
        async with open_socket(servers.sockets_port, key):
            pass
    headers = {"Cookie": f"sessionid={live_room['sessions'][1]}"}
    with pytest.raises(Exception, match="403"):
        async with connect(
            ws_url(servers.sockets_port, key), origin="https://evil.example", additional_headers=headers
        ):
            pass


async def test_a_client_whose_process_dies_reconnects_elsewhere_and_misses_nothing(
    servers, live_room, spare_sockets
):
    key = f"room:{live_room['room']}"
    spare_port, spare_process = spare_sockets
    reader_session, writer_session = live_room["sessions"][3], live_room["sessions"][4]
    async with open_socket(servers.second_sockets_port, key, writer_session) as writer:
        await frame_of(writer, "subscribed")
        seen: list[int] = []
        bodies: list[str] = []
        reader = await open_socket(spare_port, key, reader_session)
        last = (await frame_of(reader, "subscribed"))["seq"]
        for i in range(3):
            await post(writer, key, f"before the crash {i}")
        for event in await events(reader, 3):
            seen.append(event["seq"])
            bodies.append(event["data"]["ops"][0]["html"])
        last = seen[-1]

        os.killpg(spare_process.pid, signal.SIGKILL)  # the process dies: no close frame, no goodbye
        for i in range(4):
            await post(writer, key, f"while away {i}")
        await asyncio.wait_for(reader.wait_closed(), timeout=15)

        # live.js reconnects (to whichever process the proxy picks) with the last seq it applied.
        async with open_socket(servers.sockets_port, f"{key}:{last}", reader_session) as again:
            assert (await frame_of(again, "subscribed"))["seq"] == last
            await post(writer, key, "after the reconnect")
            for event in await events(again, 5):
                seen.append(event["seq"])
                bodies.append(event["data"]["ops"][0]["html"])
    assert seen == list(range(seen[0], seen[0] + 8)), seen
    texts = [f"before the crash {i}" for i in range(3)] + [f"while away {i}" for i in range(4)]
    texts.append("after the reconnect")
    assert all(text in body for text, body in zip(texts, bodies, strict=True))


async def test_concurrent_posters_on_two_processes_give_every_viewer_one_gapless_sequence(servers, live_room):
    key = f"room:{live_room['room']}"
    sessions = live_room["sessions"]
    ports = [servers.sockets_port, servers.second_sockets_port]
    per_writer = 8
    async with open_socket(ports[0], key, sessions[5]) as viewer_one:
        start = (await frame_of(viewer_one, "subscribed"))["seq"]
        writers = [await open_socket(ports[i % 2], key, sessions[1 + i]) for i in range(4)]
        for writer in writers:
            await frame_of(writer, "subscribed")

        async def write(index, writer):
            for n in range(per_writer):
                await post(writer, key, f"w{index}-{n}")

        await asyncio.gather(*(write(i, w) for i, w in enumerate(writers)))
        received = await events(viewer_one, 4 * per_writer, timeout=30)
        other = await events(writers[1], 4 * per_writer, timeout=30)
        for writer in writers:
            await writer.close()
    seqs = [event["seq"] for event in received]
    assert seqs == list(range(start + 1, start + 1 + 4 * per_writer))
    assert [event["seq"] for event in other] == seqs
    bodies = "".join(event["data"]["ops"][0]["html"] for event in received)
    assert all(f"w{i}-{n}<" in bodies for i in range(4) for n in range(per_writer))
