"""Membership: joining, asking to join and the facilitators' decision, leaving, roles, removals and bans;
and the community's recent activity, which other apps mark too."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cop import permissions
from cop.commit import enqueue_after_commit
from cop.fragments import scope_changed
from cop.models import (
    CommunityPage,
    Invitation,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Role,
    Visibility,
)
from cop.services.exceptions import (
    AlreadyMember,
    AlreadyRequested,
    ApprovalRequired,
    Banned,
    CommunityError,
    InvitationOnly,
    LastFacilitator,
    NotAllowed,
    NotBanned,
    NotMember,
    RequestNotPending,
)
from cop.site_sections import COMMUNITIES_SCOPE


def _lock_membership(user, community) -> Membership | None:
    return Membership.objects.select_for_update().filter(user=user, community=community).first()


def _lock_membership_by_id(membership_id: int) -> Membership:
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("community", "user")
        .get(pk=membership_id)
    )


def require_manager(actor, community) -> None:
    if not permissions.can_manage(actor, community):
        raise NotAllowed()


def _active_facilitator_count(community_id: int) -> int:
    return Membership.objects.filter(
        community_id=community_id, status=MembershipStatus.ACTIVE, role=Role.FACILITATOR
    ).count()


def _check_not_last_facilitator(membership: Membership) -> None:
    if (
        membership.status == MembershipStatus.ACTIVE
        and membership.role == Role.FACILITATOR
        and _active_facilitator_count(membership.community_id) <= 1
    ):
        raise LastFacilitator()


def activate_membership(membership: Membership, *, role: str = Role.MEMBER, decided_by=None) -> None:
    membership.status = MembershipStatus.ACTIVE
    membership.role = role
    membership.joined_at = timezone.now()
    membership.decided_by = decided_by
    membership.decision_reason = ""


def get_or_new_membership(user, community) -> Membership:
    # The user's cached memberships (cop.permissions) would be stale after this change.
    permissions.forget_memberships(user)
    membership = _lock_membership(user, community)
    return membership or Membership(user=user, community=community)


def _end_membership(membership: Membership) -> Membership:
    """After the row is saved in its ended status: saving it already told the apps above cop that the
    person lost a member's access (cop.signals.membership_ended, sent by the model's post_save in this
    transaction, so the receivers' changes commit or fail with it), whatever path saves it."""
    permissions.forget_memberships(membership.user)
    return membership


def save_membership(membership: Membership) -> Membership:
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        # Two submissions raced to create the same row: the first one won.
        raise AlreadyRequested() from exc
    return membership


def community_touch(*, community_id: int, at=None) -> None:
    """Marks recent activity in a community (shown on the index cards). Other apps call this too."""
    CommunityPage.objects.filter(pk=community_id).update(last_activity_at=at or timezone.now())
    scope_changed(COMMUNITIES_SCOPE)  # the order of the home page's most active communities


@transaction.atomic
def membership_join(*, user, community: CommunityPage) -> Membership:
    """Joins an open community at once."""
    membership = get_or_new_membership(user, community)
    if membership.status == MembershipStatus.BANNED:
        raise Banned()
    if membership.status == MembershipStatus.ACTIVE:
        raise AlreadyMember()
    if community.visibility == Visibility.HIDDEN or community.join_policy == JoinPolicy.INVITATION:
        raise InvitationOnly()
    if community.join_policy == JoinPolicy.APPROVAL:
        raise ApprovalRequired()
    activate_membership(membership)
    save_membership(membership)
    community_touch(community_id=community.pk)
    return membership


@transaction.atomic
def membership_request(*, user, community: CommunityPage, message: str = "") -> Membership:
    """Asks to join a community whose facilitators approve members (joins at once if it is open)."""
    if community.join_policy == JoinPolicy.OPEN and community.visibility != Visibility.HIDDEN:
        return membership_join(user=user, community=community)
    membership = get_or_new_membership(user, community)
    if membership.status == MembershipStatus.BANNED:
        raise Banned()
    if membership.status == MembershipStatus.ACTIVE:
        raise AlreadyMember()
    if membership.status == MembershipStatus.PENDING:
        raise AlreadyRequested()
    if community.visibility == Visibility.HIDDEN or community.join_policy == JoinPolicy.INVITATION:
        raise InvitationOnly()
    membership.status = MembershipStatus.PENDING
    membership.role = Role.MEMBER
    membership.request_message = message.strip()
    membership.decision_reason = ""
    membership.decided_by = None
    membership.request_notified_at = None
    membership.decision_notified_at = None
    save_membership(membership)
    enqueue_after_commit("cop.tasks.notify_membership_requested", membership.pk)
    return membership


