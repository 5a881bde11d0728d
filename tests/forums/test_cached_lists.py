"""The board list's cards, a board's thread rows, its filter form and its tags are fragments
(forums.lists): every change they show is on the next page at once, through the ordinary services and
the admin's saves, and which boards and threads a viewer gets, and their "New" marks, stay their own."""

import datetime as dt
import random
import types

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from cop.models import GBFTarget
from forums import services
from forums.lists import age_key
from forums.models import Category
from tests.factories import UserFactory, forums_bulk_replies, forums_member, forums_thread

pytestmark = pytest.mark.django_db


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_age_key_names_what_timesince_shows():
    """Two moments with the same age key show the same "… ago" (the fragments are keyed on it)."""
    rng = random.Random(11)
    moment = dt.datetime(2026, 1, 31, 13, 7, 41, tzinfo=dt.UTC)
    seen: dict = {}
    for _ in range(20_000):
        scale = rng.choice([120, 7200, 86_400, 8 * 86_400, 400 * 86_400, 900 * 86_400])
        now = moment + dt.timedelta(seconds=rng.uniform(-90, scale))
        key = age_key(moment, now)
        assert seen.setdefault(key, timesince(moment, now)) == timesince(moment, now), (key, now)
    assert len(seen) > 500


def test_board_list_cards_change_at_once(client, board, people):
    index = reverse("forums:index")
    name = board.name
    assert "0 threads" in _page(client, index)
    thread = forums_thread(board=board, author=people["member"], title="Seed banks")
    html = _page(client, index)
    assert "1 thread" in html and "0 threads" not in html
    board.description = "Clearing-house questions, answered by peers."
    board.save()  # as the Wagtail admin's snippet editor saves it
    assert "Clearing-house questions, answered by peers." in _page(client, index)
    services.thread_moderate(thread=thread, moderator=people["moderator"], action="hide_thread")
    assert "0 threads" in _page(client, index)
    assert name in _page(client, index)


def test_board_list_decides_readable_boards_per_request(client, people, private_board, site_board):
    index = reverse("forums:index")
    private = f'href="{private_board.get_absolute_url()}"'
    reader = UserFactory()
    client.force_login(reader)
    html = _page(client, index)
    assert f'href="{site_board.get_absolute_url()}"' in html and private not in html
    forums_member(reader, private_board)
    assert private in _page(client, index)
    assert "Boards you moderate" not in _page(client, index)
    membership = reader.memberships.get(community=private_board.community)
    membership.role = "moderator"
    membership.save()
    html = _page(client, index)
    assert "Boards you moderate" in html and reverse("forums:board_queue", args=[private_board.slug]) in html
    membership.status = "banned"
    membership.save()
    assert private not in _page(client, index)
    client.logout()
    assert private not in _page(client, index)


def test_thread_rows_change_at_once(client, board, people):
    url = board.get_absolute_url()
    thread = forums_thread(board=board, author=people["other_member"], title="Seed banks")
    client.force_login(people["member"])
    html = _page(client, url)
    assert "Seed banks" in html and "0 replies" in html and ">New<" in html
    services.post_create(thread=thread, author=people["member"], body="We keep ours cold.")
    html = _page(client, url)
    assert "1 reply" in html and "Mara Member" in html and ">New<" not in html  # their reply read it
    first = thread.posts.get(number=1)
    services.post_edit(
        post=first,
        editor=people["other_member"],
        body=first.body,
        expected_version=first.version,
        title="Seed banks in the tropics",
        tags=["seeds"],
    )
    html = _page(client, url)
    assert "Seed banks in the tropics" in html and "?tag=seeds" in html
    services.thread_moderate(thread=thread, moderator=people["moderator"], action="lock")
    assert ">Locked<" in _page(client, url)
    people["other_member"].display_name = "Otto Renamed"
    people["other_member"].save()
    assert "by <bdi>Otto Renamed</bdi>" in _page(client, url)


def test_thread_rows_show_each_viewer_their_own_marks(client, board, people):
    url = board.get_absolute_url()
    thread = forums_thread(board=board, author=people["other_member"], title="Seed banks")
    forums_bulk_replies(thread, 3)
    client.force_login(people["member"])
    assert ">New<" in _page(client, url)
    services.read_mark(user=people["member"], thread=thread, number=2)
    html = _page(client, url)
    assert ">New<" not in html and "jump to first unread" in html and "thread-row--unread" in html
    services.read_mark(user=people["member"], thread=thread, number=4)
    html = _page(client, url)
    assert "jump to first unread" not in html and "thread-row--unread" not in html
    client.force_login(people["moderator"])  # never opened it: their own mark, not the member's
    assert ">New<" in _page(client, url)
    client.logout()
    html = _page(client, url)
    assert ">New<" not in html and "thread-row--unread" not in html and "Seed banks" in html


