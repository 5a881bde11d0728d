"""Writes for communities: membership flows, roles, invitations and announcements.

Every function checks its own rules (through cop.permissions) and raises a domain exception that the
edge turns into a message in the user's language; nothing is half-saved. E-mails are queued only after
commit, and a failing e-mail never undoes the membership change.
"""

import logging

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cop import permissions
from cop.commit import enqueue_after_commit
from cop.errors import DomainError
from cop.models import (
    Announcement,
    CommunityPage,
    Invitation,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Role,
    Visibility,
)

logger = logging.getLogger(__name__)

INVITATION_MAX_AGE = 14 * 24 * 3600  # seconds: an invitation link expires after two weeks
_INVITATION_SALT = "cop.invitation"


# EXCEPTIONS ----


class CommunityError(DomainError):
    """A refused community action (cop.errors)."""

    status = 409


class NotAllowed(CommunityError):
    status = 403
    default_message = _("You are not allowed to do this in this community.")


class Banned(CommunityError):
    status = 403
    default_message = _("The facilitators of this community have barred you from it.")


class AlreadyMember(CommunityError):
    default_message = _("You are already a member of this community.")


class AlreadyRequested(CommunityError):
    default_message = _("Your request to join is already waiting for the facilitators.")


class RequestNotPending(CommunityError):
    default_message = _(
        "This request is no longer waiting for a decision: it was withdrawn or already decided."
    )


class NotMember(CommunityError):
    default_message = _("This person is not an active member of the community.")


class NotBanned(CommunityError):
    default_message = _("This person is not barred from the community.")


class ApprovalRequired(CommunityError):
    default_message = _("The facilitators approve new members of this community: send a request to join.")


class InvitationOnly(CommunityError):
    status = 403
    default_message = _("This community takes new members by invitation only.")


class LastFacilitator(CommunityError):
    default_message = _(
        "A community needs at least one facilitator. Make another member a facilitator first."
    )


class InvitationInvalid(CommunityError):
    status = 404
    default_message = _("This invitation link is not valid. Check that you copied the whole link.")


class InvitationExpired(CommunityError):
    status = 410
    default_message = _(
        "This invitation has expired. Ask a facilitator of the community to invite you again."
    )


class InvitationUsed(CommunityError):
    status = 410
    default_message = _("This invitation has already been used.")


class InvitationRevoked(CommunityError):
    status = 410
    default_message = _("This invitation was withdrawn by the community's facilitators.")


# HELPERS ----


def _lock_membership(user, community) -> Membership | None:
    return Membership.objects.select_for_update().filter(user=user, community=community).first()


def _lock_membership_by_id(membership_id: int) -> Membership:
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("community", "user")
        .get(pk=membership_id)
    )


def _require_manager(actor, community) -> None:
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


def _activate(membership: Membership, *, role: str = Role.MEMBER, decided_by=None) -> None:
    membership.status = MembershipStatus.ACTIVE
    membership.role = role
    membership.joined_at = timezone.now()
    membership.decided_by = decided_by
    membership.decision_reason = ""


def _get_or_new_membership(user, community) -> Membership:
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


def _save_membership(membership: Membership) -> Membership:
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


# MEMBERSHIP ----


@transaction.atomic
def membership_join(*, user, community: CommunityPage) -> Membership:
    """Joins an open community at once."""
    membership = _get_or_new_membership(user, community)
    if membership.status == MembershipStatus.BANNED:
        raise Banned()
    if membership.status == MembershipStatus.ACTIVE:
        raise AlreadyMember()
    if community.visibility == Visibility.HIDDEN or community.join_policy == JoinPolicy.INVITATION:
        raise InvitationOnly()
    if community.join_policy == JoinPolicy.APPROVAL:
        raise ApprovalRequired()
    _activate(membership)
    _save_membership(membership)
    community_touch(community_id=community.pk)
    return membership


@transaction.atomic
def membership_request(*, user, community: CommunityPage, message: str = "") -> Membership:
    """Asks to join a community whose facilitators approve members (joins at once if it is open)."""
    if community.join_policy == JoinPolicy.OPEN and community.visibility != Visibility.HIDDEN:
        return membership_join(user=user, community=community)
    membership = _get_or_new_membership(user, community)
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
    _save_membership(membership)
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
    return _save_membership(membership)


@transaction.atomic
def membership_approve(*, actor, membership_id: int, reason: str = "") -> Membership:
    """A facilitator accepts a pending request; the requester is told by e-mail."""
    membership = _lock_membership_by_id(membership_id)
    _require_manager(actor, membership.community)
    if membership.status != MembershipStatus.PENDING:
        raise RequestNotPending()
    _activate(membership, decided_by=actor)
    membership.decision_reason = reason.strip()
    membership.decision_notified_at = None
    _save_membership(membership)
    community_touch(community_id=membership.community_id)
    enqueue_after_commit("cop.tasks.notify_membership_decided", membership.pk)
    return membership


@transaction.atomic
def membership_decline(*, actor, membership_id: int, reason: str) -> Membership:
    """A facilitator declines a pending request with a reason; the requester is told by e-mail."""
    membership = _lock_membership_by_id(membership_id)
    _require_manager(actor, membership.community)
    if membership.status != MembershipStatus.PENDING:
        raise RequestNotPending()
    membership.status = MembershipStatus.DECLINED
    membership.decided_by = actor
    membership.decision_reason = reason.strip()
    membership.decision_notified_at = None
    _save_membership(membership)
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
    return _end_membership(_save_membership(membership))


