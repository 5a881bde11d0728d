"""Discussion rooms as a kind of stream: events rendered in advance, kept in StreamEvent."""

from cop import eventlog
from cop import permissions as cop_permissions
from cop.prepared import PreparedGet

from .exceptions import StreamNotFound
from .models import STREAM_LOG, Room, StreamEvent
from .streams import StreamKind, StreamTarget, delete_in_batches, register_stream_kind

# Resolved at every connect and subscribe: compiled once (cop.prepared), with only what the permission
# checks read (whether the community is live, its visibility); any other field would load on access.
_room = PreparedGet(
    lambda room_id: (
        Room.objects.select_related("community")
        .only("id", "community__live", "community__visibility")
        .filter(pk=room_id)
        .order_by()
    )
)


class RoomStream(StreamKind):
    name = "room"

    def resolve(self, object_id: int) -> StreamTarget:
        room = _room.get(object_id)
        if room is None or not room.community.live:
            raise StreamNotFound()
        community = room.community
        return StreamTarget(
            key=room.stream_key,
            community_id=community.pk,
            can_view=lambda user: cop_permissions.can_view(user, community),
            can_post=lambda user: cop_permissions.can_post(user, community),
            can_moderate=lambda user: cop_permissions.can_moderate(user, community),
        )

    def last_seq(self, object_id: int) -> int:
        return eventlog.last_seq(STREAM_LOG, f"room:{object_id}")

    def events_after(self, object_id: int, after: int, limit: int) -> list[dict]:
        rows = eventlog.events_after(STREAM_LOG, f"room:{object_id}", after, limit=limit, fields=("payload",))
        return [
            {"seq": row["seq"], "kind": row["kind"], "i18n": row["payload"].get("i18n", {})} for row in rows
        ]

    def prune(self, before) -> int:
        return delete_in_batches(
            StreamEvent.objects.filter(stream__key__startswith="room:", created_at__lt=before)
        )


register_stream_kind(RoomStream())
