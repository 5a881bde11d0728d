import datetime

import pytest
from django.utils import timezone

from cop import services
from cop.models import Invitation, Membership, MembershipStatus, Role
from tests.factories import CommunityPageFactory, InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_community(site_home):
    return CommunityPageFactory(join_policy="open")


@pytest.fixture
def approval_community(site_home):
    return CommunityPageFactory(join_policy="approval", visibility="members")


@pytest.fixture
def invitation_community(site_home):
    return CommunityPageFactory(join_policy="invitation", visibility="hidden")


def facilitator_of(community):
    return MembershipFactory(community=community, role=Role.FACILITATOR).user


def state(user, community):
    membership = Membership.objects.get(user=user, community=community)
    return membership.status, membership.role


# JOIN ----


def test_join_open_community_makes_an_active_member_and_marks_activity(open_community, user):
    services.membership_join(user=user, community=open_community)
    assert state(user, open_community) == (MembershipStatus.ACTIVE, Role.MEMBER)
    open_community.refresh_from_db()
    assert open_community.last_activity_at is not None


def test_joining_twice_is_refused_and_changes_nothing(open_community, user):
    services.membership_join(user=user, community=open_community)
    with pytest.raises(services.AlreadyMember):
        services.membership_join(user=user, community=open_community)
    assert Membership.objects.filter(user=user).count() == 1


def test_join_is_refused_where_facilitators_approve_or_invite(approval_community, invitation_community, user):
    with pytest.raises(services.ApprovalRequired):
        services.membership_join(user=user, community=approval_community)
    with pytest.raises(services.InvitationOnly):
        services.membership_join(user=user, community=invitation_community)
    assert not Membership.objects.filter(user=user).exists()


def test_left_member_may_join_again_in_the_same_row(open_community, user):
    services.membership_join(user=user, community=open_community)
    services.membership_leave(user=user, community=open_community)
    assert state(user, open_community)[0] == MembershipStatus.LEFT
    services.membership_join(user=user, community=open_community)
    assert state(user, open_community)[0] == MembershipStatus.ACTIVE
    assert Membership.objects.filter(user=user).count() == 1


def test_banned_user_can_neither_join_nor_request(open_community, approval_community):
    for community in (open_community, approval_community):
        banned = MembershipFactory(community=community, status=MembershipStatus.BANNED).user
        with pytest.raises(services.Banned):
            services.membership_join(user=banned, community=community)
        with pytest.raises(services.Banned):
            services.membership_request(user=banned, community=community, message="Please")
        assert state(banned, community)[0] == MembershipStatus.BANNED


# REQUEST, APPROVE, DECLINE, WITHDRAW ----


def test_request_then_approve(approval_community, user):
    facilitator = facilitator_of(approval_community)
    membership = services.membership_request(
        user=user, community=approval_community, message=" I run a CHM. "
    )
    assert (membership.status, membership.request_message) == (MembershipStatus.PENDING, "I run a CHM.")
    services.membership_approve(actor=facilitator, membership_id=membership.pk)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.decided_by == facilitator
    assert membership.joined_at is not None


def test_request_then_decline_with_reason(approval_community, user):
    facilitator = facilitator_of(approval_community)
    membership = services.membership_request(user=user, community=approval_community)
    services.membership_decline(actor=facilitator, membership_id=membership.pk, reason="Focal points only.")
    membership.refresh_from_db()
    assert (membership.status, membership.decision_reason) == (
        MembershipStatus.DECLINED,
        "Focal points only.",
    )


def test_requesting_twice_is_refused(approval_community, user):
    services.membership_request(user=user, community=approval_community)
    with pytest.raises(services.AlreadyRequested):
        services.membership_request(user=user, community=approval_community)


def test_member_requesting_is_told_they_are_a_member(approval_community):
    member = MembershipFactory(community=approval_community).user
    with pytest.raises(services.AlreadyMember):
        services.membership_request(user=member, community=approval_community)


def test_request_on_open_community_joins_at_once(open_community, user):
    membership = services.membership_request(user=user, community=open_community, message="Hi")
    assert membership.status == MembershipStatus.ACTIVE


def test_request_to_invitation_only_community_is_refused(invitation_community, user):
    with pytest.raises(services.InvitationOnly):
        services.membership_request(user=user, community=invitation_community)


def test_declined_requester_may_ask_again(approval_community, user):
    facilitator = facilitator_of(approval_community)
    membership = services.membership_request(user=user, community=approval_community)
    services.membership_decline(actor=facilitator, membership_id=membership.pk, reason="Not now")
    again = services.membership_request(user=user, community=approval_community, message="Now?")
    assert again.pk == membership.pk
    assert (again.status, again.decision_reason) == (MembershipStatus.PENDING, "")


