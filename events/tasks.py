"""Celery tasks for events. They take ids, reload the rows and call services; each is idempotent (a
notice checks the registration is still in the state it announces; reminders are claimed by a unique
row before they are queued). Each e-mail task mails one person through cop.mail, which records it under
a key, so a retry never mails anyone twice; a notice to many fans out one task per person. Periodic
ones are scheduled in CELERY_BEAT_SCHEDULE (`# EVENTS ----`)."""

import logging
from datetime import datetime
from smtplib import SMTPException

from celery import shared_task
from django.core import signing
from django.urls import reverse

from cop.mail import Attachment, absolute_url, ics_attachment
from events import emails, ical, permissions, services
from events.expressible import BROKEN_DATA_ERRORS
from events.importer.common import FeedBusy
from events.importer.runs import IMPORT_SOFT_TIME_LIMIT, IMPORT_TIME_LIMIT, feed_import, feed_removals_apply
from events.models import EventPage, ImportedFeed, Occurrence, Registration, RegistrationStatus

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


def _calendar(occurrence, *, online: bool) -> list[Attachment]:
    """The session as an .ics file (the join link only when `online`); none when its stored data
    cannot be written as iCalendar: the e-mail still goes."""
    try:
        content = ical.build_calendar(
            [ical.occurrence_vevent(occurrence, online=online)], name=occurrence.event.title
        )
    except BROKEN_DATA_ERRORS as error:
        logger.warning("events: occurrence %s e-mailed without its .ics (%r)", occurrence.pk, error)
        return []
    return [ics_attachment(content, filename=f"{occurrence.event.slug or 'event'}.ics")]


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

    def offer_context() -> dict:
        if kind != "offered":
            return context
        return {
            **context,
            "accept_url": absolute_url(reverse("events:offer", args=[offer_token(registration, "accept")])),
            "release_url": absolute_url(reverse("events:offer", args=[offer_token(registration, "release")])),
        }

    emails.participant_mail_send(
        user=registration.user,
        template=f"registration_{kind}",
        key=f"{registration.pk}:{registration.updated_at.isoformat()}",
        context=offer_context,
        attachments=(
            (lambda: _calendar(registration.occurrence, online=context["show_online_link"]))
            if kind == "registered"
            else ()
        ),
    )


def _occurrence_change_due(occurrence: Occurrence | None, kind: str, old_start_iso: str) -> bool:
    if occurrence is None:
        return False
    if kind == "cancelled":
        return occurrence.is_cancelled
    return kind == "moved" and occurrence.start_utc.isoformat() != old_start_iso


@shared_task(**RETRY_OPTIONS)
def notify_occurrence_change(occurrence_id: int, kind: str, old_start_iso: str) -> int:
    """Tells everyone registered or waiting that an occurrence moved or was cancelled: one e-mail task
    each (a rerun queues them again and sends nothing twice). Returns the number queued."""
    occurrence = Occurrence.objects.select_related("event").filter(pk=occurrence_id).first()
    if not _occurrence_change_due(occurrence, kind, old_start_iso):
        return 0
    # The event's iCalendar sequence tells this change from a later one back to the same time.
    version = f"{old_start_iso}:{occurrence.start_utc.isoformat()}:{occurrence.event.ical_sequence}"
    registration_ids = list(
        occurrence.registrations.filter(
            status__in=[
                RegistrationStatus.REGISTERED,
                RegistrationStatus.OFFERED,
                RegistrationStatus.WAITLISTED,
            ]
        ).values_list("pk", flat=True)
    )
    for registration_id in registration_ids:  # a task runs outside any transaction: queued at once
        send_occurrence_change.delay(registration_id, kind, old_start_iso, version)
    return len(registration_ids)


@shared_task(**RETRY_OPTIONS)
def send_occurrence_change(registration_id: int, kind: str, old_start_iso: str, version: str) -> bool:
    """E-mails one participant that their session moved or was cancelled, with its .ics."""
    registration = (
        Registration.objects.select_related("user", "occurrence", "occurrence__event")
        .filter(
            pk=registration_id,
            status__in=[
                RegistrationStatus.REGISTERED,
                RegistrationStatus.OFFERED,
                RegistrationStatus.WAITLISTED,
            ],
        )
        .first()
    )
    if registration is None or not _may_see(registration):
        return False
    if not _occurrence_change_due(registration.occurrence, kind, old_start_iso):
        return False
    context = {**_context(registration), "old_start": datetime.fromisoformat(old_start_iso)}
    return emails.participant_mail_send(
        user=registration.user,
        template=f"occurrence_{kind}",
        key=f"{registration.occurrence_id}:{version}",
        context=context,
        attachments=lambda: _calendar(registration.occurrence, online=context["show_online_link"]),
    )


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
    emails.participant_mail_send(
        user=registration.user,
        template="reminder",
        key=f"{registration.pk}:{registration.occurrence.start_utc.isoformat()}:{minutes_before}",
        context=context,
        attachments=lambda: _calendar(registration.occurrence, online=context["show_online_link"]),
    )


@shared_task
def send_due_reminders() -> int:
    return services.reminders_send_due()


@shared_task
def expire_seat_offers() -> int:
    return services.offers_expire()


@shared_task
def extend_series() -> int:
    return services.series_extend()


@shared_task(soft_time_limit=IMPORT_SOFT_TIME_LIMIT, time_limit=IMPORT_TIME_LIMIT)
def import_feed(feed_id: int) -> None:
    """Imports one subscribed feed, in batches of short transactions; the run's report is stored even
    when the feed is bad. Idempotent: events are matched on UID and subscription, and a run that finds
    another one under way for the same feed leaves it to that one."""
    feed = ImportedFeed.objects.filter(pk=feed_id, is_active=True).first()
    if feed is not None:
        feed_import(feed=feed)


@shared_task(bind=True, max_retries=10)
def apply_held_removals(self, feed_id: int, uids: list[str]) -> None:
    """Removes the held events the organiser confirmed (those still held); waits for a run under way."""
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
def announce_followup(event_id: int) -> int:
    """Tells the registrants that recording, slides and a discussion thread are there: one e-mail task
    per person (through their first registration). Returns the number queued."""
    event = EventPage.objects.filter(pk=event_id, followup_published_at__isnull=False).first()
    if event is None:
        return 0
    first_registration = {}
    for registration_id, user_id in (
        Registration.objects.filter(occurrence__event=event, status=RegistrationStatus.REGISTERED)
        .order_by("user_id", "pk")
        .values_list("pk", "user_id")
    ):
        first_registration.setdefault(user_id, registration_id)
    version = event.followup_published_at.isoformat()
    for registration_id in first_registration.values():  # outside any transaction: queued at once
        send_followup.delay(registration_id, version)
    return len(first_registration)


@shared_task(**RETRY_OPTIONS)
def send_followup(registration_id: int, version: str) -> bool:
    """E-mails one registrant the follow-up (recording, slides, discussion) if they may still see it."""
    registration = (
        Registration.objects.select_related("user", "occurrence", "occurrence__event")
        .filter(pk=registration_id, status=RegistrationStatus.REGISTERED)
        .first()
    )
    if registration is None or not _may_see(registration):
        return False
    event = registration.occurrence.event
    if event.followup_published_at is None:
        return False
    return emails.participant_mail_send(
        user=registration.user,
        template="followup",
        key=f"{event.pk}:{version}",
        context=_context(registration),
    )
