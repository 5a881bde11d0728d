"""Threads, their posts (the first post is the thread's body), edit history, reactions and attachments."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from cop.eventlog import EventLog


class ThreadKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    QUESTION = "question", _("Question")


class PostStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Waiting for approval")


class Thread(models.Model):
    board = models.ForeignKey("forums.Board", on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=12, choices=ThreadKind.choices, default=ThreadKind.DISCUSSION
    )
    category = models.ForeignKey(
        "forums.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="threads",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tags = TaggableManager(verbose_name=_("tags"), blank=True)
    gbf_targets = models.ManyToManyField("cop.GBFTarget", verbose_name=_("GBF targets"), blank=True)
    status = models.CharField(max_length=10, choices=PostStatus.choices, default=PostStatus.PUBLISHED)
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(db_index=True)
    last_post = models.ForeignKey(
        "forums.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Posts are numbered 1, 2, 3... in the thread; numbers are never reused (posts are only soft-deleted).
    post_count = models.PositiveIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    # Every change visible on the thread page gets the next number of this sequence (see ThreadEvent).
    event_seq = models.PositiveBigIntegerField(default=0)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_locked = models.BooleanField(_("locked"), default=False)
    is_closed = models.BooleanField(_("closed"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    accepted_answer = models.ForeignKey(
        "forums.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["board", "is_pinned", "last_activity_at"]),
            models.Index(fields=["board", "created_at"]),
            models.Index(fields=["board", "reply_count"]),
        ]
        verbose_name = _("thread")
        verbose_name_plural = _("threads")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:thread", kwargs={"pk": self.pk})

    @property
    def is_question(self) -> bool:
        return self.kind == ThreadKind.QUESTION

    @property
    def is_pending(self) -> bool:
        return self.status == PostStatus.PENDING


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    # The body rendered from Markdown and sanitised once, on save; pages never render Markdown.
    html = models.TextField(editable=False)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=PostStatus.choices, default=PostStatus.PUBLISHED)
    quoted_post = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reaction_counts = models.JSONField(default=dict, blank=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    is_deleted = models.BooleanField(_("removed"), default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["thread", "number"]
        constraints = [models.UniqueConstraint(fields=["thread", "number"], name="forums_post_number_unique")]
        indexes = [models.Index(fields=["author", "created_at"]), models.Index(fields=["status"])]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return f"#{self.number} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        return reverse("forums:post", kwargs={"pk": self.pk})

    @property
    def is_first(self) -> bool:
        return self.number == 1

    @property
    def is_pending(self) -> bool:
        return self.status == PostStatus.PENDING

    @property
    def is_visible_to_all(self) -> bool:
        return self.status == PostStatus.PUBLISHED and not self.is_hidden and not self.is_deleted


class PostRevision(models.Model):
    """The body of a post as it was before an edit (moderators read the history)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    body = models.TextField()
    html = models.TextField()
    title = models.CharField(max_length=200, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["post", "version"], name="forums_revision_unique")]

    def __str__(self) -> str:
        return f"{self.post_id} v{self.version}"


class ReactionKind(models.TextChoices):
    LIKE = "like", _("Like")
    THANKS = "thanks", _("Thanks")
    INSIGHTFUL = "insightful", _("Insightful")
    AGREE = "agree", _("Agree")


REACTION_SYMBOLS = {"like": "👍", "thanks": "🙏", "insightful": "💡", "agree": "✅"}


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ReactionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="forums_one_reaction_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.post_id}"


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("Image")
    DOCUMENT = "document", _("Document")


def attachment_path(instance, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"forums/attachments/{uuid.uuid4().hex}.{extension}"


class Attachment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    alt_text = models.CharField(_("text alternative"), max_length=300, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("forums:attachment", kwargs={"pk": self.pk, "name": self.original_name})

    @property
    def is_image(self) -> bool:
        return self.kind == AttachmentKind.IMAGE


class ThreadEvent(models.Model):
    """What changed on a thread, numbered per thread (1, 2, 3...) so that a live client can ask for what
    it missed since the last number it saw."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=32)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)  # pruned by age (forums.live)

    class Meta:
        ordering = ["thread", "seq"]
        constraints = [models.UniqueConstraint(fields=["thread", "seq"], name="forums_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.thread_id}#{self.seq} {self.kind}"


# The threads' event log (cop.eventlog): Thread.event_seq numbers each thread's ThreadEvents.
THREAD_LOG = EventLog(counter=Thread, counter_field="event_seq", events=ThreadEvent, stream_field="thread")
