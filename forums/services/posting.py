"""Threads and posts: starting a thread, replying, editing and removing one's posts, with the posting
rules (approval of a member's first posts where the community asks for it; limits in .limits)."""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.commit import enqueue_after_commit
from cop.models import JoinPolicy, Role
from cop.services import community_touch

from .. import permissions
from ..attachments import CheckedFile
from ..exceptions import ForumError, NothingToDo, NotYourPost, StaleEdit
from ..models import Attachment, Board, ModerationAction, Post, PostRevision, PostStatus, Thread, ThreadKind
from ..rendering import render_markdown
from .following import auto_watch, read_mark
from .journal import event_record, moderation_log
from .limits import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, check_rate_limit, check_uploads, clean_text


def _needs_approval(user, board: Board) -> bool:
    """In approval-required communities, a plain member's first posts wait for a moderator."""
    community = board.community
    if community is None or community.join_policy != JoinPolicy.APPROVAL:
        return False
    membership = permissions.membership_of(user, community)
    if membership is None or membership.role != Role.MEMBER or user.is_superuser:
        return False
    first_posts = getattr(settings, "FORUMS_APPROVAL_FIRST_POSTS", 2)
    published = Post.objects.filter(
        thread__board=board, author=user, status=PostStatus.PUBLISHED, is_deleted=False
    ).count()
    return published < first_posts


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


def thread_refresh(thread: Thread) -> None:
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


def after_publish(post: Post, *, mentions_only: bool = False) -> None:
    post_id = post.pk
    enqueue_after_commit("forums.tasks.notify_post_published", post_id, mentions_only)
    community_id = post.thread.board.community_id
    if community_id:
        community_touch(community_id=community_id)


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
    title = clean_text(title, field="title", max_length=TITLE_MAX_LENGTH)
    body = clean_text(body, field="body", max_length=BODY_MAX_LENGTH)
    if kind not in ThreadKind.values:
        raise ForumError(_("Choose whether this is a discussion or a question."))
    if category is not None and category.board_id != board.pk:
        raise ForumError(_("This category belongs to another board."))
    checked = check_uploads(attachments)
    check_rate_limit(author)
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
    thread_refresh(thread)
    auto_watch(author, thread)
    read_mark(user=author, thread=thread, number=post.number)
    if status == PostStatus.PUBLISHED:
        event_record(thread, "thread_created", post=post, actor=author)
        after_publish(post)
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
    body = clean_text(body, field="body", max_length=BODY_MAX_LENGTH)
    if quoted_post is not None and (
        quoted_post.thread_id != thread.pk or not permissions.can_view_post_body(author, quoted_post)
    ):
        quoted_post = None
    checked = check_uploads(attachments)
    check_rate_limit(author)
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
    auto_watch(author, thread)
    if status == PostStatus.PUBLISHED:
        thread_refresh(thread)
        event_record(thread, "post_created", post=post, actor=author)
        after_publish(post)
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
    body = clean_text(body, field="body", max_length=BODY_MAX_LENGTH)
    if title is not None and post.is_first:
        title = clean_text(title, field="title", max_length=TITLE_MAX_LENGTH)
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
        moderation_log(editor, ModerationAction.EDIT_POST, post=post, target_user=post.author)
    # Recorded for a post waiting for approval too: its author and the moderators see it, and their
    # cached pages follow the thread's event sequence (live viewers who may not see it get nothing).
    event_record(thread, "post_edited", post=post, actor=editor)
    if post.status == PostStatus.PUBLISHED:
        after_publish(post, mentions_only=True)  # only people newly mentioned hear of an edit
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
        moderation_log(actor, ModerationAction.DELETE_POST, post=post, target_user=post.author, reason=reason)
    thread_refresh(thread)
    event_record(thread, "post_deleted", post=post, actor=actor)
    return post
