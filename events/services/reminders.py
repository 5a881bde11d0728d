"""Reminders before a registered session, each sent once."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from cop.commit import enqueue_after_commit
from events import permissions
from events.models import Occurrence, RegistrationStatus, SentReminder
from events.models.pages import parse_reminder_hours


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Queues the reminders that are due. Each (registration, start, offset) is claimed once by a row
    with a unique constraint before its e-mail is queued, so a second scheduler run sends nothing.
    When several offsets are due at once (the scheduler was down), only the nearest is sent."""

    now = now or timezone.now()
    longest = timedelta(days=30)
    occurrences = (
        Occurrence.objects.filter(
            start_utc__gt=now,
            start_utc__lte=now + longest,
            is_cancelled=False,
            event__cancelled=False,
            event__live=True,
        )
        .select_related("event")
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED))
        )
        .filter(registered__gt=0)
    )
    queued = 0
    for occurrence in occurrences:
        offsets = [round(hours * 60) for hours in parse_reminder_hours(occurrence.event.reminder_hours)]
        due = [minutes for minutes in offsets if occurrence.start_utc - timedelta(minutes=minutes) <= now]
        if not due:
            continue
        nearest = min(due)
        already = SentReminder.objects.filter(
            start_utc=occurrence.start_utc, minutes_before=nearest, registration__occurrence=occurrence
        ).values("registration_id")
        registrations = (
            occurrence.registrations.filter(status=RegistrationStatus.REGISTERED, user__is_active=True)
            .exclude(pk__in=already)
            .select_related("user")
        )
        for registration in registrations:
            if not permissions.can_view_event(registration.user, occurrence.event):
                continue  # no longer allowed to see it (send_reminder asks again when it runs)
            with transaction.atomic():
                claimed = False
                for minutes in due:
                    _reminder, created = SentReminder.objects.get_or_create(
                        registration=registration, start_utc=occurrence.start_utc, minutes_before=minutes
                    )
                    claimed = claimed or (created and minutes == nearest)
                if claimed:
                    enqueue_after_commit("events.tasks.send_reminder", registration.pk, nearest)
                    queued += 1
    return queued
