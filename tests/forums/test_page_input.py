"""Page numbers and ids in forum addresses: a bad one answers 404, never 500."""

import pytest
from django.test import Client

from tests.factories import forums_thread

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["abc", "1.5", "1e309", "²", str(10**30), "0", "-1"])
def test_board_page_that_is_not_a_page_is_404(board, people, page):
    """?page=abc on a board answered 500 (PageNotAnInteger was not caught)."""
    forums_thread(board=board, author=people["member"])
    client = Client(raise_request_exception=False)
    assert client.get(f"/en/forums/b/{board.slug}/", {"page": page}).status_code == 404
    client.force_login(people["member"])
    assert client.get("/en/forums/notifications/", {"page": page}).status_code == 404
    assert client.get(f"/en/forums/b/{board.slug}/").status_code == 200


@pytest.mark.parametrize("number", [2**63, 2**64, 10**30])
def test_thread_and_post_ids_beyond_64_bits_are_404(board, people, number):
    """OverflowError: Python int too large to convert to SQLite INTEGER, a 500 before."""
    client = Client(raise_request_exception=False)
    client.force_login(people["member"])
    for path in (f"/en/forums/t/{number}/", f"/en/forums/p/{number}/", f"/en/forums/t/{number}/reply/form/"):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("value", ["²", "١٢", str(2**64), "abc", "\x00"])
def test_ids_in_query_strings_that_are_not_ids_are_ignored(board, people, value):
    """?quote=² passed str.isdigit() and then failed int(): a 500 (likewise ?before= in a live room,
    and 2**64 overflowed the query)."""
    from forums.live.services import room_create

    thread = forums_thread(board=board, author=people["member"])
    room = room_create(community=board.community, title="Webinar room", actor=people["facilitator"])
    client = Client(raise_request_exception=False)
    client.force_login(people["member"])
    assert client.get(f"/en/forums/t/{thread.pk}/reply/form/", {"quote": value}).status_code == 200
    assert client.get(f"/en/forums/live/rooms/{room.pk}/", {"before": value}).status_code == 200
    assert client.get(f"/en/forums/b/{board.slug}/mentions/", {"q": value}).status_code == 200
