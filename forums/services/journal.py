"""What a forum change leaves behind besides itself: the thread's event (cop.eventlog, followed after
commit by forums.signals.thread_event for live viewers) and the moderation log entry."""

from cop.commit import after_commit
from cop.eventlog import event_append

from ..models import ModerationLog, Post, Thread
from ..models.threads import THREAD_LOG
from ..signals import thread_event


def event_record(thread: Thread, kind: str, *, post: Post | None = None, actor=None) -> int:
    """Appends the change to the thread's event log (cop.eventlog); forums.signals.thread_event follows
    the commit."""
    seq = event_append(THREAD_LOG, stream=thread.pk, kind=kind, data={"post": post, "actor": actor})
    thread.event_seq = seq
    post_id = post.pk if post else None
    after_commit(thread_event.send, sender=Thread, thread_id=thread.pk, seq=seq, kind=kind, post_id=post_id)
    return seq


def moderation_log(
    actor, action: str, *, board=None, thread=None, post=None, target_user=None, reason="", **details
):
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