def test_deciding_a_withdrawn_request_is_refused(approval_community, user):
    facilitator = facilitator_of(approval_community)
    membership = services.membership_request(user=user, community=approval_community)
    services.membership_withdraw(user=user, community=approval_community)
    with pytest.raises(services.RequestNotPending):
        services.membership_approve(actor=facilitator, membership_id=membership.pk)
    with pytest.raises(services.RequestNotPending):
        services.membership_decline(actor=facilitator, membership_id=membership.pk, reason="x")
    assert state(user, approval_community)[0] == MembershipStatus.WITHDRAWN


def test_deciding_twice_is_refused(approval_community, user):
    facilitator = facilitator_of(approval_community)
    membership = services.membership_request(user=user, community=approval_community)
    services.membership_approve(actor=facilitator, membership_id=membership.pk)
    with pytest.raises(services.RequestNotPending):
        services.membership_decline(actor=facilitator, membership_id=membership.pk, reason="Changed my mind")
    assert state(user, approval_community)[0] == MembershipStatus.ACTIVE


def test_withdrawing_without_a_pending_request_is_refused(approval_community, user):
    with pytest.raises(services.RequestNotPending):
        services.membership_withdraw(user=user, community=approval_community)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR])
def test_non_facilitator_cannot_approve_or_decline(approval_community, user, role):
    other = MembershipFactory(community=approval_community, role=role).user
    membership = services.membership_request(user=user, community=approval_community)
    with pytest.raises(services.NotAllowed):
        services.membership_approve(actor=other, membership_id=membership.pk)
    with pytest.raises(services.NotAllowed):
        services.membership_decline(actor=other, membership_id=membership.pk, reason="no")
    assert state(user, approval_community)[0] == MembershipStatus.PENDING


def test_facilitator_of_another_community_cannot_decide(approval_community, user, site_home):
    stranger = facilitator_of(CommunityPageFactory())
    membership = services.membership_request(user=user, community=approval_community)
    with pytest.raises(services.NotAllowed):
        services.membership_approve(actor=stranger, membership_id=membership.pk)


# ROLES, LEAVE, REMOVE, BAN ----


def test_facilitator_changes_roles(open_community):
    facilitator = facilitator_of(open_community)
    membership = MembershipFactory(community=open_community)
    services.membership_set_role(actor=facilitator, membership_id=membership.pk, role=Role.MODERATOR)
    assert state(membership.user, open_community)[1] == Role.MODERATOR
    services.membership_set_role(actor=facilitator, membership_id=membership.pk, role=Role.FACILITATOR)
    assert state(membership.user, open_community)[1] == Role.FACILITATOR
    # With two facilitators, the first may now step down.
    own = Membership.objects.get(user=facilitator, community=open_community)
    services.membership_set_role(actor=facilitator, membership_id=own.pk, role=Role.MEMBER)
    assert state(facilitator, open_community)[1] == Role.MEMBER


def test_last_facilitator_cannot_be_demoted_removed_banned_or_leave(open_community):
    facilitator = facilitator_of(open_community)
    own = Membership.objects.get(user=facilitator, community=open_community)
    with pytest.raises(services.LastFacilitator):
        services.membership_set_role(actor=facilitator, membership_id=own.pk, role=Role.MEMBER)
    with pytest.raises(services.LastFacilitator):
        services.membership_leave(user=facilitator, community=open_community)
    with pytest.raises(services.LastFacilitator):
        services.membership_remove(actor=facilitator, membership_id=own.pk)
    with pytest.raises(services.LastFacilitator):
        services.membership_ban(actor=facilitator, membership_id=own.pk)
    assert state(facilitator, open_community) == (MembershipStatus.ACTIVE, Role.FACILITATOR)


def test_unknown_role_is_refused(open_community):
    facilitator = facilitator_of(open_community)
    membership = MembershipFactory(community=open_community)
    with pytest.raises(services.NotAllowed):
        services.membership_set_role(actor=facilitator, membership_id=membership.pk, role="owner")


def test_role_of_a_pending_requester_cannot_be_changed(approval_community, user):
    facilitator = facilitator_of(approval_community)
    membership = services.membership_request(user=user, community=approval_community)
    with pytest.raises(services.NotMember):
        services.membership_set_role(actor=facilitator, membership_id=membership.pk, role=Role.MODERATOR)


def test_moderator_cannot_change_roles(open_community):
    moderator = MembershipFactory(community=open_community, role=Role.MODERATOR).user
    membership = MembershipFactory(community=open_community)
    with pytest.raises(services.NotAllowed):
        services.membership_set_role(actor=moderator, membership_id=membership.pk, role=Role.FACILITATOR)


def test_remove_then_member_may_join_again(open_community):
    facilitator = facilitator_of(open_community)
    membership = MembershipFactory(community=open_community)
    services.membership_remove(actor=facilitator, membership_id=membership.pk, reason="Spam")
    assert state(membership.user, open_community)[0] == MembershipStatus.REMOVED
    services.membership_join(user=membership.user, community=open_community)
    assert state(membership.user, open_community)[0] == MembershipStatus.ACTIVE


