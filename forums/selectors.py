"""Reads for the forums. Every list narrows by cop.permissions first; page queries are bounded whatever
the number of posts, reactions or attachments (pages of posts are number ranges, not OFFSETs)."""

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from taggit.models import Tag

from cop import permissions as cop_permissions
from cop.models import Membership, MembershipStatus
from cop.prepared import PreparedGet

from . import permissions
from .filters import SORTS, ThreadFilter
from .models import (
    Attachment,
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

POSTS_PER_PAGE = 20
THREADS_PER_PAGE = 25


# BOARDS ----


def readable_boards(user) -> QuerySet:
    """Site forums and the boards of every community the user may read."""
    readable = cop_permissions.readable_communities(user).values("pk")
    return Board.objects.filter(Q(community__isnull=True) | Q(community__in=readable))


def boards_for_index(user) -> list[Board]:
    visible_threads = Q(threads__status=PostStatus.PUBLISHED, threads__is_hidden=False)
    return list(
        readable_boards(user)
        .select_related("community")
        .annotate(
            thread_total=Count("threads", filter=visible_threads),
            last_activity=Max("threads__last_activity_at", filter=visible_threads),
        )
        .order_by(Case(When(community__isnull=True, then=Value(0)), default=Value(1)), "sort_order", "name")
    )


def board_by_slug(slug: str) -> Board | None:
    return Board.objects.select_related("community").filter(slug=slug).first()


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
    (forums.filters.ThreadFilter: invalid values are left out)."""
    threads = _visible_threads(user, board, moderator).order_by(*SORTS["activity"])
    if filters:
        threads = ThreadFilter(filters, threads).qs
    threads = threads.select_related("author", "last_poster", "category").prefetch_related(
        "tags", "gbf_targets"
    )
    return with_read_marks(threads, user).distinct()


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
    community_fields = ["title", "slug", "url_path", "visibility", "join_policy", "live"]
    fields = [f.attname for f in Thread._meta.concrete_fields]
    fields += [f"board__{f.attname}" for f in Board._meta.concrete_fields]
    fields += [f"board__community__{name}" for name in community_fields]
    # A community is a Wagtail page with many columns: only those the permissions and page use.
    return Thread.objects.select_related("board", "board__community").only(*fields).filter(pk=pk)


_thread_for_page = PreparedGet(_thread_for_page_queryset)  # read on every thread page view


def thread_for_page(pk: int) -> Thread | None:
    """The thread with its board and community; tags and targets are prefetched by the caller when it
    renders them (a cached page does not need them)."""
    return _thread_for_page.get(pk)


def page_count(thread: Thread) -> int:
    return max(1, (thread.post_count + POSTS_PER_PAGE - 1) // POSTS_PER_PAGE)


def page_of_number(number: int) -> int:
    return (number - 1) // POSTS_PER_PAGE + 1


def thread_posts_page(user, thread: Thread, page: int, *, moderator: bool) -> list[Post]:
    """One page of posts: two queries (posts with their authors and quoted posts, attachments)."""
    first = (page - 1) * POSTS_PER_PAGE + 1
    posts = Post.objects.filter(thread=thread, number__gte=first, number__lt=first + POSTS_PER_PAGE)
    if not moderator:
        pending_visible = Q(status=PostStatus.PUBLISHED)
        if user.is_authenticated:
            pending_visible |= Q(author=user)
        posts = posts.filter(pending_visible)
    posts = list(
        posts.select_related("author", "quoted_post", "quoted_post__author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("number")
    )
    for post in posts:
        post.thread = thread
    return posts


_MY_REACTIONS_SQL = """
SELECT {reaction}.{post_id}, {reaction}.{kind} FROM {reaction} INNER JOIN {post} ON {post}.{id} = {reaction}.{post_id}
WHERE {reaction}.{user_id} = %s AND {post}.{thread_id} = %s AND {post}.{number} >= %s AND {post}.{number} < %s
"""


@functools.cache
def _my_reactions_sql() -> str:
    q = connection.ops.quote_name
    names = {"reaction": q(Reaction._meta.db_table), "post": q(Post._meta.db_table)}
    names |= {name: q(name) for name in ("post_id", "kind", "id", "user_id", "thread_id", "number")}
    return _MY_REACTIONS_SQL.format(**names)


def my_reactions_on_page(user, thread: Thread, page: int) -> set[tuple[int, str]]:
    """(post id, kind) of the user's reactions on one page of the thread: one statement, run on every
    signed-in thread page view (written out, like thread_viewer_state's, to spare the ORM's compiling)."""
    first = (page - 1) * POSTS_PER_PAGE + 1
    with connection.cursor() as cursor:
        cursor.execute(_my_reactions_sql(), [user.pk, thread.pk, first, first + POSTS_PER_PAGE])
        return {(post_id, kind) for post_id, kind in cursor.fetchall()}


@dataclass(frozen=True)
class ViewerState:
    """A viewer's own state on a page of a thread (all zero and False for anonymous visitors)."""

    last_read: int = 0
    watching: bool = False
    unread_notifications: int = 0
    own_pending_on_page: bool = False


# The four answers of thread_viewer_state in one statement; {names} are filled from the models' metadata
# once, every value is a parameter.
_VIEWER_STATE_SQL = """
SELECT
  (SELECT {last_read} FROM {read} WHERE {user} = %s AND {thread} = %s),
  EXISTS (SELECT 1 FROM {watch} WHERE {user} = %s AND {thread} = %s AND {active}),
  (SELECT COUNT(*) FROM {notification} WHERE {recipient} = %s AND {read_at} IS NULL),
  EXISTS (SELECT 1 FROM {post} WHERE {thread} = %s AND {author} = %s AND {status} = %s
          AND {number} >= %s AND {number} < %s)
"""


@functools.cache
def _viewer_state_sql() -> str:
    q = connection.ops.quote_name
    tables = {"read": ReadState, "watch": Watch, "notification": Notification, "post": Post}
    names = {name: q(model._meta.db_table) for name, model in tables.items()}
    names |= {
        "last_read": q("last_read_number"),
        **{name: q(f"{name}_id") for name in ("user", "thread", "recipient", "author")},
        **{name: q(name) for name in ("active", "read_at", "status", "number")},
    }
    return _VIEWER_STATE_SQL.format(**names)


def thread_viewer_state(user, thread: Thread, page: int) -> ViewerState:
    """Where the user has read up to, whether they follow the thread, their unread notifications and
    whether a post of theirs on this page waits for approval: one query (none when signed out)."""
    if not user.is_authenticated:
        return ViewerState()
    first = (page - 1) * POSTS_PER_PAGE + 1
    params = [user.pk, thread.pk, user.pk, thread.pk, user.pk]
    params += [thread.pk, user.pk, PostStatus.PENDING.value, first, first + POSTS_PER_PAGE]
    with connection.cursor() as cursor:
        cursor.execute(_viewer_state_sql(), params)
        last_read, watching, unread, pending = cursor.fetchone()
    return ViewerState(
        last_read=last_read or 0,
        watching=bool(watching),
        unread_notifications=unread,
        own_pending_on_page=bool(pending),
    )


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


def watch_state(user, *, thread=None, board=None, tag=None) -> bool:
    if not user.is_authenticated:
        return False
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


def unread_notification_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user) -> QuerySet:
    return Notification.objects.filter(recipient=user).select_related(
        "actor", "thread", "thread__board", "post"
    )


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
