"""The membership flows through the front end, and each bad input's message and status."""

import pytest

from cop.models import Announcement, Membership, MembershipStatus, Role
from tests.factories import AnnouncementFactory, CommunityPageFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _url(community, action):
    return f"/en/communities/{community.pk}/{action}/"


def _status(user, community):
    return Membership.objects.get(user=user, community=community).status


# JOIN AND LEAVE ----


def test_join_open_community_then_leave(client, site_home, user):
    community = CommunityPageFactory(join_policy="open")
    client.force_login(user)
    page = client.get(community.url).content.decode()
    assert "Join this community" in page
    response = client.post(_url(community, "join"), follow=True)
    assert response.redirect_chain[-1][0] == community.url
    html = response.content.decode()
    assert "You are now a member of" in html
    assert "You are a member of this community." in html
    assert client.get(_url(community, "leave")).status_code == 200
    response = client.post(_url(community, "leave"))
    assert response["Location"] == "/en/me/communities/"
    assert _status(user, community) == MembershipStatus.LEFT


def test_joining_twice_answers_409_with_a_message(client, site_home, user):
    community = CommunityPageFactory(join_policy="open")
    MembershipFactory(user=user, community=community)
    client.force_login(user)
    response = client.post(_url(community, "join"))
    assert response.status_code == 409
    assert "You are already a member of this community." in response.content.decode()
    assert Membership.objects.filter(user=user).count() == 1


def test_refusals_are_in_the_users_language(client, site_home, user):
    community = CommunityPageFactory(join_policy="open")
    MembershipFactory(user=user, community=community)
    client.force_login(user)
    response = client.post(f"/fr/communities/{community.pk}/join/")
    assert response.status_code == 409
    assert "Vous êtes déjà membre de cette communauté." in response.content.decode()
    response = client.post(f"/ar/communities/{community.pk}/join/")
    assert "أنت عضو في هذا المجتمع بالفعل." in response.content.decode()
    response = client.get(f"/es/communities/{community.pk + 999}/members/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Une communauté a besoin d’au moins un animateur."),
        ("es", "Una comunidad necesita al menos un facilitador."),
        ("ru", "У сообщества должен быть хотя бы один ведущий."),
        ("zh-hans", "社区至少需要一名协调人。"),
    ],
)
def test_last_facilitator_refusal_in_each_language(client, site_home, language, message):
    community = CommunityPageFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    client.force_login(facilitator)
    response = client.post(f"/{language}/communities/{community.pk}/leave/")
    assert response.status_code == 409
    assert message in response.content.decode()


