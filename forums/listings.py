"""Reads for the board list and a board's thread list, the forums' busiest lists: which boards and threads
a viewer gets is decided on each request (cop.permissions, forums.permissions), with lookups compiled
once per process (cop.prepared) and rows of the columns the lists show, never model instances of Wagtail
pages; the rows' text is forums.lists' fragments. A thread list narrowed by filters, and a page beyond
the first few, is read through the ORM (forums.selectors.board_threads)."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from cop import permissions as cop_permissions
from cop.fragments import FRAGMENT_SECONDS, fragment_key, scope_versions
from cop.models import Membership
from cop.prepared import PreparedGet, PreparedValues
from cop.site_sections import COMMUNITIES_SCOPE

from . import permissions
from .models import Board, Notification, PostStatus, ReadState, Thread
from .selectors import COMMUNITY_FIELDS, NAME_FIELDS, THREADS_PER_PAGE, board_threads
from .signals import FORUMS_SCOPE

# BOARDS ----


def _board_rows_queryset():
    return Board.objects.order_by(
        Case(When(community__isnull=True, then=Value(0)), default=Value(1)), "sort_order", "name"
    ).values_list(
        "pk", "community_id", "name", "slug", "description", "community__visibility", "community__live"
    )


# Read on every view of the board list: compiled once (cop.prepared), no Wagtail page loaded.
_board_rows = PreparedValues(_board_rows_queryset)


def _listed_boards() -> list[tuple]:
    """The board list's rows (_board_rows), kept per version of the forums scope (every board saved or
    deleted) and of the communities scope (a community saved, unpublished or moved: its visibility and
    live state); which of them a viewer gets is decided per request (boards_for_index)."""
    key = fragment_key("forums-board-rows", *scope_versions(FORUMS_SCOPE, COMMUNITIES_SCOPE))
    rows = cache.get(key)
    if rows is None:
        rows = _board_rows.all()
        cache.set(key, rows, FRAGMENT_SECONDS)
    return rows


@dataclass(frozen=True)
class BoardRow:
    """A board as the board list shows and decides it: its columns and its community's CommunityRef."""

    pk: int
    name: str
    slug: str
    description: str
    community: permissions.CommunityRef | None

    @property
    def is_site_forum(self) -> bool:
        return self.community is None


_MEMBERSHIP = tuple(
    f.attname
    for f in Membership._meta.concrete_fields
    if f.attname in ("id", "user_id", "community_id", "status", "role")
)
# The viewer's memberships with what cop.permissions decides on: compiled once (cop.prepared).
_memberships = PreparedValues(
    lambda user_id: Membership.objects.filter(user_id=user_id).order_by().values_list(*_MEMBERSHIP)
)


def _remember_memberships(user, community_ids: list[int]) -> None:
    """Gives cop.permissions the user's memberships in these communities (or their absence) for this
    request, read in one compiled query with the columns its decisions read (as prime_memberships does
    with whole rows)."""
    if not user.is_authenticated:
        return
    community_at = _MEMBERSHIP.index("community_id")
    found = {row[community_at]: row for row in _memberships.all(user.pk)}
    for community_id in community_ids:
        row = found.get(community_id)
        membership = Membership.from_db(None, _MEMBERSHIP, row) if row is not None else None
        cop_permissions.remember_membership(user, community_id, membership)


def boards_for_index(user) -> tuple[list[BoardRow], list[BoardRow]]:
    """The boards the user may read (site forums first, then by sort order and name) and those they
    moderate (by name), as the board list shows them (their thread counts are board_activity's). Decided
    per request by cop.permissions, from the user's memberships read in one query; no Wagtail page is
    loaded."""
    boards = [
        BoardRow(
            pk,
            name,
            slug,
            description,
            permissions.CommunityRef(community_id, visibility, live) if community_id is not None else None,
        )
        for pk, community_id, name, slug, description, visibility, live in _listed_boards()
    ]
    _remember_memberships(user, [b.community.pk for b in boards if b.community is not None])
    readable = [b for b in boards if permissions.can_read_listed_board(user, b.community)]
    moderated = [b for b in boards if permissions.can_moderate_listed_board(user, b.community)]
    return readable, sorted(moderated, key=lambda b: b.name)


def _kept_per_forums_version(name: str, compute):
    """`compute()`'s value kept per version of the forums scope (forums.signals.FORUMS_SCOPE: every thread
    and board change replaces it)."""
    (version,) = scope_versions(FORUMS_SCOPE)
    key = fragment_key(name, version)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, FRAGMENT_SECONDS)
    return value


def board_activity() -> dict[int, tuple[int, datetime | None]]:
    """Each board's visible threads and their latest activity (by board id), kept per version of the
    forums scope, so that the board list does not count every thread of the site on each request. Which
    boards a viewer sees is decided per request (boards_for_index)."""

    def compute():
        rows = (
            Thread.objects.filter(status=PostStatus.PUBLISHED, is_hidden=False)
            .order_by()
            .values_list("board_id")
            .annotate(total=Count("pk"), last=Max("last_activity_at"))
        )
        return {board_id: (total, last) for board_id, total, last in rows}

    return _kept_per_forums_version("forums-board-activity", compute)


