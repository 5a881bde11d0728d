"""Signed-in members' home and community pages: their sections are shared by kind of reader and their own
bits (the bell's count, "New" marks, registrations) kept under their own versions, so a warm page asks
the database for the user and the page only; every change is on the next request, and nobody sees
threads or events of a community they may not read (a former member from the request after leaving)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cop.services import membership_leave
from events.services import event_register
from forums import notifications, services
from forums.models import Notification, NotificationKind
from tests.factories import (
    EventPageFactory,
    UserFactory,
    events_community,
    events_membership,
    forums_community_board,
    forums_member,
    forums_thread,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.FORUMS_NEW_ACCOUNT_DAYS = 0  # the factories' accounts are brand new
    cache.clear()


def _get(client, url="/en/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _statements(client, url) -> int:
    _get(client, url)
    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    return len(queries)


def _private_board_with_thread(title="Seed vault inventory"):
    board = forums_community_board(visibility="members", title="Seed savers")
    author = UserFactory()
    forums_member(author, board)
    return board, forums_thread(board=board, author=author, title=title)


def test_a_member_sees_a_private_communitys_threads_an_outsider_and_a_former_member_do_not(client, site_home):
    board, _thread = _private_board_with_thread()
    member, outsider = UserFactory(), UserFactory()
    forums_member(member, board)
    client.force_login(outsider)
    assert "Seed vault inventory" not in _get(client)
    client.force_login(member)
    assert "Seed vault inventory" in _get(client)
    assert "Seed vault inventory" in _get(client, board.community.url)
    membership_leave(user=member, community=board.community)
    assert "Seed vault inventory" not in _get(client)
    assert "Seed vault inventory" not in _get(client, board.community.url)
    client.force_login(outsider)  # the same kind of reader as before: still nothing
    assert "Seed vault inventory" not in _get(client)


def test_a_new_thread_and_a_reply_show_on_the_next_request(client, site_home):
    board, thread = _private_board_with_thread()
    member = UserFactory()
    forums_member(member, board)
    client.force_login(member)
    assert "0 replies" in _get(client)
    forums_thread(board=board, author=thread.author, title="Germination rates")
    assert "Germination rates" in _get(client) and "Germination rates" in _get(client, board.community.url)
    services.post_create(thread=thread, author=thread.author, body="Counted again in May.")
    assert "1 reply" in _get(client) and "1 reply" in _get(client, board.community.url)


def test_new_marks_are_the_readers_own_and_go_once_read(client, site_home):
    board, thread = _private_board_with_thread()
    reader, other = UserFactory(), UserFactory()
    forums_member(reader, board)
    forums_member(other, board)  # the same kind of reader: shares the list, not the marks
    client.force_login(reader)
    assert 'badge--new">' in _get(client) and 'badge--new">' in _get(client, board.community.url)
    services.read_mark(user=reader, thread=thread, number=thread.post_count)
    assert 'badge--new">' not in _get(client) and 'badge--new">' not in _get(client, board.community.url)
    client.force_login(other)
    assert 'badge--new">' in _get(client)
    client.force_login(reader)
    services.post_create(thread=thread, author=thread.author, body="One more count.")
    assert 'badge--new">' in _get(client)


def test_the_bell_counts_a_new_notification_at_once(client, site_home):
    member = UserFactory()
    client.force_login(member)
    assert 'bell__count">' not in _get(client)
    first = Notification.objects.create(recipient=member, kind=NotificationKind.MENTION, message="Hello")
    assert 'bell__count">1<' in _get(client)
    Notification.objects.create(recipient=member, kind=NotificationKind.MENTION, message="Again")
    assert 'bell__count">2<' in _get(client)
    services.notifications_mark_read(user=member, ids=[first.pk])
    assert 'bell__count">1<' in _get(client)
    Notification.objects.filter(recipient=member).delete()
    assert 'bell__count">' not in _get(client)
    assert notifications.unread_notification_count(member) == 0


def test_events_a_member_may_read_and_their_registrations_show_at_once(client, site_home):
    community = events_community(visibility="members", title="Wetland keepers")
    member, outsider = UserFactory(), UserFactory()
    forums_member(member, forums_community_board(title="Another"))  # a member elsewhere
    events_membership(member, community)
    client.force_login(outsider)
    assert "Upcoming events" not in _get(client)
    event = EventPageFactory(title="Wetland webinar", community=community)
    assert "Wetland webinar" not in _get(client)
    client.force_login(member)
    assert "Wetland webinar" in _get(client) and "Wetland webinar" in _get(client, community.url)
    assert "badge--mine" not in _get(client)
    event_register(user=member, occurrence_id=event.occurrences.get().pk)
    assert "badge--mine" in _get(client) and "badge--mine" in _get(client, community.url)
    EventPageFactory(title="Marsh walk", community=community)
    assert "Marsh walk" in _get(client) and "Marsh walk" in _get(client, community.url)
    membership_leave(user=member, community=community)
    assert "Wetland webinar" not in _get(client)


def test_a_new_room_shows_on_the_community_page_at_once(client, site_home):
    from forums.live.services import room_create

    board = forums_community_board(title="Seed savers")
    facilitator = UserFactory()
    events_membership(facilitator, board.community, role="facilitator")
    assert "Live discussion rooms" not in _get(client, board.community.url)
    room = room_create(community=board.community, title="Harvest chat", actor=facilitator)
    assert "Harvest chat" in _get(client, board.community.url)
    room.closes_at = timezone.now() - dt.timedelta(minutes=1)
    room.save()
    assert "Harvest chat" not in _get(client, board.community.url)


def test_warm_pages_ask_only_for_the_user_and_the_page(client, site_home):
    board, thread = _private_board_with_thread()
    community = board.community
    event = EventPageFactory(title="Wetland webinar", community=community)
    member = UserFactory()
    forums_member(member, board)
    event_register(user=member, occurrence_id=event.occurrences.get().pk)
    assert _statements(client, community.url) == 1  # anonymous: the page (members only: no sections)
    public = forums_community_board(title="Open seeds")
    forums_member(thread.author, public)
    forums_thread(board=public, author=thread.author, title="Open thread")
    assert _statements(client, "/en/") == 1
    assert _statements(client, public.community.url) == 1  # no events, no rooms: nothing asked
    client.force_login(member)
    assert _statements(client, "/en/") == 2  # the user and the page
    assert _statements(client, community.url) == 2
    assert _statements(client, public.community.url) == 2


def test_memberships_kept_on_the_user_follow_a_change_in_the_same_request(site_home):
    from cop import permissions, viewers
    from tests.factories import CommunityPageFactory

    member = UserFactory()
    first, second = CommunityPageFactory(visibility="members"), CommunityPageFactory(visibility="members")
    events_membership(member, first)
    rows, _versions = viewers.memberships(member)
    assert [row.community_id for row in rows] == [first.pk]
    with CaptureQueriesContext(connection) as queries:
        assert viewers.memberships(member)[0] is rows  # the page's next section: nothing read
        assert permissions.can_view(member, first)
    assert not queries
    events_membership(member, second)  # a new version: read again, and handed to cop.permissions
    assert [row.community_id for row in viewers.memberships(member)[0]] == [first.pk, second.pk]
    with CaptureQueriesContext(connection) as queries:
        assert permissions.can_view(member, second)
    assert not queries


def test_the_sections_markup_is_whole_and_titles_escaped(client, site_home):
    board = forums_community_board(title="Seed savers")
    author = UserFactory()
    forums_member(author, board)
    forums_thread(board=board, author=author, title="<b>Seed</b> vault")
    EventPageFactory(title="<i>Wetland</i> webinar", community=board.community)
    for signed_in in (False, True):
        if signed_in:
            client.force_login(UserFactory())
        for url in ("/en/", board.community.url):
            html = _get(client, url)
            assert "<bdi>&lt;b&gt;Seed&lt;/b&gt; vault</bdi></a>" in html
            assert '<span class="meta">' in html and "&lt;span" not in html and "&lt;a href" not in html
            assert "&lt;i&gt;Wetland&lt;/i&gt; webinar" in html and '<ul class="event-list">' in html


def test_the_rooms_section_is_the_communitys_whoever_asks_first(client, site_home):
    """The section is shared by the community's readers: it must not hold what the first reader's own
    rights left out (staff reading an unpublished community cached an empty list its members then got)."""
    from forums.live.sections import live_rooms
    from forums.live.services import room_create

    board = forums_community_board(title="Seed savers")
    facilitator, member = UserFactory(), UserFactory()
    events_membership(facilitator, board.community, role="facilitator")
    forums_member(member, board)
    room_create(community=board.community, title="Harvest chat", actor=facilitator)
    community = board.community
    community.live = False  # unpublished: staff may still read it, nobody's readable list holds it
    community.save(update_fields=["live"])
    staff = UserFactory(is_staff=True, is_superuser=True)
    request = type("Request", (), {"user": staff})()
    assert "Harvest chat" in live_rooms(request, community)["html"]
    community.live = True
    community.save(update_fields=["live"])
    client.force_login(member)
    assert "Harvest chat" in _get(client, community.url)