def test_join_needs_login_and_post(client, site_home, user):
    community = CommunityPageFactory(join_policy="open")
    response = client.post(_url(community, "join"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(user)
    assert client.get(_url(community, "join")).status_code == 405


def test_anonymous_sees_how_to_join(client, site_home):
    community = CommunityPageFactory(join_policy="approval", visibility="members")
    html = client.get(community.url).content.decode()
    assert "Log in or sign up to ask to join this community." in html
    assert f"/en/accounts/login/?next={community.url}" in html


def test_last_facilitator_leaving_is_refused_with_409(client, site_home):
    community = CommunityPageFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    client.force_login(facilitator)
    response = client.post(_url(community, "leave"))
    assert response.status_code == 409
    assert "A community needs at least one facilitator." in response.content.decode()
    assert _status(facilitator, community) == MembershipStatus.ACTIVE


def test_hidden_community_actions_are_404_for_outsiders(client, site_home, user):
    community = CommunityPageFactory(visibility="hidden", join_policy="invitation")
    client.force_login(user)
    for action in ("join", "request", "withdraw", "leave"):
        assert client.post(_url(community, action)).status_code == 404
    assert not Membership.objects.filter(user=user).exists()


def test_join_on_invitation_only_community_is_403(client, site_home, user):
    community = CommunityPageFactory(visibility="public", join_policy="invitation")
    client.force_login(user)
    html = client.get(community.url).content.decode()
    assert "takes new members by invitation" in html
    response = client.post(_url(community, "join"))
    assert response.status_code == 403
    assert "by invitation only" in response.content.decode()


# REQUEST, WITHDRAW, DECIDE ----


def test_request_withdraw_and_request_again(client, site_home, user):
    community = CommunityPageFactory(join_policy="approval", visibility="members")
    client.force_login(user)
    assert client.get(_url(community, "request")).status_code == 200
    response = client.post(
        _url(community, "request"), {"message": "I coordinate the CHM of Peru."}, follow=True
    )
    assert "Your request was sent." in response.content.decode()
    assert "Withdraw my request" in response.content.decode()
    response = client.post(_url(community, "request"), {"message": "again"})
    assert response.status_code == 409
    assert "already waiting" in response.content.decode()
    client.post(_url(community, "withdraw"))
    assert _status(user, community) == MembershipStatus.WITHDRAWN
    response = client.post(_url(community, "withdraw"))
    assert response.status_code == 409
    assert "no longer waiting for a decision" in response.content.decode()
    client.post(_url(community, "request"), {"message": "Please"})
    assert _status(user, community) == MembershipStatus.PENDING


def test_overlong_request_message_is_a_form_error(client, site_home, user):
    community = CommunityPageFactory(join_policy="approval")
    client.force_login(user)
    response = client.post(_url(community, "request"), {"message": "x" * 2001})
    assert response.status_code == 400
    assert "Ensure this value has at most 2000 characters" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_banned_user_re_requesting_gets_403(client, site_home):
    community = CommunityPageFactory(join_policy="approval")
    banned = MembershipFactory(community=community, status=MembershipStatus.BANNED).user
    client.force_login(banned)
    assert "have barred you" in client.get(community.url).content.decode()
    response = client.post(_url(community, "request"), {"message": "Sorry"})
    assert response.status_code == 403
    assert "have barred you from it" in response.content.decode()
    assert _status(banned, community) == MembershipStatus.BANNED


def test_facilitator_approves_and_declines_from_the_desk(client, site_home):
    community = CommunityPageFactory(join_policy="approval", visibility="members")
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    first = MembershipFactory(community=community, status="pending", request_message="Hola")
    second = MembershipFactory(community=community, status="pending")
    client.force_login(facilitator)
    desk = client.get(_url(community, "manage")).content.decode()
    assert "Hola" in desk and first.user.public_name in desk
    response = client.post(_url(community, f"manage/requests/{first.pk}/approve"))
    assert response.status_code == 302
    assert _status(first.user, community) == MembershipStatus.ACTIVE
    # Decline without a reason: a form error, nothing changes.
    response = client.post(_url(community, f"manage/requests/{second.pk}/decline"), {"reason": " "})
    assert response.status_code == 400
    assert _status(second.user, community) == MembershipStatus.PENDING
    assert client.get(_url(community, f"manage/requests/{second.pk}/decline")).status_code == 200
    client.post(_url(community, f"manage/requests/{second.pk}/decline"), {"reason": "Focal points only"})
    assert _status(second.user, community) == MembershipStatus.DECLINED
    # Deciding again: 409 and a message.
    response = client.post(_url(community, f"manage/requests/{second.pk}/approve"))
    assert response.status_code == 409
    assert "no longer waiting for a decision" in response.content.decode()
    assert _status(second.user, community) == MembershipStatus.DECLINED


def test_membership_of_another_community_is_404_on_the_desk(client, site_home):
    community = CommunityPageFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    elsewhere = MembershipFactory(community=CommunityPageFactory(), status="pending")
    client.force_login(facilitator)
    assert client.post(_url(community, f"manage/requests/{elsewhere.pk}/approve")).status_code == 404
    assert _status(elsewhere.user, elsewhere.community) == MembershipStatus.PENDING


# ROLES, REMOVE, BAN ----


def test_role_change_remove_ban_and_unban(client, site_home):
    community = CommunityPageFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    member = MembershipFactory(community=community)
    other = MembershipFactory(community=community)
    client.force_login(facilitator)
    client.post(_url(community, f"manage/members/{member.pk}/role"), {"role": "moderator"})
    member.refresh_from_db()
    assert member.role == Role.MODERATOR
    response = client.post(_url(community, f"manage/members/{member.pk}/role"), {"role": "owner"})
    assert response.status_code == 400
    assert "Choose one of the roles offered." in response.content.decode()
    assert client.get(_url(community, f"manage/members/{member.pk}/remove")).status_code == 200
    client.post(_url(community, f"manage/members/{member.pk}/remove"), {"reason": ""})
    assert _status(member.user, community) == MembershipStatus.REMOVED
    assert client.get(_url(community, f"manage/members/{other.pk}/ban")).status_code == 200
    client.post(_url(community, f"manage/members/{other.pk}/ban"), {"reason": "Spam"})
    assert _status(other.user, community) == MembershipStatus.BANNED
    desk = client.get(_url(community, "manage")).content.decode()
    assert "Barred from the community" in desk and "Spam" in desk
    client.post(_url(community, f"manage/members/{other.pk}/unban"))
    assert _status(other.user, community) == MembershipStatus.REMOVED


def test_demoting_the_last_facilitator_is_refused(client, site_home):
    community = CommunityPageFactory()
    own = MembershipFactory(community=community, role=Role.FACILITATOR)
    client.force_login(own.user)
    response = client.post(_url(community, f"manage/members/{own.pk}/role"), {"role": "member"})
    assert response.status_code == 409
    assert "A community needs at least one facilitator." in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.FACILITATOR


# INVITATIONS FROM THE DESK ----


def test_invitation_form_errors_are_400_and_409(client, site_home):
    community = CommunityPageFactory(visibility="hidden", join_policy="invitation")
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    member = MembershipFactory(community=community).user
    client.force_login(facilitator)
    response = client.post(
        _url(community, "manage/invitations"), {"email": "not an address", "role": "member"}
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    response = client.post(_url(community, "manage/invitations"), {"email": member.email, "role": "member"})
    assert response.status_code == 409
    assert "is already a member of this community" in response.content.decode()
    response = client.post(
        _url(community, "manage/invitations"), {"email": "new@example.org", "role": "member"}
    )
    assert response.status_code == 302
    invitation = community.invitations.get()
    assert "new@example.org" in client.get(_url(community, "manage")).content.decode()
    client.post(_url(community, f"manage/invitations/{invitation.pk}/revoke"))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


# ANNOUNCEMENTS ----


def test_facilitator_manages_announcements_and_members_see_them(client, site_home):
    community = CommunityPageFactory(visibility="members")
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    member = MembershipFactory(community=community).user
    client.force_login(facilitator)
    assert client.get(_url(community, "manage/announcements/new")).status_code == 200
    response = client.post(_url(community, "manage/announcements/new"), {"title": "", "body": "x"})
    assert response.status_code == 400
    client.post(
        _url(community, "manage/announcements/new"),
        {"title": "Knowledge fair in Nairobi", "body": "Registration is open.", "pinned": "on"},
    )
    announcement = Announcement.objects.get()
    assert announcement.author == facilitator
    client.post(
        _url(community, f"manage/announcements/{announcement.pk}/edit"),
        {"title": "Knowledge fair in Nairobi (new date)", "body": "Registration is open.", "pinned": "on"},
    )
    client.force_login(member)
    html = client.get(community.url).content.decode()
    assert "Knowledge fair in Nairobi (new date)" in html
    assert "Knowledge fair" in client.get(_url(community, "announcements")).content.decode()
    client.force_login(facilitator)
    client.post(_url(community, f"manage/announcements/{announcement.pk}/delete"))
    assert not Announcement.objects.exists()


def test_unpinned_announcements_stay_off_the_home(client, site_home):
    community = CommunityPageFactory()
    AnnouncementFactory(community=community, title="Old news", pinned=False)
    AnnouncementFactory(community=community, title="Pinned news", pinned=True)
    html = client.get(community.url).content.decode()
    assert "Pinned news" in html and "Old news" not in html
    assert "Old news" in client.get(_url(community, "announcements")).content.decode()


# MY COMMUNITIES ----


def test_my_communities_lists_memberships_and_pending_requests(client, site_home, user):
    mine = CommunityPageFactory(title="Seed keepers")
    asked = CommunityPageFactory(title="Round table", join_policy="approval")
    left = CommunityPageFactory(title="Left long ago")
    MembershipFactory(user=user, community=mine, role=Role.FACILITATOR)
    MembershipFactory(user=user, community=asked, status="pending")
    MembershipFactory(user=user, community=left, status="left")
    client.force_login(user)
    html = client.get("/en/me/communities/").content.decode()
    assert "Seed keepers" in html and "Round table" in html and "Left long ago" not in html
    assert f"/en/communities/{mine.pk}/manage/" in html
    response = client.post(_url(asked, "withdraw"), {"next": "mine"})
    assert response["Location"] == "/en/me/communities/"


def test_my_communities_needs_login(client, db):
    response = client.get("/en/me/communities/")
    assert response.status_code == 302


def test_bidi_isolation_of_user_supplied_names(client, site_home):
    community = CommunityPageFactory(title="\u202eevil community")
    MembershipFactory(community=community, user=UserFactory(display_name="\u202eevil name"))
    html = client.get(community.url).content.decode()
    assert "<bdi>\u202eevil community</bdi>" in html
    assert "<bdi>\u202eevil name</bdi>" in html


def test_account_menu_links_my_communities_and_profile(client, site_home, user):
    client.force_login(user)
    html = client.get("/en/search/").content.decode()
    assert 'href="/en/me/communities/"' in html
    assert 'href="/en/me/"' in html
    # The menu's address is the same for everyone (cached pages); it leads to the member's own profile.
    assert client.get("/en/me/").url == f"/en/people/{user.pk}/"


def test_my_profile_asks_a_visitor_to_log_in(client, site_home):
    assert client.get("/en/me/").url.startswith("/en/accounts/login/")


def test_facilitator_bars_a_spamming_requester(client, site_home):
    community = CommunityPageFactory(join_policy="approval")
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    spammer = MembershipFactory(community=community, status="pending", request_message="Buy now")
    client.force_login(facilitator)
    ban_url = _url(community, f"manage/members/{spammer.pk}/ban")
    assert f'href="{ban_url}"' in client.get(_url(community, "manage")).content.decode()
    client.post(ban_url, {"reason": "Spam"})
    assert _status(spammer.user, community) == MembershipStatus.BANNED
    client.force_login(spammer.user)
    response = client.post(_url(community, "request"), {"message": "Buy again"})
    assert response.status_code == 403
