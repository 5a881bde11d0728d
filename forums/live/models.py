"""Streams with their ordered event log, discussion rooms, their messages and mutes, presence."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cop.eventlog import EventLog


class Stream(models.Model):
    """One live stream ("room:12", "thread:40"): the counter that numbers its events 1, 2, 3..."""

    key = models.CharField(max_length=64, unique=True)
    community = models.ForeignKey("cop.CommunityPage", on_delete=models.CASCADE, related_name="+")
    last_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("live stream")

    def __str__(self) -> str:
        return f"{self.key} @{self.last_seq}"


class StreamEvent(models.Model):
    """An event of a stream, kept so that a client that reconnects can ask for what it missed."""

    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)  # pruned by age

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="live_one_event_per_seq")]
        ordering = ["stream", "seq"]
        verbose_name = _("live event")

    def __str__(self) -> str:
        return f"{self.stream_id}#{self.seq} {self.kind}"


# The rooms' event log (cop.eventlog): Stream.last_seq numbers each stream's StreamEvents; a stream is
# named by its key ("room:12").
STREAM_LOG = EventLog(
    counter=Stream, counter_field="last_seq", events=StreamEvent, stream_field="stream", lookup="key"
)


class Presence(models.Model):
    """One open socket subscribed to one stream. Rows of a crashed process expire with `seen_at`."""

    stream_key = models.CharField(max_length=64)
    channel_name = models.CharField(max_length=120)
    hub_id = models.CharField(max_length=40, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stream_key", "channel_name"], name="live_one_presence_per_socket"
            )
        ]
        indexes = [models.Index(fields=["stream_key", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.stream_key} {self.channel_name}"


class Room(models.Model):
    """A live discussion room of a community, e.g. for one webinar or knowledge-fair session."""

    community = models.ForeignKey(
        "cop.CommunityPage", on_delete=models.CASCADE, related_name="live_rooms", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    slow_mode_seconds = models.PositiveIntegerField(_("slow mode (seconds between messages)"), default=0)
    pinned_message = models.ForeignKey(
        "RoomMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The event this room belongs to, e.g. "event:42", set by events/ through room_for_event (forums/ must
    # not import events/, so the link is kept as a reference rather than a foreign key).
    event_ref = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event_ref"], condition=~models.Q(event_ref=""), name="live_one_room_per_event"
            )
        ]
        ordering = ["-opens_at", "-pk"]
        verbose_name = _("discussion room")
        verbose_name_plural = _("discussion rooms")

    def __str__(self) -> str:
        return self.title

    @property
    def stream_key(self) -> str:
        return f"room:{self.pk}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.opens_at is None or self.opens_at <= now) and (
            self.closes_at is None or now < self.closes_at
        )

    def has_opened(self, now=None) -> bool:
        return self.opens_at is None or self.opens_at <= (now or timezone.now())


class RoomMessage(models.Model):
    """A message in a room; its HTML is rendered once, on save. Deleted messages keep their place."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=2000)
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["room", "author", "created_at"])]
        verbose_name = _("room message")

    def __str__(self) -> str:
        return f"{self.room_id}/{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class RoomMute(models.Model):
    """A user who may read a room but not write in it, until `until` (or for good when empty)."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="mutes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField(null=True, blank=True)
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="live_one_mute_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} muted in {self.room_id}"

    def is_active(self, now=None) -> bool:
        return self.until is None or (now or timezone.now()) < self.until
