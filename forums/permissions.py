"""Who may see and do what in the forums. Community questions are asked of cop.permissions; this module
adds only the forum's own rules (site forums, locked and closed threads, authorship)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from cop import permissions as cop_permissions
from cop.permissions import membership_of  # noqa: F401 - re-exported for callers that prime it
from cop.prepared import PreparedValues

from .exceptions import NotAllowed, NotMember, NotYourPost, ThreadClosed, ThreadLocked
from .models import Board, Post, PostingBan, PostStatus, Thread

# Asked on every signed-in view of a site forum's thread: compiled once (cop.prepared; compiling it through
# the ORM cost about 0.7 ms a request, bench/RESULTS.md "Thread page, session 4 continued").
_site_bans = PreparedValues(
    lambda user_id: PostingBan.objects.filter(user_id=user_id).order_by().values_list("board_id")
)


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_site_staff(user) -> bool:
    return _signed_in(user) and (user.is_superuser or user.is_staff)


def can_see_board_listing(user, board: Board) -> bool:
    """May the user know the board exists (members-only boards are listed, hidden ones are not)?"""
    if board.is_site_forum:
        return True
    return cop_permissions.can_see_listing(user, board.community)


@dataclass(frozen=True)
class CommunityRef:
    """What cop.permissions reads of a community to decide who reads or moderates it (its id and
    visibility), and whether it is live: lists of boards decide with it, without loading Wagtail pages."""

    pk: int
    visibility: str
    live: bool


def can_read_listed_board(user, community: CommunityRef | None) -> bool:
    """The board list's decision (as cop.permissions.readable_communities): site forums (no community)
    for everyone, a live community's board for those who may view the community."""
    if community is None:
        return True
    return community.live and cop_permissions.can_view(user, community)


def can_moderate_listed_board(user, community: CommunityRef | None) -> bool:
    """Whether the board list names the board among those the user moderates (site staff: every board)."""
    if community is None:
        return is_site_staff(user)
    return is_site_staff(user) or cop_permissions.can_moderate(user, community)


def can_view_board(user, board: Board) -> bool:
    if board.is_site_forum:
        return True
    return cop_permissions.can_view(user, board.community)


def is_banned_from_board(user, board: Board) -> bool:
    if not _signed_in(user):
        return False
    if board.is_site_forum:
        banned = getattr(user, "_forums_site_bans", None)
        if banned is None:
            banned = {board_id for (board_id,) in _site_bans.all(user.pk)}
            user._forums_site_bans = banned
        return board.pk in banned
    return cop_permissions.is_banned(user, board.community)


def can_post_in_board(user, board: Board) -> bool:
    """May the user start threads, reply and react on this board (ignoring thread state)?"""
    if not _signed_in(user):
        return False
    if board.is_site_forum:
        return not is_banned_from_board(user, board)
    return cop_permissions.can_post(user, board.community)


def can_moderate_board(user, board: Board) -> bool:
    if board.is_site_forum:
        return is_site_staff(user)
    return is_site_staff(user) or cop_permissions.can_moderate(user, board.community)


def can_view_thread(user, thread: Thread) -> bool:
    if not can_view_board(user, thread.board):
        return False
    if thread.is_hidden and not can_moderate_board(user, thread.board):
        return False
    if thread.status == PostStatus.PENDING:
        return (_signed_in(user) and thread.author_id == user.pk) or can_moderate_board(user, thread.board)
    return True


def can_view_post_body(user, post: Post) -> bool:
    """May the user read this post's text (hidden, removed and pending posts show a placeholder)?"""
    moderator = can_moderate_board(user, post.thread.board)
    if post.is_deleted:
        return moderator
    if post.is_hidden:
        return moderator
    if post.status == PostStatus.PENDING:
        return moderator or (_signed_in(user) and post.author_id == user.pk)
    return True


def can_edit_post(user, post: Post) -> bool:
    if not _signed_in(user) or post.is_deleted:
        return False
    if can_moderate_board(user, post.thread.board):
        return True
    return (
        post.author_id == user.pk and not post.thread.is_locked and can_post_in_board(user, post.thread.board)
    )


def can_delete_post(user, post: Post) -> bool:
    return can_edit_post(user, post)


def can_see_history(user, post: Post) -> bool:
    return can_moderate_board(user, post.thread.board)


def can_accept_answer(user, thread: Thread) -> bool:
    if not thread.is_question or not _signed_in(user):
        return False
    return thread.author_id == user.pk or can_moderate_board(user, thread.board)


def can_flag(user, post: Post) -> bool:
    return _signed_in(user) and post.author_id != user.pk and can_view_board(user, post.thread.board)


# The same questions, asked where a refusal must say why (services and views raise these).


def require_can_post(user, board: Board) -> None:
    if not can_post_in_board(user, board):
        if is_banned_from_board(user, board):
            raise NotAllowed(_("You have been banned from posting here."))
        raise NotMember()


def require_can_reply(user, thread: Thread) -> None:
    require_can_post(user, thread.board)
    if not can_view_thread(user, thread):
        raise NotAllowed()
    if can_moderate_board(user, thread.board):
        return
    if thread.is_locked:
        raise ThreadLocked()
    if thread.is_closed:
        raise ThreadClosed()


def require_can_edit(user, post: Post) -> None:
    if can_edit_post(user, post):
        return
    if _signed_in(user) and post.author_id == user.pk and post.thread.is_locked:
        raise ThreadLocked(_("This thread is locked by a moderator: posts can no longer be edited."))
    raise NotYourPost()
