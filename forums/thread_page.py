"""Reads for a thread's page: the thread, one page of its posts and the viewer's state in it. Page
queries are bounded whatever the number of posts, reactions or attachments (pages of posts are number
ranges, not OFFSETs)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from cop.fragments import fragment_key
from cop.prepared import PreparedGet, PreparedValues

from .models import Board, Notification, Post, PostStatus, Reaction, ReadState, Thread, Watch
from .selectors import COMMUNITY_FIELDS, NAME_FIELDS

POSTS_PER_PAGE = 20
PAGE_POSTS_SECONDS = 60


def _thread_for_page_queryset(pk) -> QuerySet:
    community_fields = COMMUNITY_FIELDS
    fields = [f.attname for f in Thread._meta.concrete_fields]
    fields += [f"board__{f.attname}" for f in Board._meta.concrete_fields]
    fields += [f"board__community__{name}" for name in community_fields]
    # A community is a Wagtail page with many columns: only those the permissions and page use.
    return Thread.objects.select_related("board", "board__community").only(*fields).filter(pk=pk)


# Read on every thread page view and live event: compiled once (cop.prepared; bench/RESULTS.md "Thread
# page without the page cache" has what it saves against the ORM's first()).
_thread_for_page = PreparedGet(_thread_for_page_queryset)


def thread_for_page(pk: int) -> Thread | None:
    """The thread with its board and community; tags and targets are read by who renders them."""
    return _thread_for_page.get(pk)


def page_count(thread: Thread) -> int:
    return max(1, (thread.post_count + POSTS_PER_PAGE - 1) // POSTS_PER_PAGE)


def page_of_number(number: int) -> int:
    return (number - 1) // POSTS_PER_PAGE + 1


def _page_numbers(page: int) -> tuple[int, int]:
    first = (page - 1) * POSTS_PER_PAGE + 1
    return first, first + POSTS_PER_PAGE


# The columns of a post that the thread page shows or decides on (its body is shown as `html`).
_PAGE_POST_FIELDS = (
    "thread_id",
    "number",
    "author_id",
    "html",
    "version",
    "status",
    "quoted_post_id",
    "reaction_counts",
    "is_hidden",
    "is_deleted",
    "created_at",
    "edited_at",
)


@dataclass(frozen=True)
class PagePosts:
    """One page of a thread's posts (each with its quoted post's number and author id) and the public
    name of each author they show, by user id: nothing else of the people is kept."""

    posts: list[Post]
    names: dict[int, str]


def page_posts(thread: Thread, page: int) -> PagePosts:
    """All the posts of one page of the thread, whatever their state, with the names of their authors and
    of their quoted posts' authors, kept in the cache per state of the thread: every change to a post is a
    thread event that moves `event_seq` (forums.services.journal), so the key changes with them; only
    authors' names may lag, by PAGE_POSTS_SECONDS at most. Only the columns the page shows are kept (no
    person's row: their name only). The caller keeps those the viewer may see (visible_posts).
    Attachments are read by who renders a post (forums.postlist, for the posts whose fragment is not
    cached). Two queries on a miss, whatever the number of posts."""
    key = fragment_key("forums-page-posts", thread.pk, thread.event_seq, thread.post_count, page)
    cached = cache.get(key)
    if cached is None:
        first, end = _page_numbers(page)
        posts = list(
            Post.objects.filter(thread=thread, number__gte=first, number__lt=end)
            .select_related("quoted_post")
            .only(*_PAGE_POST_FIELDS, "quoted_post__number", "quoted_post__author_id")
            .order_by("number")
        )
        author_ids = {post.author_id for post in posts}
        author_ids |= {post.quoted_post.author_id for post in posts if post.quoted_post is not None}
        cached = PagePosts(posts, public_names(author_ids))
        cache.set(key, cached, PAGE_POSTS_SECONDS)
    for post in cached.posts:
        post.thread = thread
    return cached


def public_names(user_ids) -> dict[int, str]:
    """The public name of each of these people (cop.User.public_name), by id: one query."""
    if not user_ids:
        return {}
    people = get_user_model()._default_manager.filter(pk__in=user_ids).only(*NAME_FIELDS)
    return {person.pk: person.public_name for person in people}


def visible_posts(posts: list[Post], user, *, moderator: bool) -> list[Post]:
    """The posts the user may see in a thread they may read: moderators all, others the published ones and
    their own waiting for approval."""
    if moderator:
        return posts
    user_id = user.pk if user.is_authenticated else None
    return [post for post in posts if post.status == PostStatus.PUBLISHED or post.author_id == user_id]


# The viewer's reactions on a page and their state in the thread: read on every signed-in thread page
# view, written with the ORM and compiled once (cop.prepared: bench/RESULTS.md has what it saves).
def _my_reactions_queryset(user_id, thread_id, first, end) -> QuerySet:
    # The numbers as expressions: Django checks plain values against the column's range, and cop.prepared's
    # stand-in values (negative) are out of it.
    return (
        Reaction.objects.filter(
            user_id=user_id,
            post__thread_id=thread_id,
            post__number__gte=Value(first, output_field=IntegerField()),
            post__number__lt=Value(end, output_field=IntegerField()),
        )
        .order_by()
        .values_list("post_id", "kind")
    )


_my_reactions = PreparedValues(_my_reactions_queryset)


def my_reactions_on_page(user, thread: Thread, page: int) -> dict[int, list[str]]:
    """The kinds of the user's reactions on each post of one page of the thread (by post id)."""
    mine: dict[int, list[str]] = {}
    for post_id, kind in _my_reactions.all(user.pk, thread.pk, *_page_numbers(page)):
        mine.setdefault(post_id, []).append(kind)
    return mine