@transaction.atomic
def membership_set_role(*, actor, membership_id: int, role: str) -> Membership:
    """A facilitator makes a member a moderator or facilitator, or back; never demotes the last one."""
    if role not in Role.values:
        raise NotAllowed(_("This role does not exist."))
    membership = _lock_membership_by_id(membership_id)
    _require_manager(actor, membership.community)
    if membership.status != MembershipStatus.ACTIVE:
        raise NotMember()
    if role != Role.FACILITATOR:
        _check_not_last_facilitator(membership)
    membership.role = role
    return _save_membership(membership)


@transaction.atomic
def membership_remove(*, actor, membership_id: int, reason: str = "") -> Membership:
    """A facilitator removes a member (who may ask to join again)."""
    membership = _lock_membership_by_id(membership_id)
    _require_manager(actor, membership.community)
    if membership.status != MembershipStatus.ACTIVE:
        raise NotMember()
    _check_not_last_facilitator(membership)
    membership.status = MembershipStatus.REMOVED
    membership.role = Role.MEMBER
    membership.decided_by = actor
    membership.decision_reason = reason.strip()
    return _end_membership(_save_membership(membership))


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
    _save_membership(membership)  # sends membership_ended whatever the status was (cop.signals)
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
    _require_manager(actor, membership.community)
    if membership.status != MembershipStatus.BANNED:
        raise NotBanned()
    membership.status = MembershipStatus.REMOVED
    membership.decided_by = actor
    return _save_membership(membership)


# INVITATIONS ----


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=_INVITATION_SALT).sign(str(invitation.pk))


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link points to, or InvitationInvalid / InvitationExpired."""
    signer = signing.TimestampSigner(salt=_INVITATION_SALT)
    try:
        invitation_id = int(signer.unsign(token, max_age=INVITATION_MAX_AGE))
    except signing.SignatureExpired as exc:
        raise InvitationExpired() from exc
    except (signing.BadSignature, ValueError) as exc:
        raise InvitationInvalid() from exc
    invitation = Invitation.objects.select_related("community").filter(pk=invitation_id).first()
    if invitation is None:
        raise InvitationInvalid()
    if (timezone.now() - invitation.created_at).total_seconds() > INVITATION_MAX_AGE:
        raise InvitationExpired()
    return invitation


@transaction.atomic
def invitation_create(
    *, actor, community: CommunityPage, email: str, role: str = Role.MEMBER, message: str = ""
) -> Invitation:
    """A facilitator invites someone by e-mail; the signed link goes out after commit."""
    _require_manager(actor, community)
    email = email.strip().lower()
    existing = (
        Membership.objects.filter(community=community, user__email__iexact=email)
        .values_list("status", flat=True)
        .first()
    )
    if existing == MembershipStatus.ACTIVE:
        raise AlreadyMember(_("%(email)s is already a member of this community.") % {"email": email})
    if existing == MembershipStatus.BANNED:
        raise Banned(_("%(email)s is barred from this community: lift the ban first.") % {"email": email})
    invitation = Invitation.objects.create(
        community=community,
        email=email,
        role=role if role in Role.values else Role.MEMBER,
        message=message.strip(),
        invited_by=actor,
        language=get_language() or "en",
    )
    enqueue_after_commit("cop.tasks.send_invitation", invitation.pk)
    return invitation


@transaction.atomic
def invitation_revoke(*, actor, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("community").get(pk=invitation_id)
    )
    _require_manager(actor, invitation.community)
    if invitation.accepted_at is not None:
        raise InvitationUsed()
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, user, token: str) -> Membership:
    """The invitee, signed in, uses the link once and becomes a member in the invited role."""
    invitation = invitation_from_token(token)
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("community").get(pk=invitation.pk)
    )
    if invitation.revoked_at is not None:
        raise InvitationRevoked()
    if invitation.accepted_at is not None:
        raise InvitationUsed()
    membership = _get_or_new_membership(user, invitation.community)
    if membership.status == MembershipStatus.BANNED:
        raise Banned()
    if membership.status == MembershipStatus.ACTIVE:
        raise AlreadyMember()
    _activate(membership, role=invitation.role, decided_by=invitation.invited_by)
    _save_membership(membership)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    community_touch(community_id=invitation.community_id)
    return membership


# ANNOUNCEMENTS ----


@transaction.atomic
def announcement_create(
    *, actor, community: CommunityPage, title: str, body: str, pinned: bool = True
) -> Announcement:
    """A facilitator posts an announcement on the community home."""
    _require_manager(actor, community)
    announcement = Announcement.objects.create(
        community=community, title=title.strip(), body=body.strip(), pinned=pinned, author=actor
    )
    community_touch(community_id=community.pk)
    return announcement


@transaction.atomic
def announcement_update(*, actor, announcement_id: int, title: str, body: str, pinned: bool) -> Announcement:
    announcement = (
        Announcement.objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=announcement_id)
    )
    _require_manager(actor, announcement.community)
    announcement.title = title.strip()
    announcement.body = body.strip()
    announcement.pinned = pinned
    announcement.save()
    return announcement


@transaction.atomic
def announcement_delete(*, actor, announcement_id: int) -> None:
    announcement = Announcement.objects.select_related("community").get(pk=announcement_id)
    _require_manager(actor, announcement.community)
    announcement.delete()
