"""The home and community sections that visitors who are not signed in share are rendered once per
version of their scope (cop.fragments): every change they show is on the next page at once, and
signed-in members still get their own (their communities, "New" marks, registrations)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from cop import fragments
from cop.services import community_touch
from events.models import Occurrence
from forums import services as forum_services
from tests.factories import (
    CommunityPageFactory,
    EventPageFactory,
    MembershipFactory,
    UserFactory,
    events_community,
    forums_community_board,
    forums_member,
    forums_thread,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    settings.FORUMS_NEW_ACCOUNT_DAYS = 0  # the factories' accounts are brand new
    cache.clear()


def _board_with_member(title: str):
    board = forums_community_board(title=title)
    author = UserFactory()
    forums_member(author, board)
    return board, author


def _home(client) -> str:
    return client.get("/en/").content.decode()


def test_home_communities_change_at_once(client, site_home):
    first = CommunityPageFactory(title="Youth for biodiversity")
    assert "Youth for biodiversity" in _home(client)
    assert "1 member<" not in _home(client)
    MembershipFactory(community=first)  # a member count is shown
    assert "1 member<" in _home(client)
    other = CommunityPageFactory(title="Pollinator keepers")
    assert "Pollinator keepers" in _home(client)
    first.title = "Young people for biodiversity"
    first.save_revision().publish()
    html = _home(client)
    assert "Young people for biodiversity" in html and "Youth for biodiversity" not in html
    other.unpublish()
    assert "Pollinator keepers" not in _home(client)


def test_home_communities_order_follows_activity(client, site_home):
    quiet = CommunityPageFactory(title="Quiet community")
    busy = CommunityPageFactory(title="Busy community")
    community_touch(community_id=quiet.pk, at=timezone.now())
    html = _home(client)
    assert html.index("Quiet community") < html.index("Busy community")
    community_touch(community_id=busy.pk, at=timezone.now() + dt.timedelta(minutes=1))
    html = _home(client)
    assert html.index("Busy community") < html.index("Quiet community")


def test_member_gets_their_own_communities_not_the_visitors_section(client, site_home):
    public = CommunityPageFactory(title="Youth for biodiversity")
    CommunityPageFactory(title="Pollinator keepers")
    assert "Communities of practice" in _home(client)  # cached for visitors
    client.force_login(MembershipFactory(community=public).user)
    html = _home(client)
    assert "Your communities" in html and "Pollinator keepers" not in html


def test_latest_discussions_change_at_once(client, site_home):
    board, author = _board_with_member("Mangrove people")
    thread = forums_thread(board=board, author=author, title="Mangrove restoration")
    html = _home(client)
    assert "Mangrove restoration" in html and "0 replies" in html
    forum_services.post_create(thread=thread, author=thread.author, body="We replant every spring.")
    assert "1 reply" in _home(client)
    forums_thread(board=board, author=author, title="Seed exchange")
    assert "Seed exchange" in _home(client)
    board.name = "Mangrove forum"
    board.save()
    assert "Mangrove forum" in _home(client)
    community_page = client.get(board.community.url).content.decode()
    assert "Seed exchange" in community_page and "Mangrove restoration" in community_page
    forums_thread(board=board, author=author, title="Crab counts")
    assert "Crab counts" in client.get(board.community.url).content.decode()


def test_latest_discussions_leave_when_the_community_turns_members_only(client, site_home):
    board, author = _board_with_member("Mangrove people")
    forums_thread(board=board, author=author, title="Mangrove restoration")
    assert "Mangrove restoration" in _home(client)
    community = board.community
    community.visibility = "members"
    community.save_revision().publish()
    assert "Mangrove restoration" not in _home(client)


def test_member_sees_new_marks_outside_the_visitors_cache(client, site_home):
    board, author = _board_with_member("Mangrove people")
    forums_thread(board=board, author=author, title="Mangrove restoration")
    assert "Mangrove restoration" in _home(client)
    client.force_login(UserFactory())
    assert 'badge--new">' in _home(client)  # never read: marked new for this member only


def test_upcoming_events_change_at_once(client, site_home):
    community = events_community(title="Wetland keepers")
    event = EventPageFactory(title="Wetland webinar", community=community)
    html = _home(client)
    assert "Wetland webinar" in html and "Wetland keepers" in html
    assert "Wetland webinar" in client.get(community.url).content.decode()
    event.title = "Wetlands webinar, second edition"
    event.save_revision().publish()
    assert "Wetlands webinar, second edition" in _home(client)
    community.title = "Wetland guardians"
    community.save_revision().publish()
    assert "Wetland guardians" in _home(client)
    occurrence = Occurrence.objects.get(event=event)
    occurrence.is_cancelled = True
    occurrence.save()
    assert "Cancelled" in _home(client)
    assert "Wetlands webinar" not in client.get(community.url).content.decode()  # cancelled ones left out
    event.unpublish()
    assert "Wetlands webinar" not in _home(client)


def test_upcoming_events_kept_only_until_the_first_shown_ends(client, site_home, monkeypatch):
    soon = timezone.now() + dt.timedelta(hours=2)
    EventPageFactory(
        title="Morning talk",
        time_zone="UTC",
        start_date=soon.date(),
        start_time=dt.time(0, 0),
        end_date=(soon + dt.timedelta(days=1)).date(),
        end_time=dt.time(0, 0),
    )
    kept = {}
    real_set = fragments.django_cache.set

    def recording_set(key, value, timeout=None, **kwargs):
        if key.startswith("fragment:home-upcoming-events-anonymous:"):
            kept["timeout"] = timeout
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(fragments.django_cache, "set", recording_set)
    assert "Morning talk" in _home(client)
    first_end = Occurrence.objects.get(event__title="Morning talk").end_utc
    expected = (first_end - timezone.now()).total_seconds()
    expected = min(expected, fragments.FRAGMENT_SECONDS)  # kept a day at most
    assert expected - 60 <= kept["timeout"] <= expected


def test_render_one_does_not_keep_what_has_already_ended():
    rendered = []

    def render():
        rendered.append(1)
        return "<p>ended</p>", 0

    assert fragments.render_one("ended", 1, render=render) == "<p>ended</p>"
    assert fragments.render_one("ended", 1, render=render) == "<p>ended</p>"
    assert rendered == [1, 1]


def test_scope_changed_bumps_again_after_commit(django_capture_on_commit_callbacks):
    before = fragments.scope_versions("test-scope")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        fragments.scope_changed("test-scope")
    at_once = fragments.scope_versions("test-scope")
    assert at_once != before
    for callback in callbacks:
        callback()
    assert fragments.scope_versions("test-scope") not in (before, at_once)


def test_a_members_own_communities_change_at_once(client, site_home):
    """The member's section is shared by everyone in the same communities (cop.viewers), and their
    memberships come from the cache under their own version: joining, leaving and a new title show."""
    from cop.services import membership_join, membership_leave

    seeds = CommunityPageFactory(title="Seed keepers")
    CommunityPageFactory(title="Pollinator keepers")
    member = UserFactory()
    client.force_login(member)
    assert "Your communities" not in _home(client)
    membership_join(user=member, community=seeds)
    html = _home(client)
    assert "Your communities" in html and "Seed keepers" in html and "Pollinator keepers" not in html
    seeds.title = "Seed savers"
    seeds.save_revision().publish()
    assert "Seed savers" in _home(client)
    other = UserFactory()  # same kind of viewer: the same section
    membership_join(user=other, community=seeds)
    client.force_login(other)
    assert "Your communities" in _home(client)
    client.force_login(member)
    membership_leave(user=member, community=seeds)
    assert "Your communities" not in _home(client)


def test_a_role_change_shows_on_the_community_page_at_once(client, site_home):
    from cop.services import membership_set_role

    community = CommunityPageFactory(title="Seed keepers")
    facilitator = MembershipFactory(community=community, role="facilitator").user
    member = MembershipFactory(community=community)
    client.force_login(member.user)
    assert "You are a member of this community." in client.get(community.url).content.decode()
    membership_set_role(actor=facilitator, membership_id=member.pk, role="facilitator")
    html = client.get(community.url).content.decode()
    assert "You facilitate this community." in html and "Manage the community" in html
