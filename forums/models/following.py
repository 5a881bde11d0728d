"""Watching threads, boards and tags; notifications in the site and by e-mail; unread tracking."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Watch(models.Model):
    """A user follows a thread, a board (new threads) or a tag (new threads with it). `active=False`
    records an opt-out, so that replying again does not silently re-subscribe."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_watches")
    thread = models.ForeignKey(
        "forums.Thread", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    board = models.ForeignKey(
        "forums.Board", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    tag = models.ForeignKey("taggit.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(thread__isnull=False, board__isnull=True, tag__isnull=True)
                    | Q(thread__isnull=True, board__isnull=False, tag__isnull=True)
                    | Q(thread__isnull=True, board__isnull=True, tag__isnull=False)
                ),
                name="forums_watch_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"], condition=Q(thread__isnull=False), name="forums_watch_thread_once"
            ),
            models.UniqueConstraint(
                fields=["user", "board"], condition=Q(board__isnull=False), name="forums_watch_board_once"
            ),
            models.UniqueConstraint(
                fields=["user", "tag"], condition=Q(tag__isnull=False), name="forums_watch_tag_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.thread_id or self.board_id or self.tag_id}"


class NotificationKind(models.TextChoices):
    REPLY = "reply", _("New reply in a thread you follow")
    NEW_THREAD = "new_thread", _("New thread where you follow")
    MENTION = "mention", _("You were mentioned")
    QUOTE = "quote", _("Your post was quoted")
    ACCEPTED = "accepted", _("Your answer was accepted")
    WARNING = "warning", _("A moderator wrote to you")
    APPROVED = "approved", _("Your post was approved")


# When one post concerns a user for several reasons, the strongest reason is the one notified.
NOTIFICATION_PRIORITY = ["warning", "mention", "quote", "accepted", "approved", "reply", "new_thread"]


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_notifications"
    )
    kind = models.CharField(max_length=12, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    thread = models.ForeignKey(
        "forums.Thread", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey("forums.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the notification went out by e-mail (immediately or in a digest): never sent twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "post", "kind"],
                condition=Q(post__isnull=False) & ~Q(kind="warning"),
                name="forums_notify_once_per_post",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "emailed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class EmailFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately, one e-mail per notification")
    DAILY = "daily", _("Once a day, a digest")
    NEVER = "never", _("Never (only in the site)")


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_notification_settings"
    )
    email_frequency = models.CharField(
        _("e-mail me"), max_length=12, choices=EmailFrequency.choices, default=EmailFrequency.IMMEDIATELY
    )
    auto_watch = models.BooleanField(
        _("follow the threads I start or reply to"),
        default=True,
        help_text=_("You can still stop following any single thread from its page."),
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_frequency}"


class ReadState(models.Model):
    """How far the user has read in a thread: the number of the last post seen."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey("forums.Thread", on_delete=models.CASCADE, related_name="read_states")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="forums_read_state_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to #{self.last_read_number}"
