"""Forum threads as a kind of stream.

forums/ keeps the event log (ThreadEvent, numbered per thread by cop.eventlog in the same transaction
as the change) and sends forums.signals.thread_event after commit; we relay that to the thread's group.
Each event is rendered once per kind of viewer (forums.postlist.Viewer: moderator, may post...) and
language by the thread page's own post renderer (forums.postlist.live_post_html, the same cached
fragments), so a live page and a reloaded one show the same markup; what differs per person (own posts'
controls, flags, the "new" mark, own reactions) is set by the page's script from data attributes, and the
post's buttons submit the page's own form, which holds the viewer's CSRF token.
"""

from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext

from cop import eventlog
from forums import permissions as forum_permissions
from forums import postlist, thread_page
from forums.models import Post, PostStatus, Thread, ThreadEvent
from forums.models.threads import THREAD_LOG
from forums.signals import thread_event

from .exceptions import StreamNotFound
from .publish import group_send
from .streams import (
    Rendering,
    StreamKind,
    StreamTarget,
    delete_in_batches,
    register_stream_kind,
    stream_group,
)

NEW_POST_KINDS = ("post_created", "thread_created")


class ThreadStream(StreamKind):
    name = "thread"
    access_changing_kinds = frozenset({"thread_updated", "thread_moved"})

    def resolve(self, object_id: int, viewer=None) -> StreamTarget:
        thread = Thread.objects.select_related("board", "board__community").filter(pk=object_id).first()
        if thread is None:
            raise StreamNotFound()
        board = thread.board
        return StreamTarget(
            key=f"thread:{thread.pk}",
            community_id=board.community_id,
            can_view=lambda user: forum_permissions.can_view_thread(user, thread),
            can_post=lambda user: forum_permissions.can_post_in_board(user, board),
            can_moderate=lambda user: forum_permissions.can_moderate_board(user, board),
            audience=lambda user: postlist.viewer_for(user, thread).key,
        )

    def last_seq(self, object_id: int) -> int:
        return eventlog.last_seq(THREAD_LOG, object_id)

    def events_after(self, object_id: int, after: int, limit: int) -> list[dict]:
        return eventlog.events_after(THREAD_LOG, object_id, after, limit=limit, fields=("post_id",))

    def prune(self, before) -> int:
        return delete_in_batches(ThreadEvent.objects.filter(created_at__lt=before))

    def render(self, object_id: int, event: dict, *, user, language: str) -> Rendering:
        with translation.override(language):
            return self._render(object_id, event, user)

    def _render(self, object_id: int, event: dict, user) -> Rendering:
        kind = event["kind"]
        thread = thread_page.thread_for_page(object_id)
        if thread is None or event.get("post_id") is None:
            if kind in self.access_changing_kinds:
                return Rendering({"announce": gettext("A moderator updated this thread.")})
            return Rendering()
        post = (
            Post.objects.select_related("author", "quoted_post", "quoted_post__author")
            .filter(pk=event["post_id"], thread_id=object_id)
            .first()
        )
        if post is None:
            return Rendering()
        only_user_id = None
        if post.status == PostStatus.PENDING and not forum_permissions.can_moderate_board(user, thread.board):
            # Waiting for approval: only its author and the moderators see it. The author's kind of
            # viewer gets it rendered as its author sees it, and only the author receives it.
            user, only_user_id = post.author, post.author_id
        is_new = kind in NEW_POST_KINDS
        data = {
            "ops": [
                {
                    "op": "append" if is_new else "replace",
                    "target": "posts",
                    "id": f"post-{post.number}",
                    "html": postlist.live_post_html(post, thread, user, is_new=is_new),
                    "new": is_new,
                }
            ],
            "message": {"id": post.pk, "author_id": post.author_id},
        }
        if is_new:
            data["announce"] = gettext("New reply from %(name)s.") % {"name": post.author.public_name}
        return Rendering(data, only_user_id)


register_stream_kind(ThreadStream())


@receiver(thread_event, dispatch_uid="forums_live_thread_event")
def relay_thread_event(sender, thread_id: int, seq: int, kind: str, post_id: int | None, **kwargs):
    """forums sends this after commit: one message to the thread's group, rendered when delivered, once
    per kind of viewer and language (hub.Hub.render)."""
    key = f"thread:{thread_id}"
    group_send(
        stream_group(key), {"type": "live.event", "stream": key, "seq": seq, "kind": kind, "post_id": post_id}
    )
