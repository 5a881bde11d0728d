"""A board's thread filters (forums.filters.ThreadFilter through forums.selectors.board_threads): a
tag in any script filters; an invalid value is left out, named in a message, and the others apply."""

import pytest
from django.contrib.auth.models import AnonymousUser

from forums import selectors
from tests.factories import forums_thread

pytestmark = pytest.mark.django_db


def titles(threads) -> set[str]:
    return {thread.title for thread in threads}


def test_non_ascii_tag_and_title_words_filter_through_the_selector(board, people):
    forums_thread(board=board, author=people["member"], title="Seeds", tags=["биоразнообразие"])
    forums_thread(board=board, author=people["member"], title="Data", tags=["data"])
    anonymous = AnonymousUser()
    assert titles(selectors.board_threads(anonymous, board, filters={"tag": "биоразнообразие"})) == {"Seeds"}
    assert titles(selectors.board_threads(anonymous, board, filters={"q": "dat"})) == {"Data"}
    assert titles(selectors.board_threads(anonymous, board)) == {"Seeds", "Data"}


def test_invalid_filters_are_ignored_with_a_message_and_the_others_apply(client, board, people):
    forums_thread(board=board, author=people["member"], title="Seed banks compared", tags=["seeds"])
    forums_thread(board=board, author=people["member"], title="Open data portals", tags=["data"])
    response = client.get(board.get_absolute_url(), {"tag": "seeds", "sort": "nonsense", "target": "abc"})
    assert response.status_code == 200
    assert "These filters are not valid and were ignored: Sort by, GBF target." in response.text
    assert "Seed banks compared" in response.text and "Open data portals" not in response.text
    french = client.get(f"/fr{board.get_absolute_url()[3:]}", {"tag": "a.b"})
    assert french.status_code == 200
    assert "Étiquette" in french.text and "ignor" in french.text
