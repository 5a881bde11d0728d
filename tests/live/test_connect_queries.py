"""What a live socket costs the database to connect and subscribe: a small constant number of queries,
the same with one room and one membership as with fifty of each and a long message log.

Each scenario runs under async_to_sync from the test's thread, so the consumer's database work
(database_sync_to_async) runs on this thread's connection, the one django_assert_num_queries watches;
queries_counted() enters and leaves the assertion on this thread too, around part of a scenario.
The counts are the same on PostgreSQL, but at disconnect, where SQLite logs the BEGIN and COMMIT around
the presence row's removal.
"""

from contextlib import asynccontextmanager

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.utils import timezone

from cop.models import Membership, MembershipStatus, Role, Visibility
from forums.live import services
from forums.live.models import Presence

from .conftest import communicator, make_community, receive_until, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

# Session (from the cache: none), user 1, room with its community and the viewer's membership 1, presence
# row 1 (an INSERT outside any transaction), the stream's last seq 1, presence summary 2 (once per process
# and stream, debounced: not per socket). Before: 14 in 7 trips to the database thread, then 7 in 3; the
# consumer's own trips at connect are now one instead of two (counted below).
CONNECT_QUERIES = 6
# Room with the membership 1, presence row 1, last seq 1, presence summary 2 (the user is known already).
SUBSCRIBE_QUERIES = 5
# Presence removed (BEGIN, DELETE, COMMIT), and at most the stream's presence summary (1): the leave is
# told to the stream's processes, which count again after LIVE_PRESENCE_DEBOUNCE (0.05 s in tests), inside
# this window when the machine is slow enough. An upper bound: the same with fifty rooms as with one.
DISCONNECT_QUERIES = 4
# A client coming back after seq 2: the events it missed, read with the last seq in the same trip.
RESUME_EXTRA_QUERIES = 1


@asynccontextmanager
async def queries_counted(django_assert_num_queries, count: int, *, at_most=None):
    """django_assert_num_queries(count) around part of a scenario run by async_to_sync (or, with
    `at_most`, that assertion object for an upper bound: django_assert_max_num_queries)."""
    assertion = (at_most or django_assert_num_queries)(count)
    await sync_to_async(assertion.__enter__)()
    yield
    await sync_to_async(assertion.__exit__)(None, None, None)


@pytest.fixture(params=[1, 50], ids=["little data", "fifty rooms and memberships"])
def data(request, site_home, public_community, member, facilitator):
    """`request.param` rooms in the community, memberships in as many communities, a long log."""
    rooms = [
        services.room_create(community=public_community, title=f"Session {n}", actor=facilitator)
        for n in range(request.param)
    ]
    for n in range(request.param - 1):
        community = make_community(site_home, f"Community {n}", Visibility.PUBLIC)
        Membership.objects.create(
            user=member,
            community=community,
            role=Role.MEMBER,
            status=MembershipStatus.ACTIVE,
            joined_at=timezone.now(),
        )
    for n in range(request.param):
        services.room_message_post(room_id=rooms[0].pk, author=facilitator, body=f"Message {n}")
    return rooms


def test_connect_with_a_stream_costs_a_constant_number_of_queries(
    data, member, django_assert_num_queries, django_assert_max_num_queries
):
    room = data[0]
    session = session_cookie(member)

    async def connect_and_subscribe():
        ws = communicator(f"/ws/live/?streams={room.stream_key}", session=session)
        async with queries_counted(django_assert_num_queries, CONNECT_QUERIES):
            assert (await ws.connect())[0]
            subscribed, _ = await receive_until(ws, "subscribed")
            presence, _ = await receive_until(ws, "presence")
        async with queries_counted(
            django_assert_num_queries, DISCONNECT_QUERIES, at_most=django_assert_max_num_queries
        ):
            await ws.disconnect()
        return subscribed, presence

    subscribed, presence = async_to_sync(connect_and_subscribe)()
    assert subscribed == {"type": "subscribed", "stream": room.stream_key, "seq": len(data), "can_post": True}
    assert presence["count"] == 1
    assert not Presence.objects.exists()  # the socket left: its presence went with it


def test_connect_with_a_stream_takes_one_trip_to_the_database_thread(data, member, monkeypatch):
    """The permission checks, the presence row and the position in one database_sync_to_async call (each
    trip also costs a connection health check in production, CONN_HEALTH_CHECKS, that no test counts)."""
    from channels.db import database_sync_to_async

    from forums.live import consumers, writer

    trips = []

    def counted(function):
        trips.append(function.__name__)
        return database_sync_to_async(function)

    for module in (consumers, writer):  # the socket's own trips (the hub's and the services' aside)
        monkeypatch.setattr(module, "database_sync_to_async", counted)
    session = session_cookie(member)

    async def connect():
        ws = communicator(f"/ws/live/?streams={data[0].stream_key}", session=session)
        assert (await ws.connect())[0]
        await receive_until(ws, "subscribed")
        await receive_until(ws, "presence")
        connected = list(trips)
        await ws.disconnect()
        return connected

    assert async_to_sync(connect)() == ["connect_streams"]


def test_subscribing_on_an_open_socket_costs_a_constant_number_of_queries(
    data, member, django_assert_num_queries
):
    second = data[-1]
    session = session_cookie(member)

    async def scenario():
        ws = communicator("/ws/live/", session=session)
        assert (await ws.connect())[0]
        async with queries_counted(django_assert_num_queries, SUBSCRIBE_QUERIES):
            await ws.send_json_to({"type": "subscribe", "stream": second.stream_key})
            subscribed, _ = await receive_until(ws, "subscribed")
            await receive_until(ws, "presence")
        await ws.disconnect()
        return subscribed

    subscribed = async_to_sync(scenario)()
    assert subscribed["stream"] == second.stream_key


def test_a_resuming_client_gets_what_it_missed_in_one_more_query(data, member, django_assert_num_queries):
    room = data[0]
    session = session_cookie(member)

    async def resume():
        ws = communicator(f"/ws/live/?streams={room.stream_key}:0", session=session)
        async with queries_counted(django_assert_num_queries, CONNECT_QUERIES + RESUME_EXTRA_QUERIES):
            assert (await ws.connect())[0]
            subscribed, _ = await receive_until(ws, "subscribed")
            events = []
            while len(events) < len(data):
                frame, _ = await receive_until(ws, "event")
                events.append(frame)
            await receive_until(ws, "presence")
        await ws.disconnect()
        return subscribed, events

    subscribed, events = async_to_sync(resume)()
    assert subscribed["seq"] == 0
    assert [event["seq"] for event in events] == list(range(1, len(data) + 1))
