"""Every write in the forums. Views, tasks and the demo call these; nothing else saves forum models.

Each service checks its permission itself (through forums.permissions), raises a domain exception from
forums.exceptions when the action is not possible, and queues e-mails and live events only after commit.
"""

import logging
import math
from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag

from cop.commit import after_commit, enqueue_after_commit
from cop.eventlog import event_append
from cop.models import JoinPolicy, Role
from cop.permissions import forget_memberships as cop_permissions_forget
from cop.ratelimit import rate_limit_hit

from . import permissions
from .attachments import CheckedFile, check_upload
from .exceptions import (
    AlreadyFlagged,
    AlreadyReacted,
    ForumError,
    InvalidMove,
    NotAllowed,
    NothingToDo,
    NotYourPost,
    RateLimited,
    StaleEdit,
    ThreadLocked,
    TooManyAttachments,
)
from .models import (
    Attachment,
    Board,
    EmailFrequency,
    Flag,
    FlagStatus,
    ModerationAction,
    ModerationLog,
    Notification,
    NotificationKind,
    NotificationSettings,
    Post,
    PostingBan,
    PostRevision,
    PostStatus,
    Reaction,
    ReactionKind,
    ReadState,
    Thread,
    ThreadKind,
    Watch,
)
from .models.following import NOTIFICATION_PRIORITY
from .models.threads import THREAD_LOG
from .rendering import mentioned_names, render_markdown
from .signals import thread_event

logger = logging.getLogger(__name__)

BODY_MAX_LENGTH = 50_000
TITLE_MAX_LENGTH = 200
MAX_ATTACHMENTS = 5
MAX_MENTIONS = 20


def _setting(name: str, default):
    return getattr(settings, name, default)


# BOARDS ----


def _unique_board_slug(base: str) -> str:
    base = (slugify(base, allow_unicode=True) or "board")[:100]
    slug, n = base, 2
    while Board.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def board_ensure_for_community(*, community) -> Board:
    """The community's board, created with the community's name on first need."""
    board = Board.objects.filter(community=community).first()
    if board is not None:
        return board
    return Board.objects.create(
        community=community,
        name=community.title,
        slug=_unique_board_slug(community.slug),
        description=(community.summary or "")[:300],
    )


@transaction.atomic
def board_ensure_site_forum(*, name: str, slug: str, description: str = "", sort_order: int = 0) -> Board:
    """A site forum (no community): anyone reads, any signed-in user posts."""
    board, _created = Board.objects.get_or_create(
        slug=slug,
        defaults={"name": name, "description": description, "sort_order": sort_order, "community": None},
    )
    return board


# EVENTS (the seam for live updates) ----


def _record_event(thread: Thread, kind: str, *, post: Post | None = None, actor=None) -> int:
    """Appends the change to the thread's event log (cop.eventlog); forums.signals.thread_event follows
    the commit."""
    seq = event_append(THREAD_LOG, stream=thread.pk, kind=kind, data={"post": post, "actor": actor})
    thread.event_seq = seq
    post_id = post.pk if post else None
    after_commit(thread_event.send, sender=Thread, thread_id=thread.pk, seq=seq, kind=kind, post_id=post_id)
    return seq


def _log(actor, action: str, *, board=None, thread=None, post=None, target_user=None, reason="", **details):
    if board is None and thread is not None:
        board = thread.board
    if thread is None and post is not None:
        thread = post.thread
        board = board or thread.board
    ModerationLog.objects.create(
        actor=actor,
        action=action,
        board=board,
        thread=thread,
        post=post,
        target_user=target_user,
        reason=(reason or "")[:2000],
        details=details,
    )


# POSTING RULES ----


def _check_rate_limit(user) -> None:
    """New accounts may post only so often (per minute and per hour, sliding windows in the cache)."""
    if user.is_staff or user.is_superuser:
        return
    new_for = timedelta(days=_setting("FORUMS_NEW_ACCOUNT_DAYS", 7))
    if user.date_joined and timezone.now() - user.date_joined > new_for:
        return
    limits = _setting("FORUMS_NEW_ACCOUNT_RATE_LIMITS", {"minute": (60, 3), "hour": (3600, 20)})
    wait = rate_limit_hit(f"forums:post:{user.pk}", limits)
    if wait is not None:
        raise RateLimited(retry_after=math.ceil(wait))


def _needs_approval(user, board: Board) -> bool:
    """In approval-required communities, a plain member's first posts wait for a moderator."""
    community = board.community
    if community is None or community.join_policy != JoinPolicy.APPROVAL:
        return False
    membership = permissions.membership_of(user, community)
    if membership is None or membership.role != Role.MEMBER or user.is_superuser:
        return False
    first_posts = _setting("FORUMS_APPROVAL_FIRST_POSTS", 2)
    published = Post.objects.filter(
        thread__board=board, author=user, status=PostStatus.PUBLISHED, is_deleted=False
    ).count()
    return published < first_posts


