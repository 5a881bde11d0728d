"""The site search's pages (home.search): the ranked list kept per query is the same for everyone, what
each visitor may find is decided for each request, and a change to a page shows on the next search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cop.fragments import scope_changed
from cop.models import CommunityPage
from cop.services import membership_ban, membership_join, membership_leave
from home import search as home_search
from tests.factories import CommunityPageFactory, EventPageFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/en/search/"


def found(client, words="knowledge") -> str:
    response = client.get(URL, {"q": words})
    assert response.status_code == 200
    return response.content.decode()


def count_queries(client, words="knowledge") -> int:
    with CaptureQueriesContext(connection) as queries:
        found(client, words)
    return len(queries)


def add_pages(number, community=None, prefix="Webinar"):
    return [EventPageFactory(community=community, title=f"{prefix} {n}") for n in range(number)]


def test_the_form_says_the_network_is_searched_too(client, site_home):
    body = found(client, "")
    assert "case studies and the network" in body
    assert "people, organisations, needs for support and offers of support" in body
    assert 'aria-describedby="search-q-help"' in body


@pytest.mark.parametrize("signed_in", [False, True])
def test_queries_do_not_grow_with_the_results(client, site_home, signed_in):
    """Cold (the query's list computed) and warm (kept) requests, each the same for 3 and 30 results."""
    if signed_in:
        client.force_login(UserFactory())
    private = CommunityPageFactory(visibility="members")
    add_pages(2, community=private, prefix="Private webinar")
    add_pages(3)
    found(client, "webinar")  # the process's first search (content types, the site's root paths)
    found(client)  # the network's hits kept (no page changes them): only the pages' part is cold below
    scope_changed(home_search.SEARCH_SCOPE)
    cold_few = count_queries(client)
    warm_few = count_queries(client)
    add_pages(27)
    cold_many = count_queries(client)
    warm_many = count_queries(client)
    assert "Webinar 26" in found(client)
    assert (cold_many, warm_many) == (cold_few, warm_few)
    assert warm_few < cold_few


def test_a_changed_page_shows_on_the_next_search(client, site_home):
    (event,) = add_pages(1)
    assert "Webinar 0" in found(client)
    event.title = "Renamed webinar"
    event.save_revision().publish()
    body = found(client)
    assert "Renamed webinar" in body and "Webinar 0" not in body
    event.unpublish()
    assert "Renamed webinar" not in found(client)


def test_each_visitor_finds_only_what_they_may_read(client, site_home):
    private = CommunityPageFactory(visibility="members", title="Guarded circle")
    add_pages(1, community=private, prefix="Members-only webinar")
    add_pages(1, prefix="Open webinar")
    body = found(client)  # the list is kept by the anonymous visitor's search
    assert "Open webinar" in body and "Members-only webinar" not in body and "Guarded circle" in body
    member = UserFactory()
    membership = MembershipFactory(community=private, user=member)
    client.force_login(member)
    assert "Members-only webinar" in found(client)  # the same kept list, decided for the member
    membership_ban(actor=UserFactory(is_superuser=True), membership_id=membership.pk)
    assert "Members-only webinar" not in found(client)  # decided again on every request
    client.logout()
    assert "Members-only webinar" not in found(client)


def test_joining_leaving_and_a_ban_show_at_once(client, site_home):
    """A member's memberships are read from the cache under their own version (cop.viewers)."""
    open_circle = CommunityPageFactory(visibility="public", title="Open circle")
    hidden = CommunityPageFactory(visibility="hidden", title="Quiet circle")
    add_pages(1, community=open_circle, prefix="Open circle webinar")
    add_pages(1, community=hidden, prefix="Quiet webinar")
    member = UserFactory()
    client.force_login(member)
    body = found(client)
    assert "Open circle webinar" in body and "Quiet webinar" not in body and "Quiet circle" not in body
    MembershipFactory(community=hidden, user=member)  # invited and accepted: a saved membership
    body = found(client)
    assert "Quiet webinar" in body and "Quiet circle" in body
    membership_leave(user=member, community=CommunityPage.objects.get(pk=hidden.pk))
    body = found(client)
    assert "Quiet webinar" not in body and "Quiet circle" not in body
    joined = membership_join(user=member, community=CommunityPage.objects.get(pk=open_circle.pk))
    assert "Open circle webinar" in found(client)
    membership_ban(actor=UserFactory(is_superuser=True), membership_id=joined.pk)
    body = found(client)  # barred from a public community: its pages no longer, its name still
    assert "Open circle webinar" not in body and "Open circle" in body


def test_a_community_made_private_or_hidden_is_left_out_at_once(client, site_home):
    community = CommunityPageFactory(title="Wetland circle")
    add_pages(1, community=community, prefix="Wetland webinar")
    body = found(client)
    assert "Wetland webinar" in body and "Wetland circle" in body
    community.visibility = "members"
    community.save_revision().publish()
    body = found(client)
    assert "Wetland webinar" not in body and "Wetland circle" in body
    community.visibility = "hidden"
    community.save_revision().publish()
    assert "Wetland circle" not in found(client)


def test_a_list_cut_short_is_searched_again_with_the_visitors_rights(client, site_home, monkeypatch):
    """With more candidates than kept and too few of them for the visitor, the visitor's own query."""
    monkeypatch.setattr(home_search, "CANDIDATES", 3)
    monkeypatch.setattr(home_search, "LIMIT", 4)
    private = CommunityPageFactory(visibility="members")
    add_pages(3, community=private, prefix="Private webinar")
    add_pages(2, prefix="Open webinar")
    body = found(client)
    assert body.count("Open webinar") == 2 and "Private webinar" not in body
    # (the visitor's query found them)


def test_the_kept_list_ranks_as_the_visitors_query(rf, site_home):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    private = CommunityPageFactory(visibility="members", title="Knowledge keepers")
    add_pages(3, community=private, prefix="Private knowledge webinar")
    add_pages(4, prefix="Knowledge webinar")
    request = rf.get(URL)
    request.user = AnonymousUser()
    with translation.override("en"):
        kept = home_search.page_results(request, "knowledge")
        searched = home_search._searched(request, "knowledge")
    assert len(kept) == 6  # four events, two communities (the private one is listed)
    assert kept == searched


def test_the_community_sets_are_cop_permissions_own(rf, site_home):
    """The communities a member may read and see listed, decided from the kept list's communities and
    their cached memberships, are readable_communities' and visible_communities'."""
    from django.utils import translation

    from cop import permissions, viewers

    communities = {
        visibility: CommunityPageFactory(visibility=visibility, title=f"{visibility} circle")
        for visibility in ("public", "members", "hidden")
    }
    gone = CommunityPageFactory(visibility="public", title="Closed circle")
    gone.unpublish()
    member = UserFactory()
    states = ("active", "pending", "banned", "left")
    MembershipFactory(community=gone, user=member)
    request = rf.get(URL)
    with translation.override("en"):
        entry = home_search._candidates(request, "circle")
    for visibility, community in communities.items():
        for state in states:
            # The member in one state in this community, none elsewhere but the unpublished one.
            membership = MembershipFactory(community=community, user=member, status=state)
            user = type(member).objects.get(pk=member.pk)  # a new request's user
            rows, _versions = viewers.memberships(user)
            decided = home_search._communities(user, entry, rows)
            assert decided == (
                set(permissions.readable_communities(user).values_list("pk", flat=True)),
                set(permissions.visible_communities(user).values_list("pk", flat=True)),
            ), (visibility, state)
            membership.delete()
