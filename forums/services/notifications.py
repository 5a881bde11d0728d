"""Notifications: who hears of a published post (followers, mentions, quotes), the settings of each
person, and the e-mails (one notification at once, or a daily digest) sent through forums.emails."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.commit import enqueue_after_commit
from cop.fragments import scope_changed

from .. import permissions
from ..emails import digest_mail_send, notification_mail_send
from ..exceptions import ForumError
from ..models import EmailFrequency, Notification, NotificationKind, NotificationSettings, Post, Watch
from ..models.following import NOTIFICATION_PRIORITY
from ..rendering import mentioned_names
from ..signals import notifications_scope

MAX_MENTIONS = 20


def notification_settings_of(user) -> NotificationSettings:
    settings_row, _created = NotificationSettings.objects.get_or_create(user=user)
    return settings_row


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    marked = unread.update(read_at=timezone.now())
    if marked:  # an update sends no signal: the bell's count kept for this person (forums.notifications)
        scope_changed(notifications_scope(user.pk))
    return marked


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
        notification_email_queue(notification)
        created.append(notification)
    return created


def notification_email_queue(notification: Notification) -> None:
    frequency = (
        NotificationSettings.objects.filter(user_id=notification.recipient_id)
        .values_list("email_frequency", flat=True)
        .first()
        or EmailFrequency.IMMEDIATELY
    )
    if frequency == EmailFrequency.IMMEDIATELY:
        enqueue_after_commit("forums.tasks.send_notification_email", notification.pk)


def notification_email_send(*, notification_id: int) -> bool:
    """Sends one notification by e-mail, if still wanted and not yet sent. Raises on a mail failure
    (the task retries); marks the notification as e-mailed only once the mail is out."""
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
