"""Writing stream events and broadcasting them.

The event row is written in the caller's transaction (numbered under a row lock on the stream's
counter), so a client that catches up from the log after reconnecting never misses it; the broadcast
to the channel layer happens only after commit, once per event, to one group per stream.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, transaction

from cop.commit import after_commit
from cop.eventlog import event_append

from .models import STREAM_LOG, Stream
from .streams import stream_group, user_group

logger = logging.getLogger(__name__)


def stream_get_or_create(*, key: str, community_id: int) -> Stream:
    try:
        with transaction.atomic():
            stream, _created = Stream.objects.get_or_create(key=key, defaults={"community_id": community_id})
    except IntegrityError:  # created at the same moment by another request
        stream = Stream.objects.get(key=key)
    return stream


def stream_lock(*, key: str, community_id: int) -> Stream:
    """Locks the stream's counter row until the end of the caller's transaction (serialises writers)."""
    stream = stream_get_or_create(key=key, community_id=community_id)
    return Stream.objects.select_for_update().get(pk=stream.pk)


@transaction.atomic
def stream_event_append(
    *, key: str, community_id: int, kind: str, i18n: dict, locked: Stream | None = None
) -> int:
    """Numbers and stores one event (cop.eventlog) and returns its number; it is broadcast after the
    outermost transaction commits.

    `i18n` holds the event's data once per language ({"en": {...}, "fr": {...}}); each viewer gets theirs.
    `locked`: the stream row when the caller already holds its lock (see stream_lock).
    """
    if locked is None:
        stream_get_or_create(key=key, community_id=community_id)
    # event_append's UPDATE of the counter locks the stream's row until commit (serialises writers).
    seq = event_append(STREAM_LOG, stream=key, kind=kind, data={"payload": {"i18n": i18n}})
    after_commit(broadcast_event, key, seq, kind, i18n)
    return seq


def group_send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def broadcast_event(key: str, seq: int, kind: str, i18n: dict) -> None:
    """One message to the stream's group: each server process relays it to its own sockets."""
    group_send(
        stream_group(key), {"type": "live.event", "stream": key, "seq": seq, "kind": kind, "i18n": i18n}
    )


def broadcast_access_changed(user_id: int, community_id: int) -> None:
    """Tells every socket of the user to check again what they may follow in the community."""
    group_send(user_group(user_id), {"type": "membership.revoked", "community_id": community_id})


def broadcast_sessions_ended(user_id: int, *, session_key: str | None = None) -> None:
    """Closes the user's sockets opened in `session_key` (a logout), or all of them."""
    group_send(user_group(user_id), {"type": "session.ended", "session_key": session_key})
