"""Invitations by e-mail: a facilitator invites, the signed link goes out after commit, the invitee
accepts it once."""

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cop.commit import enqueue_after_commit
from cop.models import (
    CommunityPage,
    Invitation,
    Membership,
    MembershipStatus,
    Role,
)
from cop.services.exceptions import (
    AlreadyMember,
    Banned,
    InvitationExpired,
    InvitationInvalid,
    InvitationRevoked,
    InvitationUsed,
)
from cop.services.membership import (
    activate_membership,
    community_touch,
    get_or_new_membership,
    require_manager,
    save_membership,
)

INVITATION_MAX_AGE = 14 * 24 * 3600  # seconds: an invitation link expires after two weeks


_INVITATION_SALT = "cop.invitation"


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
    require_manager(actor, community)
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
    require_manager(actor, invitation.community)
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
    membership = get_or_new_membership(user, invitation.community)
    if membership.status == MembershipStatus.BANNED:
        raise Banned()
    if membership.status == MembershipStatus.ACTIVE:
        raise AlreadyMember()
    activate_membership(membership, role=invitation.role, decided_by=invitation.invited_by)
    save_membership(membership)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    community_touch(community_id=invitation.community_id)
    return membership
