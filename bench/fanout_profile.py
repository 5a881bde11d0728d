"""One live connect profiled in-process: signed-in members connect to a room's stream and subscribe, one
after another, through the same middleware stack as config/asgi.py (session and user from the cache and
the database), with the in-memory channel layer and the consumer's persistent database connection.
cProfile watches both threads at work: the event loop's and the database thread's (channels'
database_sync_to_async). Prints the wall and CPU time per connect, then each thread's busiest functions.

    .venv/bin/python bench/fanout_profile.py [connects (200)] [rows per profile (40)]

It runs under pytest (the test database of tests/conftest.py, copied from its template); it is not a test.
"""

import asyncio
import cProfile
import pstats
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CONNECTS = int(sys.argv[1]) if __name__ == "__main__" and len(sys.argv) > 1 else 200
ROWS = int(sys.argv[2]) if __name__ == "__main__" and len(sys.argv) > 2 else 40


@pytest.mark.django_db(transaction=True)
def test_profile_connect(settings, request):
    from asgiref.sync import sync_to_async
    from channels.layers import channel_layers
    from django.db import connection
    from wagtail.models import Locale, Page

    from cop.models import Role, Visibility
    from forums.live import services
    from home.demo import seed_home
    from tests.factories import UserFactory
    from tests.live.conftest import communicator, make_community, make_member, receive_until, session_cookie

    connects = request.config.getoption("--connects")
    rows = request.config.getoption("--rows")
    channel_layers.backends = {}
    Locale.objects.get_or_create(language_code="en")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", content_type_id=None))
    community = make_community(seed_home(), "Profiled webinar", Visibility.PUBLIC)
    facilitator = UserFactory(display_name="Facilitator")
    make_member(facilitator, community, Role.FACILITATOR)
    room = services.room_create(community=community, title="Webinar", actor=facilitator)
    sessions = []
    for n in range(connects + 1):
        member = UserFactory(display_name=f"Member {n}")
        make_member(member, community)
        sessions.append(session_cookie(member))
    connection.close()  # the consumer's database thread opens its own
    loop_profile, database_profile = cProfile.Profile(), cProfile.Profile()

    async def connect_all():
        await sync_to_async(database_profile.enable)()  # on the database thread itself
        sockets = []
        first = communicator(f"/ws/live/?streams={room.stream_key}", session=sessions[0])
        assert (await first.connect())[0]  # warms up: the hub, compiled lookups, the connection
        await receive_until(first, "subscribed")
        wall, cpu = time.perf_counter(), time.process_time()
        loop_profile.enable()
        for session in sessions[1:]:
            socket = communicator(f"/ws/live/?streams={room.stream_key}", session=session)
            assert (await socket.connect())[0]
            await receive_until(socket, "subscribed")
            sockets.append(socket)
        loop_profile.disable()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        await sync_to_async(database_profile.disable)()
        for socket in [first, *sockets]:
            await socket.disconnect()
        return wall, cpu

    wall, cpu = asyncio.run(connect_all())
    channel_layers.backends = {}
    print(
        f"\n{connects} connects and subscribes: {wall / connects * 1000:.2f} ms of wall time and "
        f"{cpu / connects * 1000:.2f} ms of CPU each (this process: the clients, the server and the "
        "database alike)"
    )
    for name, profile in (("event loop", loop_profile), ("database thread", database_profile)):
        print(f"\n=== {name}: by own time")
        pstats.Stats(profile).sort_stats("tottime").print_stats(rows)
        print(f"\n=== {name}: by cumulative time")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(rows)


def pytest_addoption(parser):
    parser.addoption("--connects", type=int, default=CONNECTS)
    parser.addoption("--rows", type=int, default=ROWS)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()  # before tests/conftest.py is loaded as a plugin (it imports the factories)
    sys.exit(
        pytest.main(
            [
                __file__,
                "-q",
                "-s",
                "-p",
                "tests.conftest",
                "-p",
                "bench.fanout_profile",
                f"--connects={CONNECTS}",
                f"--rows={ROWS}",
                "--rootdir",
                str(ROOT),
            ]
        )
    )
