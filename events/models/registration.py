import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Seat offered")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Seat offer expired")


# Statuses that hold a seat (an offered seat is kept for its holder until the offer expires).
SEAT_HOLDING = (RegistrationStatus.REGISTERED, RegistrationStatus.OFFERED)
ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.OFFERED, RegistrationStatus.WAITLISTED)


class Registration(models.Model):
    """One row per (user, occurrence); its status moves through the states above, never duplicated."""

    occurrence = models.ForeignKey(
        "events.Occurrence", on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Place in the waiting list: earliest first.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "user"], name="one_registration_per_user_and_occurrence"
            )
        ]
        indexes = [
            models.Index(fields=["occurrence", "status", "waitlisted_at"]),
            models.Index(fields=["status", "offer_expires_at"]),
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.user_id} @ occurrence {self.occurrence_id} ({self.status})"

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class SentReminder(models.Model):
    """Proof that a reminder was sent: the unique constraint makes a second scheduler run a no-op."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="sent_reminders")
    # The occurrence start the reminder was for, so a moved event gets fresh reminders.
    start_utc = models.DateTimeField()
    minutes_before = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "start_utc", "minutes_before"], name="one_reminder_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.minutes_before} min before {self.start_utc:%Y-%m-%d %H:%M}Z"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a user's personal calendar feed URL; replacing it revokes the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(token=""), name="calendar_token_not_empty")]

    def __str__(self) -> str:
        return f"calendar token of {self.user_id}"