@transaction.atomic
def membership_withdraw(*, user, community: CommunityPage) -> Membership:
    """Withdraws the user's own pending request."""
    permissions.forget_memberships(user)
    membership = _lock_membership(user, community)
    if membership is None or membership.status != MembershipStatus.PENDING:
        raise RequestNotPending()
    membership.status = MembershipStatus.WITHDRAWN
    return save_membership(membership)


@transaction.atomic
def membership_approve(*, actor, membership_id: int, reason: str = "") -> Membership:
    """A facilitator accepts a pending request; the requester is told by e-mail."""
    membership = _lock_membership_by_id(membership_id)
    require_manager(actor, membership.community)
    if membership.status != MembershipStatus.PENDING:
        raise RequestNotPending()
    activate_membership(membership, decided_by=actor)
    membership.decision_reason = reason.strip()
    membership.decision_notified_at = None
    save_membership(membership)
    community_touch(community_id=membership.community_id)
    enqueue_after_commit("cop.tasks.notify_membership_decided", membership.pk)
    return membership


@transaction.atomic
def membership_decline(*, actor, membership_id: int, reason: str) -> Membership:
    """A facilitator declines a pending request with a reason; the requester is told by e-mail."""
    membership = _lock_membership_by_id(membership_id)
    require_manager(actor, membership.community)
    if membership.status != MembershipStatus.PENDING:
        raise RequestNotPending()
    membership.status = MembershipStatus.DECLINED
    membership.decided_by = actor
    membership.decision_reason = reason.strip()
    membership.decision_notified_at = None
    save_membership(membership)
    enqueue_after_commit("cop.tasks.notify_membership_decided", membership.pk)
    return membership


@transaction.atomic
def membership_leave(*, user, community: CommunityPage) -> Membership:
    """The user leaves; the last facilitator must hand over first."""
    permissions.forget_memberships(user)
    membership = _lock_membership(user, community)
    if membership is None or membership.status != MembershipStatus.ACTIVE:
        raise NotMember(_("You are not a member of this community."))
    _check_not_last_facilitator(membership)
    membership.status = MembershipStatus.LEFT
    membership.role = Role.MEMBER
    return _end_membership(save_membership(membership))


@transaction.atomic
def membership_set_role(*, actor, membership_id: int, role: str) -> Membership:
    """A facilitator makes a member a moderator or facilitator, or back; never demotes the last one."""
    if role not in Role.values:
        raise NotAllowed(_("This role does not exist."))
    membership = _lock_membership_by_id(membership_id)
    require_manager(actor, membership.community)
    if membership.status != MembershipStatus.ACTIVE:
        raise NotMember()
    if role != Role.FACILITATOR:
        _check_not_last_facilitator(membership)
    membership.role = role
    return save_membership(membership)


@transaction.atomic
def membership_remove(*, actor, membership_id: int, reason: str = "") -> Membership:
    """A facilitator removes a member (who may ask to join again)."""
    membership = _lock_membership_by_id(membership_id)
    require_manager(actor, membership.community)
    if membership.status != MembershipStatus.ACTIVE:
        raise NotMember()
    _check_not_last_facilitator(membership)
    membership.status = MembershipStatus.REMOVED
    membership.role = Role.MEMBER
    membership.decided_by = actor
    membership.decision_reason = reason.strip()
    return _end_membership(save_membership(membership))


@transaction.atomic
def membership_ban(*, actor, membership_id: int, reason: str = "") -> Membership:
    """A facilitator (or a moderator, for a plain member) bars someone: they lose access and may not
    ask again."""
    membership = _lock_membership_by_id(membership_id)
    if not permissions.can_ban(actor, membership.community, membership):
        raise NotAllowed()
    if membership.status == MembershipStatus.BANNED:
        raise CommunityError(_("This person is already barred from the community."))
    _check_not_last_facilitator(membership)
    membership.status = MembershipStatus.BANNED
    membership.role = Role.MEMBER
    membership.decided_by = actor
    membership.decision_reason = reason.strip()
    save_membership(membership)  # sends membership_ended whatever the status was (cop.signals)
    Invitation.objects.filter(
        community_id=membership.community_id,
        email__iexact=membership.user.email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=timezone.now())
    return _end_membership(membership)


@transaction.atomic
def membership_unban(*, actor, membership_id: int) -> Membership:
    """Lifts a ban: the person is an outsider again and may join or ask to."""
    membership = _lock_membership_by_id(membership_id)
    require_manager(actor, membership.community)
    if membership.status != MembershipStatus.BANNED:
        raise NotBanned()
    membership.status = MembershipStatus.REMOVED
    membership.decided_by = actor
    return save_membership(membership)