def _board_for_page_queryset(pk):
    # A community is a Wagtail page with many columns: only those the permissions and pages use.
    board_fields = [f.attname for f in Board._meta.concrete_fields]
    community = [f"community__{name}" for name in COMMUNITY_FIELDS]
    return Board.objects.select_related("community").only(*board_fields, *community).filter(pk=pk)


_board_for_page = PreparedGet(_board_for_page_queryset)


def board_by_slug(slug: str) -> Board | None:
    """The board with its community: the board's id found in the boards' addresses (kept per version of
    the forums scope, which a board's save replaces), the board read by a lookup compiled once."""
    ids = _kept_per_forums_version(
        "forums-board-ids-by-slug", lambda: dict(Board.objects.values_list("slug", "pk"))
    )
    pk = ids.get(slug)
    return _board_for_page.get(pk) if pk is not None else None


# A BOARD'S THREADS ----

_User = get_user_model()
# A person's columns for their public name, in the model's order (as Model.from_db takes them).
_PERSON = tuple(f.attname for f in _User._meta.concrete_fields if f.attname in ("id", *NAME_FIELDS))
_THREAD = (
    "pk",
    "event_seq",
    "title",
    "kind",
    "status",
    "is_pinned",
    "is_locked",
    "is_closed",
    "is_hidden",
    "accepted_answer_id",
    "post_count",
    "reply_count",
    "last_activity_at",
)
_ROW_COLUMNS = (
    *_THREAD,
    *(f"author__{name}" for name in _PERSON),
    *(f"last_poster__{name}" for name in _PERSON),
    "category_id",
    "category__name",
)


@dataclass
class ThreadRow:
    """A thread as its row on a board shows it (forums.lists.thread_rows_html keys its fragment on these)
    with the viewer's `last_read_number` (None for visitors, 0 when never opened)."""

    pk: int
    event_seq: int
    title: str
    kind: str
    status: str
    is_pinned: bool
    is_locked: bool
    is_closed: bool
    is_hidden: bool
    accepted_answer_id: int | None
    post_count: int
    reply_count: int
    last_activity_at: datetime
    # The author's and last poster's id and name columns (_PERSON): what the public names the row shows
    # are made of (cop.User.public_name, in the language its fragment is keyed on).
    author: tuple
    last_poster: tuple | None
    category: tuple | None  # (id, name)
    last_read_number: int | None


def as_thread_rows(rows) -> list[ThreadRow]:
    """ThreadRows from rows of _ROW_COLUMNS followed by the viewer's read mark."""
    width, start = len(_PERSON), len(_THREAD)
    poster_at = start + width
    result = []
    for row in rows:
        category_id, category_name = row[poster_at + width], row[poster_at + width + 1]
        last_poster = row[poster_at : poster_at + width]
        result.append(
            ThreadRow(
                *row[:start],
                author=row[start:poster_at],
                last_poster=last_poster if last_poster[0] is not None else None,
                category=(category_id, category_name) if category_id is not None else None,
                last_read_number=row[-1],
            )
        )
    return result


def filtered_threads(user, board: Board, *, moderator: bool, filters):
    """The rows of a thread list narrowed by filters (forums.selectors.board_threads), for a paginator."""
    threads = board_threads(user, board, moderator=moderator, filters=filters)
    return threads.values_list(*_ROW_COLUMNS, "last_read_number")


# The lookups of an unfiltered list, compiled once per kind of viewer (and page): each takes the board's
# id, and the viewer's id where their kind needs it (their own threads waiting for approval, their read
# marks).
_SORT = ("-is_pinned", "-last_activity_at", "-pk")
PREPARED_PAGES = 5  # pages beyond are read through the ORM


def _read_mark(reader_id):
    last_read = ReadState.objects.filter(user_id=reader_id, thread=OuterRef("pk"))
    return Coalesce(Subquery(last_read.values("last_read_number")[:1]), Value(0))


def _anonymous_threads(board_id):
    return Thread.objects.filter(board_id=board_id, is_hidden=False, status=PostStatus.PUBLISHED)


def _member_threads(board_id, author_id):
    visible = Q(status=PostStatus.PUBLISHED) | Q(author_id=author_id)
    return Thread.objects.filter(visible, board_id=board_id, is_hidden=False)


def _moderator_threads(board_id):
    return Thread.objects.filter(board_id=board_id)


