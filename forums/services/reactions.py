"""Reactions to posts, and the accepted answer of a question."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .. import permissions
from ..exceptions import AlreadyReacted, ForumError, NotAllowed, NothingToDo, ThreadLocked
from ..models import ModerationAction, Notification, NotificationKind, Post, Reaction, ReactionKind, Thread
from .journal import event_record, moderation_log


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
    event_record(post.thread, "reaction_changed", post=post, actor=user)
    return reaction


@transaction.atomic
def reaction_remove(*, post: Post, user, kind: str) -> None:
    post = Post.objects.select_related("thread", "thread__board", "thread__board__community").get(pk=post.pk)
    deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if not deleted:
        raise NothingToDo(_("You had not reacted this way to this post."))
    _recount_reactions(post)
    event_record(post.thread, "reaction_changed", post=post, actor=user)


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
        moderation_log(actor, ModerationAction.ACCEPT_ANSWER, post=post, target_user=post.author)
    if post.author_id != actor.pk:
        Notification.objects.get_or_create(
            recipient=post.author,
            post=post,
            kind=NotificationKind.ACCEPTED,
            defaults={"actor": actor, "thread": thread},
        )
    event_record(thread, "answer_accepted", post=post, actor=actor)
    return thread


@transaction.atomic
def answer_unaccept(*, thread: Thread, actor) -> Thread:
    if not permissions.can_accept_answer(actor, thread):
        raise NotAllowed(_("Only the person who asked or a moderator can change the accepted answer."))
    if thread.accepted_answer_id is None:
        raise NothingToDo(_("This question has no accepted answer."))
    Thread.objects.filter(pk=thread.pk).update(accepted_answer=None)
    thread.accepted_answer = None
    event_record(thread, "answer_accepted", actor=actor)
    return thread
