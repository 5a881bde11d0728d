"""The forums' lists as fragments (cop.fragments): a board's card on the board list, a thread's row on a
board, a notification's entry, the board's filter form and its tags.

Each fragment's key names what it shows: the row's own fields (or its thread's event_seq, which every
change through forums.services moves), the names it shows, the time zone (its `<time datetime>`), how long
ago the activity it shows was, to the precision "5 minutes ago" shows it (`age_key`), and the viewer's
mark on it (a thread's "New" / unread marks: one of four kinds, never the viewer); cop.fragments adds the
language and the code version. Which rows a viewer gets is decided per request by the selectors; nothing
in a fragment is replaced.
"""

from collections.abc import Callable
from datetime import datetime

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from taggit.models import Tag

from cop.fragments import render_many, render_one, scope_changed, scope_versions
from cop.models import GBFTarget

from .models import Board, Category, Thread
from .signals import FORUMS_SCOPE

# Tag, GBF target and category names shown by thread rows, the filter form and the board's tags.
VOCABULARY_SCOPE = "forums-vocabulary"

_MINUTE, _HOUR, _DAY, _WEEK = 60, 3600, 86400, 7 * 86400


def age_key(moment: datetime | None, now: datetime) -> tuple | None:
    """What `moment|timesince` shows at `now` depends on, with the moment itself in the key: the whole
    minutes passed under a day ("3 hours, 5 minutes"), the whole hours under a week ("2 days, 4 hours");
    beyond ("3 weeks, 2 days", "1 month, 2 weeks"), the date and whether the moment's time of day has
    passed on it (weeks and days turn at that time of day, a month that has no such day at midnight).
    Django's timesince counts in the moment's own zone (UTC from the database); so does this."""
    if moment is None:
        return None
    seconds = int((now - moment).total_seconds())
    if seconds < _DAY:
        return ("m", max(seconds, -1) // _MINUTE)
    if seconds < _WEEK:
        return ("h", seconds // _HOUR)
    now = now.astimezone(moment.tzinfo)
    time = now.time()
    return ("d", now.date(), time >= moment.time().replace(microsecond=0), time >= moment.time())


def _zone() -> str:
    return timezone.get_current_timezone_name()


# BOARD LIST ----


def board_cards_html(boards: list, stats: dict[int, tuple]) -> SafeString:
    """The boards' cards (forums.listings.BoardRow: name, description; `stats` by board id: its visible
    threads and their last activity), in order: one fragment keyed on what every card's own fragment is
    keyed on (one cache read), each card its fragment within it."""
    now, zone = timezone.now(), _zone()

    def parts(board) -> tuple:
        total, last = stats.get(board.pk, (0, None))
        return (board.pk, board.name, board.slug, board.description, total, last, age_key(last, now), zone)

    def render(row) -> str:
        board = Board(pk=row.pk, name=row.name, slug=row.slug, description=row.description)
        board.thread_total, board.last_activity = stats.get(row.pk, (0, None))
        return render_to_string("forums/includes/board_card.html", {"b": board})

    def cards_html() -> str:
        return "".join(render_many("forums-board-card", boards, parts=parts, render=render))

    return render_one(
        "forums-board-cards", *(part for board in boards for part in parts(board)), render=cards_html
    )


# A BOARD'S THREADS ----


def read_mark(row, signed_in: bool) -> tuple | None:
    """The part of a row that is the viewer's: nothing for visitors; for members whether they never
    opened the thread ("New") and whether it has posts they have not read (unread, "jump to first
    unread")."""
    if not signed_in:
        return None
    last = row.last_read_number or 0
    return (last == 0, row.post_count > last)


def thread_rows_html(rows: list, board: Board, *, signed_in: bool) -> SafeString:
    """The rows of a board's list (forums.listings.ThreadRow, with the viewer's read mark), one fragment
    keyed on what every row's own fragment is keyed on (one cache read); each row its fragment within
    it, the threads whose row the cache lacks read with their tags and targets to render it."""
    now, zone = timezone.now(), _zone()
    (vocabulary,) = scope_versions(VOCABULARY_SCOPE)
    loaded: dict[int, Thread] = {}

    def parts(row) -> tuple:
        return (
            row.pk,
            row.event_seq,  # moves with the tags, targets, state, replies and edits (forums.services)
            row.title,
            row.kind,
            row.status,
            row.is_pinned,
            row.is_locked,
            row.is_closed,
            row.is_hidden,
            row.accepted_answer_id,
            row.post_count,
            row.reply_count,
            row.last_activity_at,
            age_key(row.last_activity_at, now),
            row.author,
            row.last_poster,
            row.category,
            board.slug,
            zone,
            vocabulary,
            read_mark(row, signed_in),
        )

    def prepare(rows: list) -> None:
        threads = (
            Thread.objects.filter(pk__in=[row.pk for row in rows])
            .select_related("author", "last_poster", "category")
            .prefetch_related("tags", "gbf_targets")
        )
        loaded.update((thread.pk, thread) for thread in threads)

    def render(row) -> str:
        thread = loaded[row.pk]
        thread.last_read_number = row.last_read_number
        context = {"thread": thread, "board": board, "signed_in": signed_in}
        return render_to_string("forums/includes/thread_row.html", context)

    def rows_html() -> str:
        return "".join(render_many("forums-thread-row", rows, parts=parts, render=render, prepare=prepare))

    return render_one("forums-thread-rows", *(part for row in rows for part in parts(row)), render=rows_html)


def notification_entries_html(notifications: list) -> list[SafeString]:
    """One entry per notification of the notifications page (forums.listings.NotificationRow): keyed on
    its kind, read state, message, the actor's name and thread's title it shows, its age and the time
    zone."""
    now, zone = timezone.now(), _zone()

    def parts(n) -> tuple:
        return (
            n.pk,
            n.kind,
            n.read_at is None,
            n.message,
            n.actor_name,
            n.thread_title,
            n.created_at,
            age_key(n.created_at, now),
            zone,
        )

    def render(n) -> str:
        return render_to_string("forums/includes/notification.html", {"n": n})

    return render_many("forums-notification", notifications, parts=parts, render=render)


def thread_filters_html(render: Callable[[], str]) -> SafeString:
    """The board's filter form as it is before any filter is chosen: the same on every board, per
    language and version of the GBF targets it lists."""
    return render_one("forums-thread-filters", *scope_versions(VOCABULARY_SCOPE), render=render)


def board_tags_html(board: Board, render: Callable[[], str]) -> SafeString:
    """The board's most used tags, per board and version of the forums (every thread change) and of the
    tags' names."""
    versions = scope_versions(FORUMS_SCOPE, VOCABULARY_SCOPE)
    return render_one("forums-board-tags", board.pk, board.slug, *versions, render=render)


@receiver(post_save, sender=GBFTarget, dispatch_uid="forums_vocabulary_target_saved")
@receiver(post_delete, sender=GBFTarget, dispatch_uid="forums_vocabulary_target_deleted")
@receiver(post_save, sender=Tag, dispatch_uid="forums_vocabulary_tag_saved")
@receiver(post_delete, sender=Tag, dispatch_uid="forums_vocabulary_tag_deleted")
@receiver(post_save, sender=Category, dispatch_uid="forums_vocabulary_category_saved")
@receiver(post_delete, sender=Category, dispatch_uid="forums_vocabulary_category_deleted")
def vocabulary_changed(sender, **kwargs):
    scope_changed(VOCABULARY_SCOPE)