def _clean_text(value: str, *, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ForumError(
            _("The title cannot be empty.") if field == "title" else _("The message cannot be empty.")
        )
    if len(value) > max_length:
        raise ForumError(
            _("The %(field)s is too long: %(length)s characters, the limit is %(limit)s.")
            % {
                "field": _("title") if field == "title" else _("message"),
                "length": len(value),
                "limit": max_length,
            }
        )
    return value


def _check_uploads(uploads: Sequence[tuple], existing: int = 0) -> list[tuple[CheckedFile, str]]:
    """Checks every file before anything is saved, so a bad file leaves nothing behind."""
    if existing + len(uploads) > MAX_ATTACHMENTS:
        raise TooManyAttachments(
            _("Too many attachments: at most %(max)s per post.") % {"max": MAX_ATTACHMENTS}
        )
    checked = []
    for uploaded, alt_text in uploads:
        result = check_upload(uploaded)
        alt_text = (alt_text or "").strip()
        if result.kind == "image" and not alt_text:
            from .exceptions import AttachmentRejected

            raise AttachmentRejected(
                _("Describe the image “%(name)s” in its text alternative, for people who cannot see it.")
                % {"name": uploaded.name}
            )
        checked.append((result, alt_text[:300]))
    return checked


def _save_attachments(post: Post, checked: list[tuple[CheckedFile, str]]) -> None:
    for result, alt_text in checked:
        attachment = Attachment(
            post=post,
            kind=result.kind,
            original_name=result.name,
            content_type=result.content_type,
            size=len(result.content),
            alt_text=alt_text,
            width=result.width,
            height=result.height,
        )
        attachment.file.save(result.name, ContentFile(result.content), save=False)
        attachment.save()


def _next_number(thread: Thread) -> int:
    Thread.objects.filter(pk=thread.pk).update(post_count=F("post_count") + 1)
    number = Thread.objects.values_list("post_count", flat=True).get(pk=thread.pk)
    thread.post_count = number
    return number


def _thread_refresh(thread: Thread) -> None:
    """Recounts the replies and finds the last visible post after any change of post state."""
    visible = Post.objects.filter(
        thread=thread, status=PostStatus.PUBLISHED, is_hidden=False, is_deleted=False
    )
    thread.reply_count = visible.filter(number__gt=1).count()
    last = visible.order_by("-number").only("pk", "author_id", "created_at").first()
    if last is not None:
        thread.last_post_id = last.pk
        thread.last_poster_id = last.author_id
        thread.last_activity_at = max(last.created_at, thread.created_at)
    else:
        thread.last_post_id, thread.last_poster_id = None, None
        thread.last_activity_at = thread.created_at
    Thread.objects.filter(pk=thread.pk).update(
        reply_count=thread.reply_count,
        last_post_id=thread.last_post_id,
        last_poster_id=thread.last_poster_id,
        last_activity_at=thread.last_activity_at,
    )


def notification_settings_of(user) -> NotificationSettings:
    settings_row, _created = NotificationSettings.objects.get_or_create(user=user)
    return settings_row


def _auto_watch(user, thread: Thread) -> None:
    if not notification_settings_of(user).auto_watch:
        return
    if not Watch.objects.filter(user=user, thread=thread).exists():
        Watch.objects.create(user=user, thread=thread, active=True)


def _after_publish(post: Post, *, mentions_only: bool = False) -> None:
    from .tasks import notify_post_published

    post_id = post.pk
    enqueue_after_commit(notify_post_published, post_id, mentions_only)
    community_id = post.thread.board.community_id
    if community_id:
        from cop.services import community_touch

        community_touch(community_id=community_id)


# THREADS AND POSTS ----


MAX_TAGS = 10


def _tag_names(tags: Iterable[str]) -> list[str]:
    return [t.strip()[:100] for t in tags if t and t.strip()][:MAX_TAGS]


@transaction.atomic
def thread_create(
    *,
    board: Board,
    author,
    title: str,
    body: str,
    kind: str = ThreadKind.DISCUSSION,
    tags: Iterable[str] = (),
    gbf_targets: Iterable = (),
    category=None,
    attachments: Sequence[tuple] = (),
) -> Thread:
    """Starts a thread: the body is its first post. Waits for approval where the community requires it."""
    permissions.require_can_post(author, board)
    title = _clean_text(title, field="title", max_length=TITLE_MAX_LENGTH)
    body = _clean_text(body, field="body", max_length=BODY_MAX_LENGTH)
    if kind not in ThreadKind.values:
        raise ForumError(_("Choose whether this is a discussion or a question."))
    if category is not None and category.board_id != board.pk:
        raise ForumError(_("This category belongs to another board."))
    checked = _check_uploads(attachments)
    _check_rate_limit(author)
    status = PostStatus.PENDING if _needs_approval(author, board) else PostStatus.PUBLISHED
    now = timezone.now()
    thread = Thread.objects.create(
        board=board,
        title=title,
        kind=kind,
        category=category,
        author=author,
        status=status,
        last_activity_at=now,
        last_poster=author,
    )
    tag_names = _tag_names(tags)
    if tag_names:
        thread.tags.set(tag_names)
    if gbf_targets:
        thread.gbf_targets.set(list(gbf_targets))
    post = Post.objects.create(
        thread=thread,
        number=_next_number(thread),
        author=author,
        body=body,
        html=render_markdown(body),
        status=status,
    )
    _save_attachments(post, checked)
    thread.created_at = post.created_at
    Thread.objects.filter(pk=thread.pk).update(created_at=post.created_at)
    _thread_refresh(thread)
    _auto_watch(author, thread)
    read_mark(user=author, thread=thread, number=post.number)
    if status == PostStatus.PUBLISHED:
        _record_event(thread, "thread_created", post=post, actor=author)
        _after_publish(post)
    return thread


@transaction.atomic
def post_create(
    *, thread: Thread, author, body: str, quoted_post: Post | None = None, attachments: Sequence[tuple] = ()
) -> Post:
    """Adds a reply (optionally quoting another post of the same thread)."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("board", "board__community")
        .get(pk=thread.pk)
    )
    permissions.require_can_reply(author, thread)
    body = _clean_text(body, field="body", max_length=BODY_MAX_LENGTH)
    if quoted_post is not None and (
        quoted_post.thread_id != thread.pk or not permissions.can_view_post_body(author, quoted_post)
    ):
        quoted_post = None
    checked = _check_uploads(attachments)
    _check_rate_limit(author)
    status = PostStatus.PENDING if _needs_approval(author, thread.board) else PostStatus.PUBLISHED
    post = Post.objects.create(
        thread=thread,
        number=_next_number(thread),
        author=author,
        body=body,
        html=render_markdown(body),
        status=status,
        quoted_post=quoted_post,
    )
    _save_attachments(post, checked)
    _auto_watch(author, thread)
    if status == PostStatus.PUBLISHED:
        _thread_refresh(thread)
        _record_event(thread, "post_created", post=post, actor=author)
        _after_publish(post)
        read_mark(user=author, thread=thread, number=post.number)
    return post


UNCHANGED = object()


@transaction.atomic
def post_edit(
    *,
    post: Post,
    editor,
    body: str,
    expected_version: int,
    title: str | None = None,
    tags: Iterable[str] | None = None,
    gbf_targets: Iterable | None = None,
    category=UNCHANGED,
) -> Post:
    """Saves a new version of a post, keeping the previous one in its history; refuses a stale edit.
    The first post also carries the thread's title, tags, GBF targets and category (None: unchanged;
    category=None takes the thread out of its category)."""
    post = Post.objects.select_related("thread", "thread__board", "thread__board__community").get(pk=post.pk)
    permissions.require_can_edit(editor, post)
    body = _clean_text(body, field="body", max_length=BODY_MAX_LENGTH)
    if title is not None and post.is_first:
        title = _clean_text(title, field="title", max_length=TITLE_MAX_LENGTH)
    thread = post.thread
    if post.is_first and category not in (UNCHANGED, None) and category.board_id != thread.board_id:
        raise ForumError(_("This category belongs to another board."))
    if post.version != expected_version:
        raise StaleEdit()
    PostRevision.objects.create(
        post=post,
        version=post.version,
        body=post.body,
        html=post.html,
        title=thread.title if post.is_first else "",
        edited_by=post.edited_by or post.author,
    )
    now = timezone.now()
    updated = Post.objects.filter(pk=post.pk, version=expected_version).update(
        body=body, html=render_markdown(body), version=F("version") + 1, edited_at=now, edited_by=editor
    )
    if not updated:
        raise StaleEdit()
    if post.is_first:
        _thread_details_update(thread, title=title, tags=tags, gbf_targets=gbf_targets, category=category)
    post.refresh_from_db()
    if editor.pk != post.author_id:
        _log(editor, ModerationAction.EDIT_POST, post=post, target_user=post.author)
    # Recorded for a post waiting for approval too: its author and the moderators see it, and their
    # cached pages follow the thread's event sequence (live viewers who may not see it get nothing).
    _record_event(thread, "post_edited", post=post, actor=editor)
    if post.status == PostStatus.PUBLISHED:
        _after_publish(post, mentions_only=True)  # only people newly mentioned hear of an edit
    return post


def _thread_details_update(thread: Thread, *, title, tags, gbf_targets, category) -> None:
    """What the first post's edit may change besides the body (the caller records the event)."""
    changes = {}
    if title is not None and title != thread.title:
        changes["title"] = thread.title = title
    if category is not UNCHANGED and category != thread.category:
        changes["category"] = thread.category = category
    if changes:
        Thread.objects.filter(pk=thread.pk).update(**changes)
    if tags is not None:
        thread.tags.set(_tag_names(tags))
    if gbf_targets is not None:
        thread.gbf_targets.set(list(gbf_targets))