def test_rows_and_filters_follow_the_vocabulary_at_once(client, board, people):
    url = board.get_absolute_url()
    target = GBFTarget.objects.order_by("number").first()
    category = Category.objects.create(board=board, name="Tools")
    forums_thread(
        board=board, author=people["member"], title="Seed banks", gbf_targets=[target], category=category
    )
    assert "Tools" in _page(client, url)
    category.name = "Toolbox"
    category.save()  # as the Wagtail admin's snippet editor saves it
    assert "Toolbox" in _page(client, url)
    target.title = "A target renamed for this test"
    target.save()
    html = _page(client, url)
    assert html.count("A target renamed for this test") >= 2  # the row's target and the filter's choice


def test_board_tags_change_at_once(client, board, people):
    url = board.get_absolute_url()
    assert "board-tags" not in _page(client, url)
    forums_thread(board=board, author=people["member"], title="Seed banks", tags=["seeds"])
    assert 'id="board-tags"' in _page(client, url)
    forums_thread(board=board, author=people["member"], title="Pollinators", tags=["bees"])
    assert ">bees</bdi>" in _page(client, url)


class _AnyDatetime(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, dt.datetime)


def _clock_at(monkeypatch, moment: dt.datetime) -> None:
    """Both what the fragments' keys and what `timesince` take for now are `moment`."""

    class Datetime(dt.datetime, metaclass=_AnyDatetime):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz) if tz else moment

    monkeypatch.setattr(timezone, "now", lambda: moment)
    monkeypatch.setattr("django.utils.timesince.datetime", types.SimpleNamespace(datetime=Datetime))


def test_a_moment_ago_becomes_minutes_ago(client, board, people, monkeypatch):
    index, url = reverse("forums:index"), board.get_absolute_url()
    forums_thread(board=board, author=people["member"], title="Seed banks")
    assert "0\xa0minutes" in _page(client, index) and "0\xa0minutes" in _page(client, url)
    _clock_at(monkeypatch, timezone.now() + dt.timedelta(minutes=5, seconds=5))
    assert "5\xa0minutes" in _page(client, index) and "5\xa0minutes" in _page(client, url)


def test_notification_entries_change_at_once(client, board, people, django_capture_on_commit_callbacks):
    url = reverse("forums:notifications")
    thread = forums_thread(board=board, author=people["member"], title="Seed banks")  # its author follows it
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(thread=thread, author=people["other_member"], body="We keep ours cold.")
    client.force_login(people["member"])
    html = _page(client, url)
    assert (
        "<bdi>Otto Other</bdi> replied in “<bdi>Seed banks</bdi>”" in html and "notification--unread" in html
    )
    services.notifications_mark_read(user=people["member"])
    assert "notification--unread" not in _page(client, url)
    first = thread.posts.get(number=1)
    services.post_edit(
        post=first,
        editor=people["member"],
        body=first.body,
        expected_version=first.version,
        title="Seed vaults",
    )
    assert "“<bdi>Seed vaults</bdi>”" in _page(client, url)
    people["other_member"].display_name = "Otto Renamed"
    people["other_member"].save()
    assert "<bdi>Otto Renamed</bdi> replied in" in _page(client, url)
    client.force_login(people["other_member"])  # another recipient's page: not the member's entries
    assert "Seed vaults" not in _page(client, url)


def test_a_private_board_is_refused_to_an_outsider_and_a_former_member_on_the_next_request(
    client, private_board
):
    """The board's rows and the board list's cards are fragments; who reads the board is decided on
    each request."""
    from cop.services import membership_leave

    url, index = private_board.get_absolute_url(), reverse("forums:index")
    member = UserFactory()
    forums_member(member, private_board)
    forums_thread(board=private_board, author=member, title="Seed protocols of the circle")
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert f'href="{url}"' not in _page(client, index)
    client.force_login(member)
    for _ in range(2):  # the second from the fragments
        assert "Seed protocols of the circle" in _page(client, url)
        assert f'href="{url}"' in _page(client, index)
    membership_leave(user=member, community=private_board.community)
    assert client.get(url).status_code == 403
    assert f'href="{url}"' not in _page(client, index)


def test_board_list_follows_a_community_made_members_only_or_unpublished_at_once(client, board):
    """The board rows are kept per version of the forums and communities scopes: a community's visibility
    or live state changed is on the next board list."""
    index = reverse("forums:index")
    link = f'href="{board.get_absolute_url()}"'
    client.force_login(UserFactory())
    assert link in _page(client, index)
    community = board.community
    community.visibility = "members"
    community.save_revision().publish()
    assert link not in _page(client, index)
    community.visibility = "public"
    community.save_revision().publish()
    assert link in _page(client, index)
    community.unpublish()
    assert link not in _page(client, index)