def _page_queryset(kind: str, page: int):
    start = (page - 1) * THREADS_PER_PAGE
    end = start + THREADS_PER_PAGE

    def rows(threads, mark):
        return threads.order_by(*_SORT).annotate(mark=mark).values_list(*_ROW_COLUMNS, "mark")[start:end]

    if kind == "anonymous":
        return lambda board_id: rows(_anonymous_threads(board_id), Value(None, output_field=IntegerField()))
    if kind == "member":
        return lambda board_id, author_id, reader_id: rows(
            _member_threads(board_id, author_id), _read_mark(reader_id)
        )
    return lambda board_id, reader_id: rows(_moderator_threads(board_id), _read_mark(reader_id))


def _count(threads):
    return threads.order_by().values("board_id").annotate(n=Count("pk")).values_list("n")


_COUNTS = {
    "anonymous": PreparedValues(lambda board_id: _count(_anonymous_threads(board_id))),
    "member": PreparedValues(lambda board_id, author_id: _count(_member_threads(board_id, author_id))),
    "moderator": PreparedValues(lambda board_id: _count(_moderator_threads(board_id))),
}
_PAGES = {
    (kind, page): PreparedValues(_page_queryset(kind, page))
    for kind in _COUNTS
    for page in range(1, PREPARED_PAGES + 1)
}


class BoardThreadList:
    """A board's threads as one viewer sees them, unfiltered, latest activity first, for
    django.core.paginator: its count and its slices (rows for as_thread_rows) read by lookups compiled
    once (the first PREPARED_PAGES pages; beyond, through the ORM)."""

    def __init__(self, user, board: Board, *, moderator: bool):
        self.user, self.board, self.moderator = user, board, moderator
        if moderator:
            self.kind, self.ids = "moderator", (user.pk,)
        elif user.is_authenticated:
            self.kind, self.ids = "member", (user.pk, user.pk)
        else:
            self.kind, self.ids = "anonymous", ()

    def count(self) -> int:
        row = _COUNTS[self.kind].get(self.board.pk, *self.ids[:1] if self.kind == "member" else ())
        return row[0] if row else 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, bounds: slice) -> list[tuple]:
        start, end = bounds.start or 0, bounds.stop
        page, offset = divmod(start, THREADS_PER_PAGE)
        if not offset and end == start + THREADS_PER_PAGE and page < PREPARED_PAGES:
            return _PAGES[(self.kind, page + 1)].all(self.board.pk, *self.ids)
        threads = board_threads(self.user, self.board, moderator=self.moderator)
        return list(threads.values_list(*_ROW_COLUMNS, "last_read_number")[start:end])


# NOTIFICATIONS ----

_NOTIFICATION = ("pk", "kind", "message", "created_at", "read_at", "thread_id", "thread__title")
_NOTIFICATION_COLUMNS = (*_NOTIFICATION, *(f"actor__{name}" for name in _PERSON))
NOTIFICATIONS_PER_PAGE = 30


@dataclass
class NotificationRow:
    """A notification as its entry on the notifications page shows it."""

    pk: int
    kind: str
    message: str
    created_at: datetime
    read_at: datetime | None
    thread_id: int | None
    thread_title: str | None
    actor_name: str | None


def _notification_page_queryset(page: int):
    start = (page - 1) * NOTIFICATIONS_PER_PAGE

    def queryset(user_id):
        notifications = Notification.objects.filter(recipient_id=user_id).order_by("-created_at", "-pk")
        return notifications.values_list(*_NOTIFICATION_COLUMNS)[start : start + NOTIFICATIONS_PER_PAGE]

    return queryset


_NOTIFICATION_PAGES = {
    page: PreparedValues(_notification_page_queryset(page)) for page in range(1, PREPARED_PAGES + 1)
}
_notification_count = PreparedValues(
    lambda user_id: (
        Notification.objects.filter(recipient_id=user_id)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values_list("n")
    )
)


class NotificationList:
    """A person's notifications, newest first, for django.core.paginator: its count and its pages of
    NotificationRows read by lookups compiled once (the first PREPARED_PAGES pages; beyond, through the
    ORM); each actor's public name computed once per person."""

    def __init__(self, user):
        self.user_id = user.pk

    def count(self) -> int:
        row = _notification_count.get(self.user_id)
        return row[0] if row else 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, bounds: slice) -> list[NotificationRow]:
        start, end = bounds.start or 0, bounds.stop
        page, offset = divmod(start, NOTIFICATIONS_PER_PAGE)
        if not offset and end == start + NOTIFICATIONS_PER_PAGE and page < PREPARED_PAGES:
            rows = _NOTIFICATION_PAGES[page + 1].all(self.user_id)
        else:
            notifications = Notification.objects.filter(recipient_id=self.user_id).order_by(
                "-created_at", "-pk"
            )
            rows = list(notifications.values_list(*_NOTIFICATION_COLUMNS)[start:end])
        names: dict[tuple, str | None] = {}
        width = len(_NOTIFICATION)
        result = []
        for row in rows:
            person = row[width:]
            if person not in names:
                names[person] = _User.from_db(None, _PERSON, person).public_name if person[0] else None
            result.append(NotificationRow(*row[:width], actor_name=names[person]))
        return result
