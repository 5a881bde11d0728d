"""cop.eventlog: the one helper that numbers the events of threads and rooms."""

import pytest
from django.db import transaction

from cop.eventlog import event_append, events_after, last_seq
from forums.live.models import STREAM_LOG, Stream, StreamEvent
from forums.models import Thread, ThreadEvent
from forums.models.threads import THREAD_LOG
from tests.factories import BoardFactory, CommunityPageFactory, UserFactory, forums_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(site_home):
    return forums_thread(board=BoardFactory())  # its first event: thread_created, number 1


@pytest.fixture
def room_stream(site_home):
    return Stream.objects.create(key="room:7", community=CommunityPageFactory())


def test_each_stream_is_numbered_on_its_own_from_one(thread, room_stream):
    other = forums_thread(board=thread.board, title="Another thread")
    actor = UserFactory()
    assert event_append(THREAD_LOG, stream=thread.pk, kind="post_edited", data={"actor": actor}) == 2
    assert event_append(THREAD_LOG, stream=thread.pk, kind="post_deleted") == 3
    assert event_append(THREAD_LOG, stream=other.pk, kind="thread_updated") == 2
    assert event_append(STREAM_LOG, stream="room:7", kind="room.pinned", data={"payload": {"i18n": {}}}) == 1
    assert list(ThreadEvent.objects.filter(thread=thread).values_list("seq", "kind", "actor")) == [
        (1, "thread_created", thread.author.pk),
        (2, "post_edited", actor.pk),
        (3, "post_deleted", None),
    ]
    assert Thread.objects.get(pk=thread.pk).event_seq == 3
    assert (last_seq(THREAD_LOG, thread.pk), last_seq(THREAD_LOG, other.pk)) == (3, 2)
    assert last_seq(STREAM_LOG, "room:7") == Stream.objects.get(pk=room_stream.pk).last_seq == 1
    assert StreamEvent.objects.get(stream=room_stream).payload == {"i18n": {}}


def test_events_after_are_oldest_first_with_the_fields_asked_for(room_stream):
    for number in range(1, 6):
        event_append(STREAM_LOG, stream="room:7", kind="message.created", data={"payload": {"n": number}})
    rows = events_after(STREAM_LOG, "room:7", 2, limit=2, fields=("payload",))
    assert rows == [
        {"seq": 3, "kind": "message.created", "payload": {"n": 3}},
        {"seq": 4, "kind": "message.created", "payload": {"n": 4}},
    ]
    assert events_after(STREAM_LOG, "room:7", 5, limit=10) == []


def test_an_unknown_stream_has_no_events_and_cannot_be_appended_to(site_home):
    assert last_seq(STREAM_LOG, "room:404") == 0
    assert last_seq(THREAD_LOG, 404) == 0
    assert events_after(STREAM_LOG, "room:404", 0, limit=10) == []
    with pytest.raises(Stream.DoesNotExist):
        event_append(STREAM_LOG, stream="room:404", kind="room.pinned")
    assert not StreamEvent.objects.exists()


def test_a_rolled_back_change_leaves_no_number_used(thread):
    with pytest.raises(RuntimeError), transaction.atomic():
        event_append(THREAD_LOG, stream=thread.pk, kind="post_edited")
        raise RuntimeError("the change failed after its event was appended")
    assert last_seq(THREAD_LOG, thread.pk) == 1
    assert event_append(THREAD_LOG, stream=thread.pk, kind="post_edited") == 2
    assert list(ThreadEvent.objects.filter(thread=thread).values_list("seq", flat=True)) == [1, 2]


def test_appending_costs_the_same_queries_however_long_the_log(room_stream, django_assert_num_queries):
    # UPDATE the counter, read it back, INSERT the event; plus the savepoint of the helper's atomic block.
    with django_assert_num_queries(5):
        event_append(STREAM_LOG, stream="room:7", kind="message.created")
    for _ in range(30):
        event_append(STREAM_LOG, stream="room:7", kind="message.created")
    with django_assert_num_queries(5):
        assert event_append(STREAM_LOG, stream="room:7", kind="message.created") == 32
    with django_assert_num_queries(1):
        assert len(events_after(STREAM_LOG, "room:7", 0, limit=100)) == 32
