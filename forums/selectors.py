"""Reads for the forums' boards, thread lists, tags, follows and moderation queue. Every list narrows
by cop.permissions first. A thread's page is read by forums.thread_page, a person's notifications and
read marks by forums.notifications."""

from collections.abc import Mapping

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from taggit.models import Tag

from cop import permissions as cop_permissions
from cop.models import Membership, MembershipStatus
from cop.prepared import PreparedValues

from . import permissions
from .filters import SORTS, ThreadFilter
from .models import Board, Flag, FlagStatus, ModerationLog, Post, PostStatus, ReadState, Thread, Watch

# The columns of a board's community that the permissions and the forum pages read.
COMMUNITY_FIELDS = ("title", "slug", "url_path", "visibility", "join_policy", "live")
# A person's columns that their public name needs (cop.User.public_name).
NAME_FIELDS = ("display_name", "first_name", "last_name", "email")
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


# TAGS AND FOLLOWING ----


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
