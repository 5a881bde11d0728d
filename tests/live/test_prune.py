"""The live event logs are kept LIVE_LOG_DAYS; a client that comes back from further away starts afresh."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from forums.live import services, tasks
from forums.live.models import StreamEvent
from forums.models import ThreadEvent
from tests.factories import forums_community_board, forums_member, forums_thread

from .conftest import communicator, receive_until, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def _age(queryset, days: int) -> None:
    queryset.update(created_at=timezone.now() - timedelta(days=days))


def test_old_events_of_rooms_and_threads_are_pruned_daily(room, member):
    for body in ("one", "two", "three"):
        services.room_message_post(room_id=room.pk, author=member, body=body)
    board = forums_community_board()
    forums_member(member, board)
    thread = forums_thread(board=board, author=member)
    room_events = StreamEvent.objects.filter(stream__key=room.stream_key)
    _age(room_events.filter(seq__lte=2), days=8)
    _age(ThreadEvent.objects.filter(thread=thread), days=30)
    kept_seqs = set(room_events.filter(seq__gt=2).values_list("seq", flat=True))
    assert tasks.prune_live_logs.delay().get() == 2 + 1
    assert set(room_events.values_list("seq", flat=True)) == kept_seqs and kept_seqs
    assert not ThreadEvent.objects.filter(thread=thread).exists()
    assert settings.CELERY_BEAT_SCHEDULE["live-prune-logs"]["task"] == "forums.live.tasks.prune_live_logs"
    assert tasks.prune_live_logs.delay().get() == 0


@pytest.fixture
def member_session(member):
    return session_cookie(member)


async def test_client_behind_the_pruned_log_is_told_to_reload(room, member, member_session):
    def post_and_prune():
        for body in ("one", "two", "three"):
            services.room_message_post(room_id=room.pk, author=member, body=body)
        events = StreamEvent.objects.filter(stream__key=room.stream_key)
        last = max(events.values_list("seq", flat=True))
        _age(events.exclude(seq=last), days=8)
        services.logs_prune()
        return last

    last = await database_sync_to_async(post_and_prune)()
    for after in (0, last - 2):
        ws = communicator(f"/ws/live/?streams={room.stream_key}:{after}", session=member_session)
        assert (await ws.connect())[0]
        reset, seen = await receive_until(ws, "reset")
        assert reset["seq"] == last
        assert not [frame for frame in seen if frame["type"] == "event"]  # no partial catch-up
        await ws.disconnect()
    ws = communicator(f"/ws/live/?streams={room.stream_key}:{last - 1}", session=member_session)
    assert (await ws.connect())[0]
    event, seen = await receive_until(ws, "event")
    assert event["seq"] == last and not [frame for frame in seen if frame["type"] == "reset"]
    await ws.disconnect()
