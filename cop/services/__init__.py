"""Writes for communities, one module per domain noun: membership flows and roles, invitations and
announcements (their refusals in .exceptions).

Every function checks its own rules (through cop.permissions) and raises a domain exception that the
edge turns into a message in the user's language; nothing is half-saved. E-mails are queued (by task
name) only after commit, and a failing e-mail never undoes the membership change. The public names are
re-exported here, so `from cop import services; services.membership_join(...)` keeps working.
"""

from .announcements import announcement_create, announcement_delete, announcement_update
from .exceptions import (
    AlreadyMember,
    AlreadyRequested,
    ApprovalRequired,
    Banned,
    CommunityError,
    InvitationExpired,
    InvitationInvalid,
    InvitationOnly,
    InvitationRevoked,
    InvitationUsed,
    LastFacilitator,
    NotAllowed,
    NotBanned,
    NotMember,
    RequestNotPending,
)
from .invitations import (
    INVITATION_MAX_AGE,
    invitation_accept,
    invitation_create,
    invitation_from_token,
    invitation_revoke,
    invitation_token,
)
from .membership import (
    community_touch,
    membership_approve,
    membership_ban,
    membership_decline,
    membership_join,
    membership_leave,
    membership_remove,
    membership_request,
    membership_set_role,
    membership_unban,
    membership_withdraw,
)

__all__ = [
    "INVITATION_MAX_AGE",
    "AlreadyMember",
    "AlreadyRequested",
    "ApprovalRequired",
    "Banned",
    "CommunityError",
    "InvitationExpired",
    "InvitationInvalid",
    "InvitationOnly",
    "InvitationRevoked",
    "InvitationUsed",
    "LastFacilitator",
    "NotAllowed",
    "NotBanned",
    "NotMember",
    "RequestNotPending",
    "announcement_create",
    "announcement_delete",
    "announcement_update",
    "community_touch",
    "invitation_accept",
    "invitation_create",
    "invitation_from_token",
    "invitation_revoke",
    "invitation_token",
    "membership_approve",
    "membership_ban",
    "membership_decline",
    "membership_join",
    "membership_leave",
    "membership_remove",
    "membership_request",
    "membership_set_role",
    "membership_unban",
    "membership_withdraw",
]