@transaction.atomic
def post_delete(*, post: Post, actor, reason: str = "") -> Post:
    """Soft-deletes a post: it shows as "post removed" and the thread keeps its shape."""
    post = Post.objects.select_related("thread", "thread__board", "thread__board__community").get(pk=post.pk)
    if not permissions.can_delete_post(actor, post):
        raise NotYourPost()
    if post.is_deleted:
        raise NothingToDo(_("This post was already removed."))
    post.is_deleted, post.deleted_at, post.deleted_by = True, timezone.now(), actor
    post.save(update_fields=["is_deleted", "deleted_at", "deleted_by"])
    thread = post.thread
    if thread.accepted_answer_id == post.pk:
        Thread.objects.filter(pk=thread.pk).update(accepted_answer=None)
    if actor.pk != post.author_id:
        _log(actor, ModerationAction.DELETE_POST, post=post, target_user=post.author, reason=reason)
    _thread_refresh(thread)
    _record_event(thread, "post_deleted", post=post, actor=actor)
    return post


def _require_moderator(user, board: Board) -> None:
    if not permissions.can_moderate_board(user, board):
        raise NotAllowed(_("Only this board's moderators can do this."))


@transaction.atomic
def post_set_hidden(*, post: Post, moderator, hidden: bool, reason: str = "") -> Post:
    """Hides a post from everyone but moderators (or shows it again)."""
    post = Post.objects.select_related("thread", "thread__board", "thread__board__community").get(pk=post.pk)
    _require_moderator(moderator, post.thread.board)
    if post.is_hidden == hidden:
        raise NothingToDo(_("This post is already hidden.") if hidden else _("This post is already visible."))
    post.is_hidden, post.hidden_reason = hidden, (reason[:300] if hidden else "")
    post.save(update_fields=["is_hidden", "hidden_reason"])
    action = ModerationAction.HIDE_POST if hidden else ModerationAction.UNHIDE_POST
    _log(moderator, action, post=post, target_user=post.author, reason=reason)
    _thread_refresh(post.thread)
    _record_event(post.thread, "post_hidden" if hidden else "post_unhidden", post=post, actor=moderator)
    return post


