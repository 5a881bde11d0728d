"""Discussion rooms as a kind of stream: events rendered in advance, kept in StreamEvent."""

from django.db import DEFAULT_DB_ALIAS
from django.db.models import FilteredRelation, Q

from cop import eventlog
from cop import permissions as cop_permissions
from cop.models import CommunityPage, Membership
from cop.prepared import PreparedValues

from .exceptions import StreamNotFound
from .models import STREAM_LOG, Room, StreamEvent
from .streams import StreamKind, StreamTarget, delete_in_batches, register_stream_kind

# Resolved at every connect and subscribe: compiled once (cop.prepared), in one statement with the viewer's
# membership of the room's community (a LEFT JOIN: none for an outsider or anonymous visitor, user 0), and
# only what the permission checks read (whether the community is live, its visibility).
_room = PreparedValues(
    lambda user_id, room_id: (
        Room.objects.annotate(
            viewer=FilteredRelation(
                "community__memberships", condition=Q(community__memberships__user_id=user_id)
            )
        )
        .filter(pk=room_id)
        .order_by()
        .values_list(
            "community_id",
            "community__live",
            "community__visibility",
            "viewer__id",
            "viewer__status",
            "viewer__role",
        )
    )
)


def _community_with_membership(viewer, row) -> CommunityPage:
    """The room's community as the permission checks read it, with the viewer's membership primed."""
    community_id, live, visibility, membership_id, status, role = row
    community = CommunityPage.from_db(
        DEFAULT_DB_ALIAS,
        ["id", "live", "page_ptr_id", "visibility"],
        [community_id, live, community_id, visibility],
    )
    membership = None
    if membership_id is not None:
        membership = Membership.from_db(
            DEFAULT_DB_ALIAS,
            ["id", "user_id", "community_id", "role", "status"],
            [membership_id, viewer.pk, community_id, role, status],
        )
    cop_permissions.remember_membership(viewer, community_id, membership)
    return community


class RoomStream(StreamKind):
    name = "room"

    def resolve(self, object_id: int, viewer=None) -> StreamTarget:
        signed_in = viewer is not None and viewer.is_authenticated
        row = _room.get(viewer.pk if signed_in else 0, object_id)
        if row is None or not row[1]:
            raise StreamNotFound()
        community = _community_with_membership(viewer, row)
        return StreamTarget(
            key=f"room:{object_id}",
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
