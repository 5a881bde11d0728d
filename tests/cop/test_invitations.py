"""The invitee's side: the signed link, logging in or signing up, landing as a member."""

import datetime
import re
from urllib.parse import quote

import pytest
from django.core import mail
from django.utils import timezone

from cop import services
from cop.models import Invitation, Membership, MembershipStatus, Role
from tests.factories import CommunityPageFactory, InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def community(site_home):
    return CommunityPageFactory(title="Target 3 round table", visibility="hidden", join_policy="invitation")


@pytest.fixture
def invitation(community):
    return InvitationFactory(
        community=community,
        email="olga@example.org",
        role=Role.MODERATOR,
        invited_by=MembershipFactory(community=community, role=Role.FACILITATOR).user,
    )


def link(invitation):
    return f"/en/invitations/{services.invitation_token(invitation)}/"


def test_signed_in_invitee_accepts_with_one_button(client, invitation, community):
    invitee = UserFactory(email="olga@example.org")
    client.force_login(invitee)
    response = client.get(link(invitation))
    assert response.status_code == 200
    assert "Accept the invitation" in response.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()  # GET changes nothing
    response = client.post(link(invitation), follow=True)
    assert response.redirect_chain[-1][0] == community.url
    assert "You are now a member of" in response.content.decode()
    membership = Membership.objects.get(user=invitee, community=community)
    assert (membership.status, membership.role) == (MembershipStatus.ACTIVE, Role.MODERATOR)
    # Opening the link again takes the same person to the community.
    response = client.get(link(invitation))
    assert response.status_code == 302 and response["Location"] == community.url


def test_reused_invitation_is_410_for_someone_else(client, invitation, community):
    services.invitation_accept(user=UserFactory(), token=services.invitation_token(invitation))
    other = UserFactory()
    client.force_login(other)
    for method in (client.get, client.post):
        response = method(link(invitation))
        assert response.status_code == 410
        assert "This invitation has already been used." in response.content.decode()
    assert not Membership.objects.filter(user=other).exists()


def test_expired_invitation_is_410(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    client.force_login(UserFactory())
    response = client.post(link(invitation))
    assert response.status_code == 410
    assert "This invitation has expired." in response.content.decode()


def test_tampered_link_is_404_with_a_message(client, invitation):
    response = client.get(link(invitation)[:-3] + "xx/")
    assert response.status_code == 404
    assert "This invitation link is not valid." in response.content.decode()


def test_revoked_invitation_is_410(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    response = client.get(link(invitation))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_anonymous_invitee_logs_in_and_lands_as_a_member(client, invitation, community):
    invitee = UserFactory(email="olga@example.org")
    url = link(invitation)
    html = client.get(url).content.decode()
    assert "Log in to accept the invitation" in html
    login = f"/en/accounts/login/?next={quote(url, safe='/')}"
    assert login in html
    response = client.post(login, {"login": invitee.email, "password": PASSWORD}, follow=True)
    assert Membership.objects.get(user=invitee, community=community).status == MembershipStatus.ACTIVE
    assert response.redirect_chain[-1][0] == community.url
    assert response.status_code == 200


def test_anonymous_invitee_signs_up_verifies_and_lands_as_a_member(client, invitation, community):
    client.get(link(invitation))
    response = client.post(
        f"/en/accounts/signup/?next={link(invitation)}",
        {
            "email": "olga@example.org",
            "display_name": "Ольга Смирнова",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "preferred_language": "ru",
            "time_zone": "Europe/Moscow",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    confirmation = next(m for m in mail.outbox if "olga@example.org" in m.to)
    confirm_path = re.search(r"https?://[^/\s]+(/\S+/confirm-email/\S+)", confirmation.body).group(1)
    response = client.post(confirm_path, follow=True)
    membership = Membership.objects.get(user__email="olga@example.org", community=community)
    assert (membership.status, membership.role) == (MembershipStatus.ACTIVE, Role.MODERATOR)
    invitation.refresh_from_db()
    assert invitation.accepted_by == membership.user


def test_login_without_a_pending_invitation_changes_nothing(client, site_home):
    user = UserFactory()
    client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert not Membership.objects.filter(user=user).exists()
