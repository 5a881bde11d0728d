"""Celery tasks for events. They take ids, reload the rows and call services; each is idempotent (a
notice checks the registration is still in the state it announces; reminders are claimed by a unique
row before they are queued). Periodic ones are scheduled in CELERY_BEAT_SCHEDULE (`# EVENTS ----`)."""

import logging
from datetime import datetime
from smtplib import SMTPException

from celery import shared_task
from django.core import signing
from django.urls import reverse

from events import emails, permissions, services
from events.models import ImportedFeed, Occurrence, Registration, RegistrationStatus

logger = logging.getLogger(__name__)

RETRY_OPTIONS = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 6,
}

OFFER_SALT = "events.seat-offer"

# The status a notice announces: it is sent only while the registration is still in that state.
_NOTICE_STATUS = {
    "registered": RegistrationStatus.REGISTERED,
    "waitlisted": RegistrationStatus.WAITLISTED,
    "offered": RegistrationStatus.OFFERED,
    "offer_expired": RegistrationStatus.EXPIRED,
}


def offer_token(registration: Registration, action: str) -> str:
    return signing.dumps({"r": registration.pk, "a": action}, salt=OFFER_SALT)


def _may_see(registration: Registration) -> bool:
    """Asked when an e-mail is sent, not when it was queued: its holder may still see the event."""
    return registration.user.is_active and permissions.can_view_event(
        registration.user, registration.occurrence.event
    )


def _context(registration: Registration) -> dict:
    occurrence = registration.occurrence
    event = occurrence.event
    return {
        "registration": registration,
        "occurrence": occurrence,
        "event": event,
        "show_online_link": permissions.can_see_online_link(registration.user, event, registration),
    }


@shared_task(**RETRY_OPTIONS)
def notify_registration(registration_id: int, kind: str) -> None:
    """Tells the participant about their registration, waiting-list place, seat offer or its expiry."""
    registration = (
        Registration.objects.select_related("user", "occurrence", "occurrence__event")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or registration.status != _NOTICE_STATUS.get(kind) or not _may_see(registration):
        return
    context = _context(registration)
    if kind == "offered":
        context["accept_url"] = emails.absolute(
            reverse("events:offer", args=[offer_token(registration, "accept")])
        )
        context["release_url"] = emails.absolute(
            reverse("events:offer", args=[offer_token(registration, "release")])
        )
    emails.send_to_user(registration.user, f"registration_{kind}", context)


@shared_task(**RETRY_OPTIONS)
def notify_occurrence_change(occurrence_id: int, kind: str, old_start_iso: str) -> None:
    """Tells everyone registered or waiting that an occurrence moved or was cancelled."""
    occurrence = Occurrence.objects.select_related("event").filter(pk=occurrence_id).first()
    if occurrence is None:
        return
    if kind == "cancelled" and not occurrence.is_cancelled:
        return
    if kind == "moved" and occurrence.start_utc.isoformat() == old_start_iso:
        return
    registrations = occurrence.registrations.filter(
        status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.OFFERED, RegistrationStatus.WAITLISTED]
    ).select_related("user")
    for registration in registrations:
        registration.occurrence = occurrence
        if not _may_see(registration):
            continue
        context = {**_context(registration), "old_start": datetime.fromisoformat(old_start_iso)}
        emails.send_to_user(registration.user, f"occurrence_{kind}", context)


@shared_task(**RETRY_OPTIONS)
def send_reminder(registration_id: int, minutes_before: int) -> None:
    """One reminder, with the join link for online events (claimed beforehand by a SentReminder row)."""
    registration = (
        Registration.objects.select_related("user", "occurrence", "occurrence__event")
        .filter(pk=registration_id, status=RegistrationStatus.REGISTERED)
        .first()
    )
    if (
        registration is None
        or registration.occurrence.is_cancelled
        or registration.occurrence.event.cancelled
        or not _may_see(registration)
    ):
        return
    context = {**_context(registration), "hours_before": minutes_before / 60}
    emails.send_to_user(registration.user, "reminder", context)


@shared_task
def send_due_reminders() -> int:
    return services.reminders_send_due()


@shared_task
def expire_seat_offers() -> int:
    return services.offers_expire()


@shared_task
def extend_series() -> int:
    return services.series_extend()


@shared_task
def import_feed(feed_id: int) -> None:
    """Imports one subscribed feed, in batches of short transactions; the run's report is stored even
    when the feed is bad. Idempotent: events are matched on UID and subscription, and a run that finds
    another one under way for the same feed leaves it to that one."""
    from events.importer import feed_import

    feed = ImportedFeed.objects.filter(pk=feed_id, is_active=True).first()
    if feed is not None:
        feed_import(feed=feed)


@shared_task(bind=True, max_retries=10)
def apply_held_removals(self, feed_id: int, uids: list[str]) -> None:
    """Removes the held events the organiser confirmed (those still held); waits for a run under way."""
    from events.importer import FeedBusy, feed_removals_apply

    feed = ImportedFeed.objects.filter(pk=feed_id).first()
    if feed is None:
        return
    try:
        feed_removals_apply(feed=feed, uids=uids)
    except FeedBusy as exc:
        raise self.retry(exc=exc, countdown=60) from exc


@shared_task
def import_all_feeds() -> int:
    feed_ids = list(ImportedFeed.objects.filter(is_active=True).values_list("pk", flat=True))
    for feed_id in feed_ids:
        import_feed.delay(feed_id)
    return len(feed_ids)


@shared_task(**RETRY_OPTIONS)
def announce_followup(event_id: int) -> None:
    """Tells the registrants that recording, slides and a discussion thread are there."""
    from events.models import EventPage

    event = EventPage.objects.filter(pk=event_id, followup_published_at__isnull=False).first()
    if event is None:
        return
    registrations = (
        Registration.objects.filter(occurrence__event=event, status=RegistrationStatus.REGISTERED)
        .select_related("user", "occurrence")
        .order_by("user_id")
    )
    seen = set()
    for registration in registrations:
        if registration.user_id in seen:
            continue
        seen.add(registration.user_id)
        registration.occurrence.event = event
        if not _may_see(registration):
            continue
        emails.send_to_user(registration.user, "followup", _context(registration))
