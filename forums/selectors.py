"""Reads for the forums. Every list narrows by cop.permissions first; page queries are bounded whatever
the number of posts, reactions or attachments (pages of posts are number ranges, not OFFSETs)."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from taggit.models import Tag

from cop import permissions as cop_permissions
from cop.fragments import FRAGMENT_SECONDS, fragment_key, scope_versions
from cop.models import Membership, MembershipStatus
from cop.prepared import PreparedGet, PreparedValues

from . import permissions
from .filters import SORTS, ThreadFilter
from .models import (
    Board,
    EmailFrequency,
    Flag,
    FlagStatus,
    ModerationLog,
    Notification,
    Post,
    PostStatus,
    Reaction,
    ReadState,
    Thread,
    Watch,
)
from .signals import notifications_scope, read_marks_scope

POSTS_PER_PAGE = 20
# The columns of a board's community that the permissions and the forum pages read.
COMMUNITY_FIELDS = ("title", "slug", "url_path", "visibility", "join_policy", "live")
# A person's columns that their public name needs (cop.User.public_name).
NAME_FIELDS = ("display_name", "first_name", "last_name", "email")
PAGE_POSTS_SECONDS = 60
THREADS_PER_PAGE = 25


# BOARDS ----


def readable_boards(user) -> QuerySet:
    """Site forums and the boards of every community the user may read."""
    readable = cop_permissions.readable_communities(user).values("pk")
    return Board.objects.filter(Q(community__isnull=True) | Q(community__in=readable))


def moderated_boards(user) -> list[Board]:
    """Boards the user moderates (for the move form and the queue links)."""
    if permissions.is_site_staff(user):
        return list(Board.objects.select_related("community").order_by("name"))
    if not user.is_authenticated:
        return []
    moderated = Membership.objects.filter(
        user=user, status=MembershipStatus.ACTIVE, role__in=["moderator", "facilitator"]
    ).values("community_id")
    return list(Board.objects.select_related("community").filter(community__in=moderated).order_by("name"))


# THREAD LISTS ----


def _visible_threads(user, board: Board, moderator: bool) -> QuerySet:
    threads = Thread.objects.filter(board=board)
    if moderator:
        return threads
    threads = threads.filter(is_hidden=False)
    if user.is_authenticated:
        return threads.filter(Q(status=PostStatus.PUBLISHED) | Q(author=user))
    return threads.filter(status=PostStatus.PUBLISHED)


def with_read_marks(threads: QuerySet, user) -> QuerySet:
    """Adds `last_read_number` (0 when never opened) for the user: one subquery, no extra query."""
    if not user.is_authenticated:
        return threads.annotate(last_read_number=Value(None, output_field=IntegerField()))
    last_read = ReadState.objects.filter(user=user, thread=OuterRef("pk")).values("last_read_number")[:1]
    return threads.annotate(last_read_number=Coalesce(Subquery(last_read), Value(0)))


def board_threads(user, board: Board, *, moderator: bool = False, filters: Mapping | None = None) -> QuerySet:
    """The board's threads the user may see, latest activity first, narrowed and sorted by `filters`
    (forums.filters.ThreadFilter: invalid values are left out), with the columns their rows show (tags
    and targets are read by who renders a row: forums.lists)."""
    threads = _visible_threads(user, board, moderator).order_by(*SORTS["activity"])
    if filters:
        threads = ThreadFilter(filters, threads).qs
    people = [f"{who}__{name}" for who in ("author", "last_poster") for name in NAME_FIELDS]
    threads = threads.select_related("author", "last_poster", "category").only(
        *_THREAD_ROW_FIELDS, *people, "category__name"
    )
    return with_read_marks(threads, user).distinct()


_THREAD_ROW_FIELDS = (
    "board_id",
    "title",
    "kind",
    "category_id",
    "author_id",
    "status",
    "last_activity_at",
    "last_poster_id",
    "post_count",
    "reply_count",
    "event_seq",
    "is_pinned",
    "is_locked",
    "is_closed",
    "is_hidden",
    "accepted_answer_id",
)


def latest_threads(user, *, community=None, limit: int = 5) -> list[Thread]:
    """The most recently active threads the user may read, on one community's board or everywhere."""
    boards = Board.objects.filter(community=community) if community is not None else readable_boards(user)
    threads = (
        Thread.objects.filter(board__in=boards, status=PostStatus.PUBLISHED, is_hidden=False)
        .select_related("board", "last_poster", "author")
        .order_by("-last_activity_at", "-pk")
    )
    return list(with_read_marks(threads, user)[:limit])


# THREAD PAGE ----


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


# Asked on every signed-in view of a board: compiled once (cop.prepared).
_watching_board = PreparedValues(
    lambda user_id, board_id: (
        Watch.objects.filter(user_id=user_id, board_id=board_id, active=True).order_by().values_list("pk")[:1]
    )
)


def watch_state(user, *, thread=None, board=None, tag=None) -> bool:
    if not user.is_authenticated:
        return False
    if board is not None and thread is None and tag is None:
        return _watching_board.get(user.pk, board.pk) is not None
    target = {"thread": thread, "board": board, "tag": tag}
    target = {k: v for k, v in target.items() if v is not None}
    return Watch.objects.filter(user=user, active=True, **target).exists()


