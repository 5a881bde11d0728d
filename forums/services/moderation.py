"""Moderation: approving and hiding posts, pinning, locking, closing, hiding and moving threads, flags,
warnings and bans; each decision goes to the moderation log."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cop import services as cop_services
from cop.permissions import forget_memberships as cop_permissions_forget

from .. import permissions
from ..exceptions import AlreadyFlagged, ForumError, InvalidMove, NotAllowed, NothingToDo
from ..models import (
    Board,
    Flag,
    FlagReason,
    FlagStatus,
    ModerationAction,
    Notification,
    NotificationKind,
    Post,
    PostingBan,
    PostStatus,
    Thread,
)
from .journal import event_record, moderation_log
from .notifications import notification_email_queue
from .posting import after_publish, thread_refresh


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
    moderation_log(moderator, action, post=post, target_user=post.author, reason=reason)
    thread_refresh(post.thread)
    event_record(post.thread, "post_hidden" if hidden else "post_unhidden", post=post, actor=moderator)
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
    moderation_log(moderator, ModerationAction.APPROVE_POST, post=post, target_user=post.author)
    thread_refresh(thread)
    event_record(thread, "thread_created" if post.is_first else "post_created", post=post, actor=post.author)
    Notification.objects.create(
        recipient=post.author, kind=NotificationKind.APPROVED, actor=moderator, thread=thread, post=post
    )
    after_publish(post)
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
    moderation_log(moderator, ModerationAction.REJECT_POST, post=post, target_user=post.author, reason=reason)
    event_record(post.thread, "post_rejected", post=post, actor=moderator)
    return post


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
    moderation_log(moderator, action, thread=thread, target_user=thread.author, reason=reason)
    event_record(thread, "thread_updated", actor=moderator)
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
    moderation_log(
        moderator, ModerationAction.MOVE, board=source, thread=thread, reason=reason, to_board=board.pk
    )
    moderation_log(
        moderator, ModerationAction.MOVE, board=board, thread=thread, reason=reason, from_board=source.pk
    )
    event_record(thread, "thread_moved", actor=moderator)
    return thread


@transaction.atomic
def flag_create(*, post: Post, reporter, reason: str, details: str = "") -> Flag:
    """Any signed-in reader flags a post for the moderators, once per post while the flag is open."""
    post = Post.objects.select_related("thread", "thread__board", "thread__board__community").get(pk=post.pk)
    if not permissions.can_view_thread(reporter, post.thread) or not permissions.can_flag(reporter, post):
        raise NotAllowed(_("You cannot flag this post."))
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
        moderation_log(
            moderator, ModerationAction.DELETE_POST, post=post, target_user=post.author, reason=reason
        )
        thread_refresh(post.thread)
        event_record(post.thread, "post_deleted", post=post, actor=moderator)
    elif decision == "keep":
        moderation_log(
            moderator, ModerationAction.KEEP_FLAG, post=post, target_user=post.author, reason=reason
        )
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
    moderation_log(moderator, ModerationAction.WARN, board=board, post=post, target_user=user, reason=message)
    notification_email_queue(notification)
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
    moderation_log(moderator, ModerationAction.BAN, board=board, target_user=user, reason=reason)


def _ban_from_community(*, moderator, community, user, reason: str) -> None:
    """Community bans belong to cop (facilitators decide them); its refusal is passed on as ours."""
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
