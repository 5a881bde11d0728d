"""Every community surface, called from outside as each kind of visitor, for each visibility.

Each test builds one community with a user in every position and tries each of them in turn (a
loop rather than a parameter, so the cast is built once per visibility: the suite stays fast)."""

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


def test_community_page(client, cast):
    visibility = cast.community.visibility
    for kind in ACTORS:
        response = cast.client(client, kind).get(cast.community.url)
        if not _can_find(kind, visibility):
            assert response.status_code == 404, kind
            continue
        assert response.status_code == 200, kind
        html = response.content.decode()
        assert cast.community.title in html, kind
        assert cast.community.summary in html, kind
        # Members' content: announcements and the member list.
        assert (SECRET in html) is _can_read(kind, visibility), kind
        assert ("Facilitator" in html) is _can_read(kind, visibility), kind


@pytest.mark.parametrize("surface", ["members", "announcements"])
def test_members_and_announcements_lists(client, cast, surface):
    visibility = cast.community.visibility
    for kind in ACTORS:
        response = cast.client(client, kind).get(f"/en/communities/{cast.community.pk}/{surface}/")
        if not _can_find(kind, visibility):
            assert response.status_code == 404, kind
        elif _can_read(kind, visibility):
            assert response.status_code == 200, kind
        else:
            assert response.status_code == 403, kind
            assert "Only members of this community can see this." in response.content.decode()
            assert SECRET not in response.content.decode()


def test_manage_desk_is_for_facilitators_only(client, cast):
    for kind in ACTORS:
        response = cast.client(client, kind).get(f"/en/communities/{cast.community.pk}/manage/")
        if kind == "anonymous":
            assert response.status_code == 302
            assert "/accounts/login/" in response["Location"]
        elif not _can_find(kind, cast.community.visibility):
            assert response.status_code == 404, kind
        elif kind == "facilitator":
            assert response.status_code == 200
            assert "Pending" in response.content.decode()  # the pending requester's display name
        else:
            assert response.status_code == 403, kind


def test_approving_a_request_is_for_facilitators_only(client, cast):
    pending = cast.memberships["pending"]
    url = f"/en/communities/{cast.community.pk}/manage/requests/{pending.pk}/approve/"
    # The facilitator last: until then the request must stay pending.
    for kind in [kind for kind in ACTORS if kind != "facilitator"] + ["facilitator"]:
        response = cast.client(client, kind).post(url)
        pending.refresh_from_db()
        if kind == "facilitator":
            assert response.status_code == 302
            assert pending.status == "active"
            continue
        assert pending.status == "pending", kind
        if kind == "anonymous":
            assert response.status_code == 302
        elif not _can_find(kind, cast.community.visibility):
            assert response.status_code == 404, kind
        else:
            assert response.status_code == 403, kind
            assert "Only the facilitators of this community can do this." in response.content.decode()


def test_index_lists_hidden_communities_only_to_their_members(client, cast):
    for kind in ACTORS:
        response = cast.client(client, kind).get("/en/communities/")
        assert response.status_code == 200
        listed = cast.community.title in response.content.decode()
        assert listed is _can_find(kind, cast.community.visibility), kind


def test_site_search_respects_the_community(client, cast):
    child = cast.community.add_child(
        instance=Page(title="Zebra mussel protocol under the community", slug="zebra-mussel")
    )
    assert child.live
    visibility = cast.community.visibility
    for kind in ACTORS:
        cast.client(client, kind)
        response = client.get("/en/search/", {"q": "Zebra mussel"})
        assert (f'href="{child.url}"' in response.content.decode()) is _can_read(kind, visibility), kind
        response = client.get("/en/search/", {"q": cast.community.title})
        found = f'href="{cast.community.url}"' in response.content.decode()
        assert found is _can_find(kind, visibility), kind


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