@transaction.atomic
def post_approve(*, post: Post, moderator) -> Post:
    """Publishes a post that was waiting for approval (and its thread, when it is the first post)."""
    post = Post.objects.select_related("thread", "thread__board", "thread__board__community").get(pk=post.pk)
    _require_moderator(moderator, post.thread.board)
    if post.status != PostStatus.PENDING:
        raise NothingToDo(_("This post is already published."))
    post.status = PostStatus.PUBLISHED
    post.save(update_fields=["status"])
    thread = post.thread
    if post.is_first and thread.status == PostStatus.PENDING:
        thread.status = PostStatus.PUBLISHED
        Thread.objects.filter(pk=thread.pk).update(status=PostStatus.PUBLISHED)
    _log(moderator, ModerationAction.APPROVE_POST, post=post, target_user=post.author)
    _thread_refresh(thread)
    _record_event(thread, "thread_created" if post.is_first else "post_created", post=post, actor=post.author)
    Notification.objects.create(
        recipient=post.author, kind=NotificationKind.APPROVED, actor=moderator, thread=thread, post=post
    )
    _after_publish(post)
    return post


@transaction.atomic
def post_reject(*, post: Post, moderator, reason: str = "") -> Post:
    """Turns down a post waiting for approval: it is removed (and its thread hidden if it was the first)."""
    post = Post.objects.select_related("thread", "thread__board", "thread__board__community").get(pk=post.pk)
    _require_moderator(moderator, post.thread.board)
    if post.status != PostStatus.PENDING:
        raise NothingToDo(_("Only posts waiting for approval can be rejected."))
    post.is_deleted, post.deleted_at, post.deleted_by = True, timezone.now(), moderator
    post.save(update_fields=["is_deleted", "deleted_at", "deleted_by"])
    if post.is_first:
        Thread.objects.filter(pk=post.thread_id).update(is_hidden=True)
    _log(moderator, ModerationAction.REJECT_POST, post=post, target_user=post.author, reason=reason)
    _record_event(post.thread, "post_rejected", post=post, actor=moderator)
    return post


