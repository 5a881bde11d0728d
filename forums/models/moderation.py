"""Flags raised by members and the audit log of every moderation action."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abusive, harassing or hateful")
    OFF_TOPIC = "off_topic", _("Off topic")
    MISINFORMATION = "misinformation", _("Misleading or false")
    PRIVACY = "privacy", _("Shares someone's private information")
    OTHER = "other", _("Something else")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a moderator")
    KEPT = "kept", _("Kept: no action needed")
    HIDDEN = "hidden", _("Post hidden")
    DELETED = "deleted", _("Post removed")


class Flag(models.Model):
    post = models.ForeignKey("forums.Post", on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=FlagReason.choices)
    details = models.TextField(_("details"), blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"], condition=Q(status="open"), name="forums_one_open_flag_per_user"
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.reason} on {self.post_id}"


class ModerationAction(models.TextChoices):
    PIN = "pin", _("Pinned the thread")
    UNPIN = "unpin", _("Unpinned the thread")
    LOCK = "lock", _("Locked the thread")
    UNLOCK = "unlock", _("Unlocked the thread")
    CLOSE = "close", _("Closed the thread")
    REOPEN = "reopen", _("Reopened the thread")
    MOVE = "move", _("Moved the thread")
    HIDE_THREAD = "hide_thread", _("Hid the thread")
    UNHIDE_THREAD = "unhide_thread", _("Made the thread visible again")
    HIDE_POST = "hide_post", _("Hid a post")
    UNHIDE_POST = "unhide_post", _("Made a post visible again")
    DELETE_POST = "delete_post", _("Removed a post")
    APPROVE_POST = "approve_post", _("Approved a post")
    REJECT_POST = "reject_post", _("Rejected a post")
    KEEP_FLAG = "keep_flag", _("Kept a flagged post")
    WARN = "warn", _("Warned the author")
    BAN = "ban", _("Banned the author")
    ACCEPT_ANSWER = "accept_answer", _("Marked an accepted answer")
    EDIT_POST = "edit_post", _("Edited someone else's post")


class ModerationLog(models.Model):
    """One row per moderation action: who did what, to which thread, post or person, and why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=ModerationAction.choices)
    board = models.ForeignKey("forums.Board", null=True, on_delete=models.SET_NULL, related_name="+")
    thread = models.ForeignKey(
        "forums.Thread", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        "forums.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True, max_length=2000)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id}"
