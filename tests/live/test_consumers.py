"""The live socket through the real middleware stack: auth by session cookie, permission at connect and
at subscribe, origin check, live delivery after commit, catch-up, limits, membership revocation."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from cop.models import MembershipStatus
from forums.live import services
from forums.live.limits import RateLimiter
from forums.live.models import StreamEvent
from tests.clock import FrozenClock

from .conftest import communicator, events_within, make_member, receive_until, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def member_session(member):
    return session_cookie(member)


@pytest.fixture
def outsider_session(outsider):
    return session_cookie(outsider)


post = database_sync_to_async(services.room_message_post)


async def subscribe(ws, key, after=None):
    frame = {"type": "subscribe", "stream": key}
    if after is not None:
        frame["after"] = after
    await ws.send_json_to(frame)
    subscribed, _ = await receive_until(ws, "subscribed", stream=key)
    return subscribed


async def next_event(ws, timeout=3):
    frame, _ = await receive_until(ws, "event", timeout=timeout)
    return frame


# AUTHENTICATION, PERMISSION, ORIGIN ----


async def test_anonymous_reads_a_public_room_but_cannot_post(room):
    ws = communicator(f"/ws/live/?streams={room.stream_key}")
    connected, _ = await ws.connect()
    assert connected
    subscribed, _ = await receive_until(ws, "subscribed")
    assert subscribed == {"type": "subscribed", "stream": room.stream_key, "seq": 0, "can_post": False}
    await ws.send_json_to({"type": "post", "stream": room.stream_key, "body": "hello", "ref": "a"})
    error, _ = await receive_until(ws, "error")
    assert error["code"] == "forbidden"
    assert await database_sync_to_async(room.messages.count)() == 0
    await ws.disconnect()


async def test_members_only_room_refuses_outsiders_at_connect(private_room, outsider_session):
    for session in (None, outsider_session):
        ws = communicator(f"/ws/live/?streams={private_room.stream_key}", session=session)
        connected, code = await ws.connect()
        assert not connected
        assert code == 4403


async def test_a_refused_connect_leaves_nothing_behind(room, private_room, outsider_session):
    """The streams are registered with the hub before the one trip that checks access: a refusal of any
    of them takes every one back, and no presence row was written (the checks come first)."""
    from channels.layers import get_channel_layer

    from forums.live.hub import hub_for
    from forums.live.models import Presence

    hub = hub_for(get_channel_layer())
    ws = communicator(
        f"/ws/live/?streams={room.stream_key},{private_room.stream_key}", session=outsider_session
    )
    connected, code = await ws.connect()
    assert (connected, code) == (False, 4403)
    assert room.stream_key not in hub.subscribers and private_room.stream_key not in hub.subscribers
    assert not await database_sync_to_async(Presence.objects.exists)()


async def test_a_stream_asked_for_twice_at_connect_is_followed_once(room):
    ws = communicator(f"/ws/live/?streams={room.stream_key}:0,{room.stream_key}")
    assert (await ws.connect())[0]
    subscribed, _ = await receive_until(ws, "subscribed")
    assert (subscribed["stream"], subscribed["seq"]) == (room.stream_key, 0)
    later = []
    while not await ws.receive_nothing(timeout=0.3):
        later.append((await ws.receive_json_from())["type"])
    assert "subscribed" not in later
    await ws.disconnect()


async def test_members_only_room_refuses_outsiders_at_subscribe(private_room, room, outsider_session):
    ws = communicator("/ws/live/", session=outsider_session)
    assert (await ws.connect())[0]
    await ws.send_json_to({"type": "subscribe", "stream": private_room.stream_key})
    error, _ = await receive_until(ws, "error")
    assert (error["code"], error["stream"]) == ("forbidden", private_room.stream_key)
    # The socket keeps working for what the user may read.
    assert (await subscribe(ws, room.stream_key))["stream"] == room.stream_key
    await ws.disconnect()


async def test_member_authenticated_by_session_cookie_may_post(private_room, member_session):
    ws = communicator(f"/ws/live/?streams={private_room.stream_key}", session=member_session)
    assert (await ws.connect())[0]
    subscribed, _ = await receive_until(ws, "subscribed")
    assert subscribed["can_post"] is True
    await ws.send_json_to(
        {"type": "post", "stream": private_room.stream_key, "body": "Bonjour à tous", "ref": "r1"}
    )
    _ack, frames = await receive_until(ws, "ack")
    by_type = {frame["type"]: frame for frame in frames}
    assert by_type["ack"]["ref"] == "r1"
    assert by_type["event"]["seq"] == 1
    assert "Bonjour à tous" in by_type["event"]["data"]["ops"][0]["html"]
    await ws.disconnect()


async def test_unknown_stream_is_refused(room):
    for path in ("/ws/live/?streams=room:999999", "/ws/live/?streams=nonsense", "/ws/live/?streams=room:1:x"):
        ws = communicator(path)
        connected, code = await ws.connect()
        assert not connected, path
        assert code == 4403


async def test_foreign_origin_is_refused(room, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    ws = communicator("/ws/live/", origin="http://evil.example")
    connected, _ = await ws.connect()
    assert not connected
    ws = communicator("/ws/live/", origin="http://testserver")
    connected, _ = await ws.connect()
    assert connected
    await ws.disconnect()


async def test_config_asgi_routes_live_sockets_through_the_auth_stack():
    from channels.routing import ProtocolTypeRouter

    from config.asgi import application

    assert isinstance(application, ProtocolTypeRouter)
    websocket = application.application_mapping["websocket"]
    assert type(websocket).__name__ == "OriginValidator"


# LIVE DELIVERY, ORDER, CATCH-UP ----


async def test_form_post_reaches_connected_viewers_after_commit(room, member):
    ws = communicator(f"/ws/live/?streams={room.stream_key}")
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")
    for text in ("first", "second", "third"):
        await post(room_id=room.pk, author=member, body=text)
    events = [await next_event(ws) for _ in range(3)]
    assert [event["seq"] for event in events] == [1, 2, 3]
    assert [
        "first" in events[0]["data"]["ops"][0]["html"],
        "third" in events[2]["data"]["ops"][0]["html"],
    ] == [
        True,
        True,
    ]
    assert events[0]["kind"] == "message.created"
    await ws.disconnect()


async def test_reconnect_with_last_seq_catches_up_exactly_once(room, member):
    for text in ("one", "two", "three", "four"):
        await post(room_id=room.pk, author=member, body=text)
    ws = communicator(f"/ws/live/?streams={room.stream_key}:2")
    assert (await ws.connect())[0]
    subscribed, _ = await receive_until(ws, "subscribed")
    assert subscribed["seq"] == 2
    caught_up = [await next_event(ws) for _ in range(2)]
    assert [event["seq"] for event in caught_up] == [3, 4]
    await post(room_id=room.pk, author=member, body="five")
    assert (await next_event(ws))["seq"] == 5
    assert await events_within(ws) == []
    await ws.disconnect()


async def test_resume_frame_resends_what_the_client_lost(room, member):
    ws = communicator(f"/ws/live/?streams={room.stream_key}:0")
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")
    await post(room_id=room.pk, author=member, body="one")
    await post(room_id=room.pk, author=member, body="two")
    assert [(await next_event(ws))["seq"] for _ in range(2)] == [1, 2]
    await ws.send_json_to({"type": "subscribe", "stream": room.stream_key, "after": 0})
    assert [(await next_event(ws))["seq"] for _ in range(2)] == [1, 2]
    await ws.disconnect()


async def test_far_behind_client_is_told_to_reload(room, member, settings):
    settings.LIVE_CATCHUP_LIMIT = 2
    for text in ("a", "b", "c", "d"):
        await post(room_id=room.pk, author=member, body=text)
    ws = communicator(f"/ws/live/?streams={room.stream_key}:0")
    assert (await ws.connect())[0]
    reset, _ = await receive_until(ws, "reset")
    assert reset["seq"] == 4
    await ws.disconnect()


async def test_events_published_out_of_order_are_delivered_in_order(room, member):
    """Two server processes may publish after commit in either order: the socket fills the gap."""
    from forums.live.hub import hub_for

    ws = communicator(f"/ws/live/?streams={room.stream_key}:0")
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")

    def write_two_without_broadcast():
        from django.db import transaction

        with transaction.atomic():
            services.room_message_post(room_id=room.pk, author=member, body="one")
            services.room_message_post(room_id=room.pk, author=member, body="two")
            transaction.get_connection().run_on_commit = []  # drop both broadcasts

    await database_sync_to_async(write_two_without_broadcast)()
    second = await database_sync_to_async(StreamEvent.objects.get)(stream__key=room.stream_key, seq=2)
    from channels.layers import get_channel_layer

    from forums.live.streams import stream_group

    layer = get_channel_layer()
    message = {"type": "live.event", "stream": room.stream_key, "seq": 2, "kind": second.kind}
    await layer.group_send(stream_group(room.stream_key), {**message, "i18n": second.payload["i18n"]})
    assert [(await next_event(ws))["seq"] for _ in range(2)] == [1, 2]
    assert await events_within(ws) == []
    assert hub_for(layer).subscribers
    await ws.disconnect()


# LIMITS: error frames, never a crash ----


async def test_bad_frames_get_error_frames_and_the_socket_keeps_going(room, settings):
    ws = communicator(f"/ws/live/?streams={room.stream_key}")
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")
    cases = [
        ("not json", "malformed"),
        (json.dumps([1, 2]), "unknown_type"),
        (json.dumps({"type": "launch"}), "unknown_type"),
        (json.dumps({"type": "subscribe", "stream": room.stream_key, "after": "x"}), "malformed"),
        (json.dumps({"type": "subscribe", "stream": "room:abc"}), "not_found"),
        (json.dumps({"type": "post", "stream": "room:424242", "body": "x"}), "not_subscribed"),
        ("x" * 9000, "too_large"),
    ]
    for text, code in cases:
        await ws.send_to(text_data=text)
        error, _ = await receive_until(ws, "error")
        assert error["code"] == code, text[:40]
    await ws.send_to(bytes_data=b"\x00\x01")
    assert (await receive_until(ws, "error"))[0]["code"] == "malformed"
    await ws.send_json_to({"type": "ping"})
    assert (await receive_until(ws, "pong"))[0] == {"type": "pong"}
    await ws.disconnect()


async def test_a_stream_that_is_not_text_is_a_bad_frame_and_logs_nothing(room, member_session, caplog):
    # An object or a list as the stream was used as a dict key: TypeError, logged as an ERROR.
    ws = communicator(f"/ws/live/?streams={room.stream_key}", session=member_session)
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")
    caplog.set_level("DEBUG")
    for frame_type in ("subscribe", "unsubscribe", "post", "typing"):
        for stream in ({"a": 1}, [room.stream_key], 7, True):
            await ws.send_json_to({"type": frame_type, "stream": stream, "body": "x", "ref": "r"})
            error, _ = await receive_until(ws, "error")
            assert error["code"] == "malformed", (frame_type, stream)
            assert "room:12" in error["message"]
    await ws.send_json_to({"type": "ping"})
    assert (await receive_until(ws, "pong"))[0] == {"type": "pong"}
    assert [r for r in caplog.records if r.levelno > 20] == []
    await ws.disconnect()


async def test_control_characters_in_a_posted_message_are_removed(room, member_session):
    ws = communicator(f"/ws/live/?streams={room.stream_key}", session=member_session)
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")
    await ws.send_json_to(
        {"type": "post", "stream": room.stream_key, "body": "\x00\x07\x1b\x7f", "ref": "nul"}
    )
    error, _ = await receive_until(ws, "error")
    assert (error["code"], error["ref"]) == ("invalid", "nul")  # nothing left: refused as empty
    await ws.send_json_to({"type": "post", "stream": room.stream_key, "body": "a\x00b\r\nc\td", "ref": "ok"})
    ack, _ = await receive_until(ws, "ack")
    message = await database_sync_to_async(room.messages.get)(pk=ack["id"])
    assert message.body == "ab\nc\td"
    assert "\x00" not in message.body_html and "ab<br>\nc\td" in message.body_html
    await ws.disconnect()


async def test_rate_limit_answers_with_error_frames_then_recovers(room, settings, monkeypatch):
    clock = FrozenClock(1000.0)
    monkeypatch.setattr(RateLimiter, "clock", clock)
    settings.LIVE_RATE_COUNT, settings.LIVE_RATE_SECONDS = 5, 0.5
    ws = communicator(f"/ws/live/?streams={room.stream_key}")
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")
    for _ in range(8):
        await ws.send_json_to({"type": "ping"})
    frames = [await ws.receive_json_from(timeout=2) for _ in range(8)]
    assert [frame["type"] for frame in frames].count("pong") == 5
    limited = [frame for frame in frames if frame["type"] == "error"]
    assert limited and all(frame["code"] == "rate_limited" and frame["retry_after"] > 0 for frame in limited)
    clock.advance(0.19)  # 1.9 tokens come back in that time: not yet two frames' worth
    await ws.send_json_to({"type": "ping"})
    await ws.send_json_to({"type": "ping"})
    frames = [await ws.receive_json_from(timeout=2) for _ in range(2)]
    assert [frame["type"] for frame in frames] == ["pong", "error"]
    clock.advance(limited[0]["retry_after"])
    await ws.send_json_to({"type": "ping"})
    assert (await receive_until(ws, "pong"))[0]["type"] == "pong"
    await ws.disconnect()


async def test_too_long_message_and_slow_mode_are_refused_with_reasons(room, member, facilitator):
    await database_sync_to_async(services.room_update_settings)(
        room=room, actor=facilitator, slow_mode_seconds=60, opens_at=None, closes_at=None
    )
    ws = communicator(
        f"/ws/live/?streams={room.stream_key}", session=await database_sync_to_async(session_cookie)(member)
    )
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")
    await ws.send_json_to({"type": "post", "stream": room.stream_key, "body": "x" * 2001, "ref": "long"})
    error, _ = await receive_until(ws, "error")
    assert (error["code"], error["ref"]) == ("invalid", "long")
    await ws.send_json_to({"type": "post", "stream": room.stream_key, "body": "first", "ref": "ok"})
    assert (await receive_until(ws, "ack"))[0]["ref"] == "ok"
    await ws.send_json_to({"type": "post", "stream": room.stream_key, "body": "second", "ref": "slow"})
    error, _ = await receive_until(ws, "error")
    assert error["code"] == "slow_mode"
    assert 0 < error["retry_after"] <= 60
    await ws.disconnect()


# MEMBERSHIP, PRESENCE, TYPING ----


async def test_banned_member_is_cut_off_from_the_communitys_streams(
    private_room, room, member, member_session, facilitator
):
    ws = communicator(f"/ws/live/?streams={private_room.stream_key}", session=member_session)
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")

    def ban():  # through cop's own service, as a facilitator does it
        from cop.services import membership_ban

        membership = private_room.community.memberships.get(user=member)
        membership_ban(actor=facilitator, membership_id=membership.pk, reason="spam")

    await database_sync_to_async(ban)()
    revoked, _ = await receive_until(ws, "revoked")
    assert revoked["stream"] == private_room.stream_key
    closed = await ws.receive_output(timeout=2)
    assert closed == {"type": "websocket.close", "code": 4403}
    await ws.disconnect()


async def test_removed_member_of_a_public_community_keeps_reading_but_cannot_post(
    room, member, member_session
):
    ws = communicator(f"/ws/live/?streams={room.stream_key}", session=member_session)
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")
    await database_sync_to_async(make_member)(member, room.community, status=MembershipStatus.REMOVED)
    access, _ = await receive_until(ws, "access")
    assert access == {"type": "access", "stream": room.stream_key, "can_post": False}
    await ws.send_json_to({"type": "post", "stream": room.stream_key, "body": "still here?", "ref": "x"})
    assert (await receive_until(ws, "error"))[0]["code"] == "forbidden"
    await ws.disconnect()


async def test_presence_counts_viewers_and_typing_reaches_others_only(room, member, member_session):
    anonymous = communicator(f"/ws/live/?streams={room.stream_key}")
    writer = communicator(f"/ws/live/?streams={room.stream_key}", session=member_session)
    assert (await anonymous.connect())[0]
    assert (await writer.connect())[0]
    deadline = asyncio.get_running_loop().time() + 3
    presence = {}
    while presence.get("count") != 2 and asyncio.get_running_loop().time() < deadline:
        presence, _ = await receive_until(anonymous, "presence")
    assert presence["count"] == 2
    assert presence["names"] == ["Lucía Fernández"]
    await writer.send_json_to({"type": "typing", "stream": room.stream_key})
    typing, _ = await receive_until(anonymous, "typing")
    assert typing == {"type": "typing", "stream": room.stream_key, "name": "Lucía Fernández"}
    await writer.disconnect()
    while presence.get("count") != 1:
        presence, _ = await receive_until(anonymous, "presence")
    assert presence["names"] == []
    await anonymous.disconnect()


async def test_events_arrive_in_the_viewers_language(room, member, site_home):
    def set_language():
        member.preferred_language = "fr"
        member.save()
        return session_cookie(member)

    session = await database_sync_to_async(set_language)()
    ws = communicator(f"/ws/live/?streams={room.stream_key}", session=session)
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")
    message = await post(room_id=room.pk, author=member, body="hello")
    await next_event(ws)
    facilitator = await database_sync_to_async(
        lambda: room.community.memberships.get(role="facilitator").user
    )()
    await database_sync_to_async(services.room_message_delete)(message=message, actor=facilitator)
    deleted = await next_event(ws)
    assert (
        "Message supprimé" in deleted["data"]["ops"][0]["html"]
        or "Message removed" in deleted["data"]["ops"][0]["html"]
    )
    await ws.disconnect()


async def test_an_unexpected_failure_answers_with_an_error_frame_and_the_socket_stays_up(
    room, member_session, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "room_message_post", broken)
    ws = communicator(f"/ws/live/?streams={room.stream_key}", session=member_session)
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")
    await ws.send_json_to({"type": "post", "stream": room.stream_key, "body": "hello", "ref": "x"})
    assert (await receive_until(ws, "error"))[0]["code"] == "server_error"
    await ws.send_json_to({"type": "ping"})
    assert (await receive_until(ws, "pong"))[0] == {"type": "pong"}
    await ws.disconnect()


# SESSIONS ----


async def _close_code(ws) -> int:
    """The code the server closed the socket with (frames sent before it are skipped)."""
    while True:
        output = await ws.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            return output["code"]


def _browser(session_key: str):
    from django.test import Client

    client = Client()
    client.cookies["sessionid"] = session_key
    return client


async def _two_sessions_following(room, member):
    """The member signed in twice (two browsers), each with a socket following the room."""
    here = await database_sync_to_async(session_cookie)(member)
    elsewhere = await database_sync_to_async(session_cookie)(member)
    sockets = {}
    for name, session in (("here", here), ("elsewhere", elsewhere)):
        sockets[name] = communicator(f"/ws/live/?streams={room.stream_key}", session=session)
        assert (await sockets[name].connect())[0]
        await receive_until(sockets[name], "subscribed")
    return here, elsewhere, sockets


async def test_logging_out_closes_that_sessions_sockets_only(room, member):
    here, elsewhere, sockets = await _two_sessions_following(room, member)
    response = await database_sync_to_async(lambda: _browser(here).post("/en/accounts/logout/"))()
    assert response.status_code == 302
    assert await _close_code(sockets["here"]) == 4401
    await sockets["elsewhere"].send_json_to({"type": "ping"})
    assert (await receive_until(sockets["elsewhere"], "pong"))[0]["type"] == "pong"
    for ws in sockets.values():
        await ws.disconnect()


async def test_password_change_closes_the_users_sockets(room, member):
    def set_password():
        member.set_password("an old pass phrase 2030")
        member.save()

    await database_sync_to_async(set_password)()
    here, elsewhere, sockets = await _two_sessions_following(room, member)
    new = "a brand new pass phrase 2031"
    data = {"oldpassword": "an old pass phrase 2030", "password1": new, "password2": new}
    response = await database_sync_to_async(
        lambda: _browser(here).post("/en/accounts/password/change/", data)
    )()
    assert response.status_code == 302
    # Django ends the other session and gives this one a new key: the pages reload to ask again.
    for ws in sockets.values():
        assert await _close_code(ws) == 4401
        await ws.disconnect()


async def test_deactivated_account_loses_its_sockets(room, member, member_session):
    ws = communicator(f"/ws/live/?streams={room.stream_key}", session=member_session)
    assert (await ws.connect())[0]
    await receive_until(ws, "subscribed")

    def deactivate():
        member.is_active = False
        member.save()

    await database_sync_to_async(deactivate)()
    assert await _close_code(ws) == 4401
    await ws.disconnect()


def test_logout_works_when_the_channel_layer_is_down(client, member, monkeypatch):
    from forums.live import publish

    def layer_down(group, message):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(publish, "group_send", layer_down)
    client.force_login(member)
    assert client.post("/en/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session