# REACTIONS AND ANSWERS ----


def _check_can_react(user, post: Post) -> None:
    permissions.require_can_post(user, post.thread.board)
    if not post.is_visible_to_all or not permissions.can_view_thread(user, post.thread):
        raise NotAllowed(_("You cannot react to this post."))


@transaction.atomic
def reaction_add(*, post: Post, user, kind: str) -> Reaction:
    post = Post.objects.select_related("thread", "thread__board", "thread__board__community").get(pk=post.pk)
    if kind not in ReactionKind.values:
        raise ForumError(_("Unknown reaction."))
    _check_can_react(user, post)
    if post.thread.is_locked and not permissions.can_moderate_board(user, post.thread.board):
        raise ThreadLocked()
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(post=post, user=user, kind=kind)
    except IntegrityError:
        raise AlreadyReacted() from None
    _recount_reactions(post)
    _record_event(post.thread, "reaction_changed", post=post, actor=user)
    return reaction


@transaction.atomic
def reaction_remove(*, post: Post, user, kind: str) -> None:
    post = Post.objects.select_related("thread", "thread__board", "thread__board__community").get(pk=post.pk)
    deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if not deleted:
        raise NothingToDo(_("You had not reacted this way to this post."))
    _recount_reactions(post)
    _record_event(post.thread, "reaction_changed", post=post, actor=user)


def _recount_reactions(post: Post) -> None:
    counts = {}
    for kind in Reaction.objects.filter(post=post).values_list("kind", flat=True):
        counts[kind] = counts.get(kind, 0) + 1
    Post.objects.filter(pk=post.pk).update(reaction_counts=counts)
    post.reaction_counts = counts


@transaction.atomic
def answer_accept(*, post: Post, actor) -> Thread:
    """Marks a reply as the accepted answer of its question (by the asker or a moderator)."""
    post = Post.objects.select_related("thread", "thread__board", "thread__board__community").get(pk=post.pk)
    thread = post.thread
    if not thread.is_question:
        raise ForumError(_("Only questions have an accepted answer."))
    if not permissions.can_accept_answer(actor, thread):
        raise NotAllowed(_("Only the person who asked or a moderator can accept an answer."))
    if post.is_first or not post.is_visible_to_all:
        raise ForumError(_("This post cannot be the accepted answer."))
    if thread.accepted_answer_id == post.pk:
        raise NothingToDo(_("This is already the accepted answer."))
    Thread.objects.filter(pk=thread.pk).update(accepted_answer=post)
    thread.accepted_answer = post
    if actor.pk != thread.author_id:
        _log(actor, ModerationAction.ACCEPT_ANSWER, post=post, target_user=post.author)
    if post.author_id != actor.pk:
        Notification.objects.get_or_create(
            recipient=post.author,
            post=post,
            kind=NotificationKind.ACCEPTED,
            defaults={"actor": actor, "thread": thread},
        )
    _record_event(thread, "answer_accepted", post=post, actor=actor)
    return thread


@transaction.atomic
def answer_unaccept(*, thread: Thread, actor) -> Thread:
    if not permissions.can_accept_answer(actor, thread):
        raise NotAllowed(_("Only the person who asked or a moderator can change the accepted answer."))
    if thread.accepted_answer_id is None:
        raise NothingToDo(_("This question has no accepted answer."))
    Thread.objects.filter(pk=thread.pk).update(accepted_answer=None)
    thread.accepted_answer = None
    _record_event(thread, "answer_accepted", actor=actor)
    return thread


# THREAD MODERATION ----

_THREAD_STATES = {
    ModerationAction.PIN: ("is_pinned", True),
    ModerationAction.UNPIN: ("is_pinned", False),
    ModerationAction.LOCK: ("is_locked", True),
    ModerationAction.UNLOCK: ("is_locked", False),
    ModerationAction.CLOSE: ("is_closed", True),
    ModerationAction.REOPEN: ("is_closed", False),
    ModerationAction.HIDE_THREAD: ("is_hidden", True),
    ModerationAction.UNHIDE_THREAD: ("is_hidden", False),
}


