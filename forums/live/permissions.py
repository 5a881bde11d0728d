"""May this user follow a stream, write in a room, moderate it, export its transcript?

Every answer starts from cop.permissions (the one module that decides about communities); rooms only
add their own rules on top (open window, mutes).
"""

from dataclasses import dataclass

from django.utils import timezone

from cop import permissions as cop_permissions

from .exceptions import StreamForbidden
from .streams import StreamTarget, resolve_stream


@dataclass(frozen=True)
class StreamAccess:
    key: str
    community_id: int | None
    can_post: bool
    can_moderate: bool
    audience: str = ""  # the kind of viewer: one rendering of each event per audience and language


def stream_access(user, key: str) -> StreamAccess:
    """What `user` may do on the stream `key`; raises StreamNotFound or StreamForbidden.

    Called at connect, at every subscribe and whenever the user's membership changes, so the cached
    memberships on a long-lived socket's user are dropped first."""
    cop_permissions.forget_memberships(user)
    target: StreamTarget = resolve_stream(key, user)
    if not target.can_view(user):
        raise StreamForbidden()
    return StreamAccess(
        key=key,
        community_id=target.community_id,
        can_post=target.can_post(user),
        can_moderate=target.can_moderate(user),
        audience=target.audience(user),
    )


def can_view_room(user, room) -> bool:
    return cop_permissions.can_view(user, room.community)


def can_moderate_room(user, room) -> bool:
    return cop_permissions.can_moderate(user, room.community)


def can_manage_rooms(user, community) -> bool:
    """Facilitators open rooms, set their window and export transcripts."""
    return cop_permissions.can_manage(user, community)


def is_muted(user, room, now=None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    mute = room.mutes.filter(user=user).first()
    return mute is not None and mute.is_active(now or timezone.now())


def can_write_in_room(user, room) -> bool:
    """For showing the composer; the service checks the same rules again under the stream lock."""
    return cop_permissions.can_post(user, room.community) and room.is_open() and not is_muted(user, room)