@dataclass(frozen=True)
class ViewerState:
    """A viewer's own state in a thread (zero and False for anonymous visitors)."""

    last_read: int = 0
    watching: bool = False
    unread_notifications: int = 0


def _viewer_state_queryset(user_id, read_thread_id, watch_thread_id) -> QuerySet:
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    last_read = ReadState.objects.filter(user=OuterRef("pk"), thread_id=read_thread_id).values(
        "last_read_number"
    )
    return (
        get_user_model()
        ._default_manager.filter(pk=user_id)
        .annotate(
            last_read=Subquery(last_read[:1]),
            watching=Exists(
                Watch.objects.filter(user=OuterRef("pk"), thread_id=watch_thread_id, active=True)
            ),
            unread=Coalesce(Subquery(unread), Value(0)),
        )
        .order_by()
        .values_list("last_read", "watching", "unread")
    )


_viewer_state = PreparedValues(_viewer_state_queryset)


def thread_viewer_state(user, thread: Thread) -> ViewerState:
    """Where the user has read up to, whether they follow the thread and their unread notifications: one
    query (none when signed out)."""
    if not user.is_authenticated:
        return ViewerState()
    row = _viewer_state.get(user.pk, thread.pk, thread.pk)
    if row is None:
        return ViewerState()
    last_read, watching, unread = row
    return ViewerState(last_read=last_read or 0, watching=bool(watching), unread_notifications=unread)


def last_read_number(user, thread: Thread) -> int:
    if not user.is_authenticated:
        return 0
    value = (
        ReadState.objects.filter(user=user, thread=thread).values_list("last_read_number", flat=True).first()
    )
    return value or 0


def first_unread_number(user, thread: Thread) -> int | None:
    """The number of the first post the user has not read yet (visible to them), or None."""
    last = last_read_number(user, thread)
    return (
        Post.objects.filter(thread=thread, number__gt=last, status=PostStatus.PUBLISHED)
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )


def post_revisions(post: Post) -> QuerySet:
    return post.revisions.select_related("edited_by")