@transaction.atomic
def thread_moderate(*, thread: Thread, moderator, action: str, reason: str = "") -> Thread:
    """Pins, locks, closes or hides a thread (or undoes it), and writes it to the audit log."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("board", "board__community")
        .get(pk=thread.pk)
    )
    _require_moderator(moderator, thread.board)
    if action not in _THREAD_STATES:
        raise ForumError(_("Unknown moderation action."))
    field, value = _THREAD_STATES[action]
    if getattr(thread, field) == value:
        raise NothingToDo()
    setattr(thread, field, value)
    thread.save(update_fields=[field])
    _log(moderator, action, thread=thread, target_user=thread.author, reason=reason)
    _record_event(thread, "thread_updated", actor=moderator)
    return thread


@transaction.atomic
def thread_move(*, thread: Thread, moderator, board: Board, reason: str = "") -> Thread:
    """Moves a thread to another board; the moderator must moderate both."""
    thread = (
        Thread.objects.select_for_update(of=("self",))
        .select_related("board", "board__community")
        .get(pk=thread.pk)
    )
    _require_moderator(moderator, thread.board)
    if board.pk == thread.board_id:
        raise InvalidMove(_("The thread is already on this board."))
    if not permissions.can_moderate_board(moderator, board):
        raise InvalidMove(_("You can only move threads to boards you moderate."))
    source = thread.board
    thread.board, thread.category = board, None
    thread.save(update_fields=["board", "category"])
    _log(moderator, ModerationAction.MOVE, board=source, thread=thread, reason=reason, to_board=board.pk)
    _log(moderator, ModerationAction.MOVE, board=board, thread=thread, reason=reason, from_board=source.pk)
    _record_event(thread, "thread_moved", actor=moderator)
    return thread


# FLAGS ----


@transaction.atomic
def flag_create(*, post: Post, reporter, reason: str, details: str = "") -> Flag:
    """Any signed-in reader flags a post for the moderators, once per post while the flag is open."""
    post = Post.objects.select_related("thread", "thread__board", "thread__board__community").get(pk=post.pk)
    if not permissions.can_view_thread(reporter, post.thread) or not permissions.can_flag(reporter, post):
        raise NotAllowed(_("You cannot flag this post."))
    from .models import FlagReason

    if reason not in FlagReason.values:
        raise ForumError(_("Choose a reason."))
    try:
        with transaction.atomic():
            return Flag.objects.create(
                post=post, reporter=reporter, reason=reason, details=(details or "")[:2000]
            )
    except IntegrityError:
        raise AlreadyFlagged() from None


FLAG_DECISIONS = {"keep": FlagStatus.KEPT, "hide": FlagStatus.HIDDEN, "delete": FlagStatus.DELETED}


@transaction.atomic
def flag_resolve(
    *, flag: Flag, moderator, decision: str, reason: str = "", warn_message: str = "", ban: bool = False
) -> Flag:
    """Keeps, hides or removes a flagged post (closing every open flag on it); may warn or ban its author."""
    flag = Flag.objects.select_related(
        "post", "post__thread", "post__thread__board", "post__thread__board__community"
    ).get(pk=flag.pk)
    post = flag.post
    board = post.thread.board
    _require_moderator(moderator, board)
    if decision not in FLAG_DECISIONS:
        raise ForumError(_("Choose keep, hide or remove."))
    if flag.status != FlagStatus.OPEN:
        raise NothingToDo(_("This flag was already handled."))
    if decision == "hide" and not post.is_hidden:
        post_set_hidden(post=post, moderator=moderator, hidden=True, reason=reason)
    elif decision == "delete" and not post.is_deleted:
        post.is_deleted, post.deleted_at, post.deleted_by = True, timezone.now(), moderator
        post.save(update_fields=["is_deleted", "deleted_at", "deleted_by"])
        _log(moderator, ModerationAction.DELETE_POST, post=post, target_user=post.author, reason=reason)
        _thread_refresh(post.thread)
        _record_event(post.thread, "post_deleted", post=post, actor=moderator)
    elif decision == "keep":
        _log(moderator, ModerationAction.KEEP_FLAG, post=post, target_user=post.author, reason=reason)
    Flag.objects.filter(post=post, status=FlagStatus.OPEN).update(
        status=FLAG_DECISIONS[decision], resolved_at=timezone.now(), resolved_by=moderator
    )
    if warn_message.strip():
        user_warn(moderator=moderator, board=board, user=post.author, message=warn_message, post=post)
    if ban:
        user_ban(moderator=moderator, board=board, user=post.author, reason=reason or warn_message)
    flag.refresh_from_db()
    return flag


@transaction.atomic
def user_warn(*, moderator, board: Board, user, message: str, post: Post | None = None) -> Notification:
    """Sends the author a moderator's warning (in the site and by e-mail per their choice)."""
    _require_moderator(moderator, board)
    message = (message or "").strip()
    if not message:
        raise ForumError(_("Write the warning you want to send."))
    notification = Notification.objects.create(
        recipient=user,
        kind=NotificationKind.WARNING,
        actor=moderator,
        thread=post.thread if post else None,
        post=post,
        message=message[:2000],
    )
    _log(moderator, ModerationAction.WARN, board=board, post=post, target_user=user, reason=message)
    _queue_email(notification)
    return notification