def post_revisions(post: Post) -> QuerySet:
    return post.revisions.select_related("edited_by")


def tag_by_slug(slug: str) -> Tag | None:
    return Tag.objects.filter(slug=slug).first()


def popular_tags(board: Board, limit: int = 20) -> list[Tag]:
    thread_ids = Thread.objects.filter(board=board, is_hidden=False, status=PostStatus.PUBLISHED).values("pk")
    return list(
        Tag.objects.filter(
            taggit_taggeditem_items__object_id__in=thread_ids,
            taggit_taggeditem_items__content_type__model="thread",
            taggit_taggeditem_items__content_type__app_label="forums",
        )
        .annotate(uses=Count("taggit_taggeditem_items"))
        .order_by("-uses", "name")[:limit]
    )


# NOTIFICATIONS ----


# The bell's count, on every signed-in page: compiled once (cop.prepared).
_unread_count = PreparedValues(
    lambda user_id: (
        Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values_list("n")
    )
)


def unread_notification_count(user, version: str | None = None) -> int:
    """The bell's count, kept per person under the version of their notifications
    (forums.signals.notifications_scope: one created, read or deleted replaces it), so a page asks the
    database nothing for it; `version` when the caller read it with other versions."""
    if not user.is_authenticated:
        return 0
    if version is None:
        (version,) = scope_versions(notifications_scope(user.pk))
    key = fragment_key("forums-unread-count", user.pk, version)
    count = cache.get(key)
    if count is None:
        row = _unread_count.get(user.pk)
        count = row[0] if row else 0
        cache.set(key, count, FRAGMENT_SECONDS)
    return count


def read_marks(user, thread_ids, version: str | None = None) -> dict[int, int]:
    """The user's last read post number in each of these threads (a thread never opened is absent),
    kept per person, threads and version of their read marks (forums.signals.read_marks_scope: any of
    them moved forward replaces it): the "New" marks of a list shared by many viewers."""
    if not user.is_authenticated or not thread_ids:
        return {}
    if version is None:
        (version,) = scope_versions(read_marks_scope(user.pk))
    ids = sorted(thread_ids)
    key = fragment_key("forums-read-marks", user.pk, version, *ids)
    marks = cache.get(key)
    if marks is None:
        marks = dict(
            ReadState.objects.filter(user_id=user.pk, thread_id__in=ids).values_list(
                "thread_id", "last_read_number"
            )
        )
        cache.set(key, marks, FRAGMENT_SECONDS)
    return marks


def digest_recipient_ids():
    """People who chose the daily digest and have unread notifications not yet e-mailed."""
    pending = Notification.objects.filter(
        recipient=OuterRef("pk"), emailed_at__isnull=True, read_at__isnull=True
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, forum_notification_settings__email_frequency=EmailFrequency.DAILY)
        .filter(Exists(pending))
        .values_list("pk", flat=True)
    )


def mention_candidates(user, board: Board, prefix: str, limit: int = 8) -> list[dict]:
    """People one may @mention on this board whose display name starts with `prefix`."""
    prefix = prefix.strip()[:40]
    if not prefix:
        return []
    people = (
        get_user_model().objects.filter(is_active=True, display_name__istartswith=prefix).exclude(pk=user.pk)
    )
    if not board.is_site_forum:
        members = Membership.objects.filter(community_id=board.community_id, status=MembershipStatus.ACTIVE)
        people = people.filter(pk__in=members.values("user_id"))
    return [
        {"name": name}
        for name in people.order_by("display_name").values_list("display_name", flat=True)[:limit]
    ]


# MODERATION ----


def open_flags(boards: QuerySet | list | None) -> QuerySet:
    """Open flags, on the given boards (None: every board, for site staff), oldest first."""
    flags = Flag.objects.filter(status=FlagStatus.OPEN)
    if boards is not None:
        flags = flags.filter(post__thread__board__in=boards)
    return flags.select_related(
        "reporter",
        "post",
        "post__author",
        "post__thread",
        "post__thread__board",
        "post__thread__board__community",
    ).order_by("created_at")


def pending_posts(boards: QuerySet | list | None) -> QuerySet:
    posts = Post.objects.filter(status=PostStatus.PENDING, is_deleted=False)
    if boards is not None:
        posts = posts.filter(thread__board__in=boards)
    return posts.select_related("author", "thread", "thread__board").order_by("created_at")


def moderation_log(boards: QuerySet | list | None, limit: int = 50) -> list[ModerationLog]:
    entries = ModerationLog.objects.all()
    if boards is not None:
        entries = entries.filter(board__in=boards)
    return list(entries.select_related("actor", "target_user", "thread", "board", "post")[:limit])


def open_flag_counts_by_board(board_ids: list[int]) -> dict[int, int]:
    rows = (
        Flag.objects.filter(status=FlagStatus.OPEN, post__thread__board_id__in=board_ids)
        .values("post__thread__board_id")
        .annotate(n=Count("pk"))
    )
    return {row["post__thread__board_id"]: row["n"] for row in rows}
