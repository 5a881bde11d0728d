"""Pages make a bounded number of queries, whatever the number of posts, reactions or attachments."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums import services
from forums.models import Attachment, Post, Reaction, Thread
from forums.thread_page import POSTS_PER_PAGE
from tests.factories import UserFactory, forums_bulk_replies, forums_member, forums_thread

pytestmark = pytest.mark.django_db

# Measured: a signed-in member's thread page and thread list (session, user, membership, thread,
# posts, attachments, reactions, read state, watch, bell, tags, targets...). The bound has headroom
# for the shell, never for the data.
THREAD_PAGE_MAX_QUERIES = 22
THREAD_LIST_MAX_QUERIES = 22


def _decorate_thread(thread, users):
    """Reactions from several people and attachments on the posts of the first and last pages."""
    posts = list(Post.objects.filter(thread=thread).order_by("number"))
    targets = posts[:POSTS_PER_PAGE] + posts[-POSTS_PER_PAGE:]
    Reaction.objects.bulk_create(
        [Reaction(post=p, user=u, kind=k) for p in targets for u in users for k in ("like", "thanks")],
        ignore_conflicts=True,
    )
    Attachment.objects.bulk_create(
        [
            Attachment(
                post=p,
                kind="document",
                file="forums/attachments/x.pdf",
                original_name="x.pdf",
                content_type="application/pdf",
                size=10,
            )
            for p in targets
            for _ in range(2)
        ]
    )


@pytest.fixture
def reader(board, people):
    return people["member"]


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _cold_and_warm(client, url) -> tuple[int, int]:
    """A page's statements with its fragments to render (the cache emptied), then read from the cache."""
    cache.clear()
    return _count(client, url), _count(client, url)


def test_thread_page_queries_do_not_grow_with_posts(
    client, board, people, reader, django_assert_max_num_queries
):
    users = [UserFactory() for _ in range(3)]
    small = forums_thread(board=board, author=people["other_member"], title="Small", tags=["a", "b"])
    forums_bulk_replies(small, 9)
    big = forums_thread(board=board, author=people["other_member"], title="Big", tags=["a", "b", "c"])
    forums_bulk_replies(big, 4_999)
    assert Post.objects.filter(thread=big).count() == 5_000
    for thread in (small, big):
        _decorate_thread(thread, users)
    client.force_login(reader)
    client.get(reverse("forums:index"))
    last_page = (5_000 + POSTS_PER_PAGE - 1) // POSTS_PER_PAGE
    urls = [small.get_absolute_url(), big.get_absolute_url(), f"{big.get_absolute_url()}?page={last_page}"]
    counts = [_count(client, url) for url in urls]
    # First visits to the small and the big thread cost the same; a later page costs no more.
    assert counts[0] == counts[1] and counts[2] <= counts[1], counts
    with django_assert_max_num_queries(THREAD_PAGE_MAX_QUERIES):
        response = client.get(f"{big.get_absolute_url()}?page={last_page}")
    assert 'id="post-5000"' in response.text


def test_thread_page_does_not_render_markdown(client, board, people, monkeypatch):
    thread = forums_thread(board=board, author=people["other_member"])
    forums_bulk_replies(thread, 30)

    def forbidden(*args, **kwargs):
        raise AssertionError("Markdown rendered while showing a page")

    from markdown_it import MarkdownIt

    monkeypatch.setattr(MarkdownIt, "parse", forbidden)
    client.force_login(people["member"])
    assert client.get(thread.get_absolute_url()).status_code == 200
    assert client.get(f"{thread.get_absolute_url()}?page=2").status_code == 200


def test_thread_list_queries_do_not_grow_with_threads(
    client, board, people, reader, django_assert_max_num_queries
):
    from cop.models import GBFTarget

    targets = list(GBFTarget.objects.all()[:3])
    thread = forums_thread(board=board, author=people["other_member"], tags=["x"], gbf_targets=targets)
    client.force_login(reader)
    client.get(board.get_absolute_url())  # warms the per-process caches (Wagtail's site lookup)
    few = _cold_and_warm(client, board.get_absolute_url())
    for i in range(40):
        t = forums_thread(
            board=board,
            author=people["other_member"],
            title=f"T{i}",
            tags=[f"t{i}", "x"],
            gbf_targets=targets,
        )
        forums_bulk_replies(t, 3)
        services.read_mark(user=reader, thread=t, number=2)
    many = _cold_and_warm(client, board.get_absolute_url())
    # The rows' fragments rendered (cold) or read from the cache (warm): as many statements either way.
    assert few == many, (few, many)
    for url in (
        board.get_absolute_url(),
        f"{board.get_absolute_url()}?sort=replies&tag=x&target={targets[0].number}",
    ):
        with django_assert_max_num_queries(THREAD_LIST_MAX_QUERIES):
            assert client.get(url).status_code == 200
    assert Thread.objects.count() == 41 and thread


def test_index_and_home_section_queries_do_not_grow_with_boards(client, people, site_home):
    from tests.factories import forums_community_board

    client.force_login(people["member"])
    client.get(reverse("forums:notifications"))
    few = _count(client, reverse("forums:index"))
    for i in range(5):
        b = forums_community_board(title=f"Extra {i}")
        forums_member(people["member"], b)
        forums_thread(board=b, author=people["member"])
    assert _count(client, reverse("forums:index")) == few


def test_notifications_page_queries_do_not_grow_with_notifications(client, people):
    from forums.models import Notification

    member = people["member"]

    def add(count):
        Notification.objects.bulk_create(
            [Notification(recipient=member, kind="warning", message=f"Note {i}") for i in range(count)]
        )

    client.force_login(member)
    url = reverse("forums:notifications")
    add(3)
    few = _cold_and_warm(client, url)
    add(70)  # a full first page and more
    assert _cold_and_warm(client, url) == few
    assert _count(client, f"{url}?page=3") <= few[0]