@transaction.atomic
def user_ban(*, moderator, board: Board, user, reason: str = "") -> None:
    """Bans the user: from the community (through its membership) or, on a site forum, from the forum."""
    _require_moderator(moderator, board)
    if user.pk == moderator.pk:
        raise ForumError(_("You cannot ban yourself."))
    if board.is_site_forum:
        PostingBan.objects.get_or_create(
            board=board, user=user, defaults={"reason": reason[:2000], "created_by": moderator}
        )
    else:
        _ban_from_community(moderator=moderator, community=board.community, user=user, reason=reason)
    _log(moderator, ModerationAction.BAN, board=board, target_user=user, reason=reason)


def _ban_from_community(*, moderator, community, user, reason: str) -> None:
    """Community bans belong to cop (facilitators decide them); its refusal is passed on as ours."""
    from cop import services as cop_services

    membership = permissions.membership_of(user, community)
    if membership is None:
        raise ForumError(_("This person is not a member of the community."))
    try:
        cop_services.membership_ban(actor=moderator, membership_id=membership.pk, reason=reason)
    except cop_services.CommunityError as exc:
        error = NotAllowed(exc.message) if exc.status == 403 else ForumError(exc.message)
        error.status = exc.status
        raise error from exc
    cop_permissions_forget(user)


# FOLLOWING, READING, NOTIFICATIONS ----


@transaction.atomic
def watch_set(
    *, user, active: bool, thread: Thread | None = None, board: Board | None = None, tag=None
) -> Watch:
    """Starts or stops following a thread, a board or a tag (stopping is remembered as an opt-out)."""
    if not user.is_authenticated:
        raise NotAllowed()
    target = {"thread": thread, "board": board, "tag": tag}
    chosen = {k: v for k, v in target.items() if v is not None}
    if len(chosen) != 1:
        raise ForumError(_("Choose one thing to follow."))
    watch, created = Watch.objects.get_or_create(user=user, **chosen, defaults={"active": active})
    if not created and watch.active != active:
        watch.active = active
        watch.save(update_fields=["active"])
    return watch


def read_mark(*, user, thread: Thread, number: int) -> None:
    """Moves the user's "last read" mark in the thread forward (never back)."""
    if not user.is_authenticated or number <= 0:
        return
    updated = ReadState.objects.filter(user=user, thread=thread, last_read_number__lt=number).update(
        last_read_number=number, updated_at=timezone.now()
    )
    if not updated:
        try:
            with transaction.atomic():
                ReadState.objects.get_or_create(
                    user=user, thread=thread, defaults={"last_read_number": number}
                )
        except IntegrityError:
            pass


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_settings_update(*, user, email_frequency: str, auto_watch: bool) -> NotificationSettings:
    if email_frequency not in EmailFrequency.values:
        raise ForumError(_("Choose how often to receive e-mails."))
    row = notification_settings_of(user)
    row.email_frequency, row.auto_watch = email_frequency, auto_watch
    row.save(update_fields=["email_frequency", "auto_watch"])
    return row


@transaction.atomic
def email_unsubscribe(*, user) -> NotificationSettings:
    """One-click unsubscribe: no more forum e-mails (notifications stay in the site)."""
    row = notification_settings_of(user)
    if row.email_frequency != EmailFrequency.NEVER:
        row.email_frequency = EmailFrequency.NEVER
        row.save(update_fields=["email_frequency"])
    return row


def _resolve_mentions(post: Post) -> set[int]:
    bracketed, words = mentioned_names(post.body)
    names = list(bracketed | words)[:MAX_MENTIONS]
    if not names:
        return set()
    query = Q()
    for name in names:
        query |= Q(display_name__iexact=name)
    users = get_user_model().objects.filter(query, is_active=True).values_list("pk", "display_name")
    by_name: dict[str, list[int]] = {}
    for pk, display_name in users:
        by_name.setdefault(display_name.lower(), []).append(pk)
    found = set()
    for name in names:
        matches = by_name.get(name.lower(), [])
        if len(matches) == 1:  # an ambiguous name mentions nobody rather than the wrong person
            found.add(matches[0])
    return found