def test_ban_revokes_open_invitations_and_unban_lets_them_back(open_community):
    facilitator = facilitator_of(open_community)
    membership = MembershipFactory(community=open_community)
    invitation = InvitationFactory(community=open_community, email=membership.user.email.upper())
    services.membership_ban(actor=facilitator, membership_id=membership.pk, reason="Harassment")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    with pytest.raises(services.CommunityError):
        services.membership_ban(actor=facilitator, membership_id=membership.pk)
    services.membership_unban(actor=facilitator, membership_id=membership.pk)
    assert state(membership.user, open_community)[0] == MembershipStatus.REMOVED
    with pytest.raises(services.NotBanned):
        services.membership_unban(actor=facilitator, membership_id=membership.pk)
    services.membership_join(user=membership.user, community=open_community)


def test_leaving_when_not_a_member_is_refused(open_community, user):
    with pytest.raises(services.NotMember):
        services.membership_leave(user=user, community=open_community)


# INVITATIONS ----


def test_invitation_is_accepted_once_in_the_invited_role(invitation_community):
    facilitator = facilitator_of(invitation_community)
    invitation = services.invitation_create(
        actor=facilitator, community=invitation_community, email=" Olga@Example.org ", role=Role.MODERATOR
    )
    assert invitation.email == "olga@example.org"
    token = services.invitation_token(invitation)
    invitee = UserFactory(email="olga@example.org")
    services.invitation_accept(user=invitee, token=token)
    assert state(invitee, invitation_community) == (MembershipStatus.ACTIVE, Role.MODERATOR)
    with pytest.raises(services.InvitationUsed):
        services.invitation_accept(user=UserFactory(), token=token)


def test_expired_invitation_is_refused(invitation_community, user, monkeypatch):
    invitation = InvitationFactory(community=invitation_community)
    token = services.invitation_token(invitation)
    later = timezone.now() + datetime.timedelta(seconds=services.INVITATION_MAX_AGE + 60)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    with pytest.raises(services.InvitationExpired):
        services.invitation_accept(user=user, token=token)
    assert not Membership.objects.filter(user=user).exists()


def test_old_invitation_with_a_fresh_signature_is_still_expired(invitation_community, user):
    invitation = InvitationFactory(community=invitation_community)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=services.INVITATION_MAX_AGE + 60)
    )
    with pytest.raises(services.InvitationExpired):
        services.invitation_accept(user=user, token=services.invitation_token(invitation))


@pytest.mark.parametrize("token", ["", "garbage", "12:abc:def", "999999:1abcde:xyz"])
def test_tampered_invitation_token_is_invalid(invitation_community, user, token):
    with pytest.raises(services.InvitationInvalid):
        services.invitation_accept(user=user, token=token)


def test_revoked_invitation_is_refused(invitation_community, user):
    facilitator = facilitator_of(invitation_community)
    invitation = InvitationFactory(community=invitation_community)
    services.invitation_revoke(actor=facilitator, invitation_id=invitation.pk)
    with pytest.raises(services.InvitationRevoked):
        services.invitation_accept(user=user, token=services.invitation_token(invitation))


def test_banned_invitee_cannot_accept(invitation_community):
    banned = MembershipFactory(community=invitation_community, status=MembershipStatus.BANNED).user
    invitation = InvitationFactory(community=invitation_community)
    with pytest.raises(services.Banned):
        services.invitation_accept(user=banned, token=services.invitation_token(invitation))
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_inviting_a_member_or_a_banned_person_is_refused(invitation_community):
    facilitator = facilitator_of(invitation_community)
    member = MembershipFactory(community=invitation_community).user
    banned = MembershipFactory(community=invitation_community, status=MembershipStatus.BANNED).user
    with pytest.raises(services.AlreadyMember):
        services.invitation_create(actor=facilitator, community=invitation_community, email=member.email)
    with pytest.raises(services.Banned):
        services.invitation_create(actor=facilitator, community=invitation_community, email=banned.email)
    assert not Invitation.objects.exists()


def test_only_facilitators_invite(invitation_community):
    member = MembershipFactory(community=invitation_community, role=Role.MODERATOR).user
    with pytest.raises(services.NotAllowed):
        services.invitation_create(actor=member, community=invitation_community, email="x@example.org")


# ANNOUNCEMENTS ----


def test_facilitator_posts_edits_and_deletes_announcements(open_community):
    facilitator = facilitator_of(open_community)
    announcement = services.announcement_create(
        actor=facilitator, community=open_community, title=" Webinar ", body="Thursday", pinned=True
    )
    assert announcement.title == "Webinar"
    services.announcement_update(
        actor=facilitator, announcement_id=announcement.pk, title="Webinar moved", body="Friday", pinned=False
    )
    announcement.refresh_from_db()
    assert (announcement.title, announcement.pinned) == ("Webinar moved", False)
    services.announcement_delete(actor=facilitator, announcement_id=announcement.pk)
    assert not open_community.announcements.exists()


def test_moderator_cannot_post_announcements(open_community):
    moderator = MembershipFactory(community=open_community, role=Role.MODERATOR).user
    with pytest.raises(services.NotAllowed):
        services.announcement_create(actor=moderator, community=open_community, title="x", body="y")
