"""Every community surface, called from outside as each kind of visitor, for each visibility."""

import pytest
from wagtail.models import Page

from cop import permissions
from tests.cop.conftest import ACTORS, READERS
from tests.factories import AnnouncementFactory, CommunityPageFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Members-only announcement 7f3a"


def _can_read(kind, visibility):
    if kind in READERS:
        return True
    return visibility == "public" and kind != "banned"


def _can_find(kind, visibility):
    return visibility != "hidden" or kind in READERS


@pytest.fixture(params=["public", "members", "hidden"])
def cast(request, make_cast):
    cast = make_cast(
        visibility=request.param, join_policy="approval" if request.param != "hidden" else "invitation"
    )
    AnnouncementFactory(community=cast.community, title=SECRET)
    return cast


@pytest.mark.parametrize("kind", ACTORS)
def test_community_page(client, cast, kind):
    visibility = cast.community.visibility
    response = cast.client(client, kind).get(cast.community.url)
    if not _can_find(kind, visibility):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert cast.community.title in html
    assert cast.community.summary in html
    # Members' content: announcements and the member list.
    assert (SECRET in html) is _can_read(kind, visibility)
    assert ("Facilitator" in html) is _can_read(kind, visibility)


@pytest.mark.parametrize("kind", ACTORS)
@pytest.mark.parametrize("surface", ["community_members", "community_announcements"])
def test_members_and_announcements_lists(client, cast, kind, surface):
    visibility = cast.community.visibility
    response = cast.client(client, kind).get(f"/en/communities/{cast.community.pk}/{surface.split('_')[1]}/")
    if not _can_find(kind, visibility):
        assert response.status_code == 404
    elif _can_read(kind, visibility):
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "Only members of this community can see this." in response.content.decode()
        assert SECRET not in response.content.decode()


@pytest.mark.parametrize("kind", ACTORS)
def test_manage_desk_is_for_facilitators_only(client, cast, kind):
    response = cast.client(client, kind).get(f"/en/communities/{cast.community.pk}/manage/")
    if kind == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    elif not _can_find(kind, cast.community.visibility):
        assert response.status_code == 404
    elif kind == "facilitator":
        assert response.status_code == 200
        assert "Pending" in response.content.decode()  # the pending requester's display name
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("kind", ACTORS)
def test_approving_a_request_is_for_facilitators_only(client, cast, kind):
    pending = cast.memberships["pending"]
    url = f"/en/communities/{cast.community.pk}/manage/requests/{pending.pk}/approve/"
    response = cast.client(client, kind).post(url)
    pending.refresh_from_db()
    if kind == "facilitator":
        assert response.status_code == 302
        assert pending.status == "active"
        return
    assert pending.status == "pending"
    if kind == "anonymous":
        assert response.status_code == 302
    elif not _can_find(kind, cast.community.visibility):
        assert response.status_code == 404
    else:
        assert response.status_code == 403
        assert "Only the facilitators of this community can do this." in response.content.decode()


@pytest.mark.parametrize("kind", ACTORS)
def test_index_lists_hidden_communities_only_to_their_members(client, cast, kind):
    response = cast.client(client, kind).get("/en/communities/")
    assert response.status_code == 200
    assert (cast.community.title in response.content.decode()) is _can_find(kind, cast.community.visibility)


@pytest.mark.parametrize("kind", ACTORS)
def test_site_search_respects_the_community(client, cast, kind):
    child = cast.community.add_child(
        instance=Page(title="Zebra mussel protocol under the community", slug="zebra-mussel")
    )
    assert child.live
    cast.client(client, kind)
    response = client.get("/en/search/", {"q": "Zebra mussel"})
    assert (f'href="{child.url}"' in response.content.decode()) is _can_read(kind, cast.community.visibility)
    response = client.get("/en/search/", {"q": cast.community.title})
    found = f'href="{cast.community.url}"' in response.content.decode()
    assert found is _can_find(kind, cast.community.visibility)


def test_visible_pages_query_count_does_not_grow_with_communities(site_home, django_assert_max_num_queries):
    user = UserFactory()
    for visibility in ["public", "members", "hidden"] * 5:
        MembershipFactory(user=user, community=CommunityPageFactory(visibility=visibility), status="pending")
    # One for Wagtail's view restrictions (Page.public()), one for the pages.
    with django_assert_max_num_queries(2):
        list(permissions.visible_pages(user, Page.objects.live()))


def test_staff_see_everything(site_home):
    staff = UserFactory(is_superuser=True)
    hidden = CommunityPageFactory(visibility="hidden")
    assert permissions.can_see_listing(staff, hidden)
    assert permissions.can_manage(staff, hidden)
    assert hidden in permissions.visible_communities(staff)


def test_join_action_for_each_position(make_cast):
    cast = make_cast(visibility="public", join_policy="approval")
    expected = {
        "outsider": "request",
        "pending": "pending",
        "banned": "banned",
        "member": "member",
        "facilitator": "member",
    }
    for kind, action in expected.items():
        assert permissions.join_action(cast.users[kind], cast.community) == action
    from django.contrib.auth.models import AnonymousUser

    assert permissions.join_action(AnonymousUser(), cast.community) == "sign_in"
    hidden = CommunityPageFactory(visibility="hidden", join_policy="invitation")
    assert permissions.join_action(cast.users["outsider"], hidden) == "invitation_only"