def _watchers_of(post: Post) -> dict[int, str]:
    """Who follows what this post adds to: the thread for a reply; the board or a tag for a new thread."""
    thread = post.thread
    if not post.is_first:
        user_ids = Watch.objects.filter(thread=thread, active=True).values_list("user_id", flat=True)
        return dict.fromkeys(user_ids, NotificationKind.REPLY)
    follows = Q(board=thread.board)
    tag_ids = list(thread.tags.values_list("pk", flat=True))
    if tag_ids:
        follows |= Q(tag_id__in=tag_ids)
    user_ids = Watch.objects.filter(follows, active=True).values_list("user_id", flat=True)
    return dict.fromkeys(user_ids, NotificationKind.NEW_THREAD)


def _stronger(kind_a: str | None, kind_b: str) -> str:
    if kind_a is None:
        return kind_b
    return min(kind_a, kind_b, key=NOTIFICATION_PRIORITY.index)


@transaction.atomic
def notify_post_published(*, post_id: int, mentions_only: bool = False) -> list[Notification]:
    """Creates the in-site notifications a published post causes, once per person, and queues the
    e-mails of those who want them immediately. Safe to run twice."""
    post = (
        Post.objects.select_related("thread", "thread__board", "thread__board__community", "quoted_post")
        .filter(pk=post_id)
        .first()
    )
    if post is None or not post.is_visible_to_all or post.thread.is_hidden:
        return []
    thread = post.thread
    wanted: dict[int, str] = {} if mentions_only else _watchers_of(post)
    for user_id in _resolve_mentions(post):
        wanted[user_id] = _stronger(wanted.get(user_id), NotificationKind.MENTION)
    if post.quoted_post is not None and not mentions_only:
        quoted_author = post.quoted_post.author_id
        wanted[quoted_author] = _stronger(wanted.get(quoted_author), NotificationKind.QUOTE)
    wanted.pop(post.author_id, None)
    if not wanted:
        return []
    opted_out = set(
        Watch.objects.filter(thread=thread, active=False, user_id__in=wanted).values_list(
            "user_id", flat=True
        )
    )
    already = set(
        Notification.objects.filter(post=post, recipient_id__in=wanted).values_list("recipient_id", flat=True)
    )
    recipients = get_user_model().objects.filter(pk__in=wanted, is_active=True)
    created = []
    for recipient in recipients:
        kind = wanted[recipient.pk]
        if recipient.pk in already:
            continue
        if recipient.pk in opted_out and kind in (NotificationKind.REPLY, NotificationKind.NEW_THREAD):
            continue
        if not permissions.can_view_thread(recipient, thread):
            continue
        notification = Notification.objects.create(
            recipient=recipient, kind=kind, actor=post.author, thread=thread, post=post
        )
        _queue_email(notification)
        created.append(notification)
    return created


def _queue_email(notification: Notification) -> None:
    from .tasks import send_notification_email

    frequency = (
        NotificationSettings.objects.filter(user_id=notification.recipient_id)
        .values_list("email_frequency", flat=True)
        .first()
        or EmailFrequency.IMMEDIATELY
    )
    if frequency == EmailFrequency.IMMEDIATELY:
        enqueue_after_commit(send_notification_email, notification.pk)


def notification_email_send(*, notification_id: int) -> bool:
    """Sends one notification by e-mail, if still wanted and not yet sent. Raises on a mail failure
    (the task retries); marks the notification as e-mailed only once the mail is out."""
    from .emails import notification_mail_send

    notification = (
        Notification.objects.select_related("recipient", "actor", "thread", "thread__board", "post")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    if notification_settings_of(notification.recipient).email_frequency != EmailFrequency.IMMEDIATELY:
        return False
    if notification.thread is not None and not permissions.can_view_thread(
        notification.recipient, notification.thread
    ):
        return False
    return notification_mail_send(notification)


def digest_send(*, user_id: int) -> int:
    """Sends the user's daily digest of the notifications not yet e-mailed; returns how many it listed."""
    from .emails import digest_mail_send

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    row = notification_settings_of(user)
    if row.email_frequency != EmailFrequency.DAILY:
        return 0
    pending = list(
        Notification.objects.filter(recipient=user, emailed_at__isnull=True, read_at__isnull=True)
        .select_related("actor", "thread", "thread__board", "thread__board__community", "post")
        .order_by("created_at")[:100]
    )
    pending = [n for n in pending if n.thread is None or permissions.can_view_thread(user, n.thread)]
    now = timezone.now()
    if pending:
        digest_mail_send(user, pending)
    NotificationSettings.objects.filter(pk=row.pk).update(last_digest_at=now)
    return len(pending)


def tag_for_slug(slug: str):
    return Tag.objects.filter(slug=slug).first()
