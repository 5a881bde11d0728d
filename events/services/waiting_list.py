"""The waiting list: seats freed are offered in turn, offers accepted, released or expired.

Seats are counted with the occurrence row locked (SELECT ... FOR UPDATE), so two people taking the
last seat at once never overbook it."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cop.commit import enqueue_after_commit
from events.models import EventPage, Occurrence, Registration, RegistrationStatus
from events.models.registration import SEAT_HOLDING
from events.services.exceptions import OfferExpired
from events.services.feeds import invalidate, personal_feeds


def lock_occurrence(occurrence_id: int) -> Occurrence:
    return Occurrence.objects.select_for_update(of=("self",)).select_related("event").get(pk=occurrence_id)


def seats_taken(occurrence: Occurrence) -> int:
    return occurrence.registrations.filter(status__in=SEAT_HOLDING).count()


def _offer_deadline(occurrence: Occurrence, event: EventPage, now: datetime) -> datetime:
    return min(now + timedelta(hours=event.offer_hours or 24), occurrence.start_utc)


def fill_free_seats(occurrence: Occurrence, *, event: EventPage, now: datetime) -> list[Registration]:
    """Offers each free seat to the next person waiting (call with the occurrence row locked)."""

    if event.capacity is None:
        # No limit (any more): everyone waiting is in.
        waiting = list(occurrence.registrations.filter(status=RegistrationStatus.WAITLISTED))
        for registration in waiting:
            registration.status = RegistrationStatus.REGISTERED
            registration.save(update_fields=["status", "updated_at"])
            enqueue_after_commit("events.tasks.notify_registration", registration.pk, "registered")
        return waiting
    if occurrence.start_utc <= now or occurrence.is_cancelled or event.cancelled:
        return []
    free = event.capacity - seats_taken(occurrence)
    offered = []
    if free <= 0:
        return offered
    queue = occurrence.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by(
        "waitlisted_at", "pk"
    )
    for registration in queue[:free]:
        registration.status = RegistrationStatus.OFFERED
        registration.offer_expires_at = _offer_deadline(occurrence, event, now)
        registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
        enqueue_after_commit("events.tasks.notify_registration", registration.pk, "offered")
        offered.append(registration)
    return offered


@transaction.atomic
def offer_accept(*, registration_id: int, now: datetime | None = None) -> Registration:
    """Takes the offered seat (the signed link in the offer e-mail, or the button on the event page)."""

    now = now or timezone.now()
    registration = Registration.objects.get(pk=registration_id)
    lock_occurrence(registration.occurrence_id)
    registration.refresh_from_db()
    if registration.status != RegistrationStatus.OFFERED or (
        registration.offer_expires_at and registration.offer_expires_at <= now
    ):
        raise OfferExpired()
    registration.status = RegistrationStatus.REGISTERED
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
    enqueue_after_commit("events.tasks.notify_registration", registration.pk, "registered")
    invalidate(personal_feeds(registration))
    return registration


@transaction.atomic
def offer_release(*, registration_id: int, now: datetime | None = None) -> Registration:
    """Declines the offered seat, which passes at once to the next person waiting."""
    now = now or timezone.now()
    registration = Registration.objects.get(pk=registration_id)
    occurrence = lock_occurrence(registration.occurrence_id)
    registration.refresh_from_db()
    if registration.status != RegistrationStatus.OFFERED:
        raise OfferExpired()
    registration.status = RegistrationStatus.CANCELLED
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
    moved_up = fill_free_seats(occurrence, event=occurrence.event, now=now)
    invalidate(personal_feeds(registration, *moved_up))
    return registration


def offers_expire(*, now: datetime | None = None) -> int:
    """Expires unanswered seat offers and passes each seat to the next person. Safe to run twice."""

    now = now or timezone.now()
    expired = 0
    due = Registration.objects.filter(status=RegistrationStatus.OFFERED, offer_expires_at__lte=now)
    for registration_id in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            registration = Registration.objects.get(pk=registration_id)
            occurrence = lock_occurrence(registration.occurrence_id)
            registration.refresh_from_db()
            if registration.status != RegistrationStatus.OFFERED or registration.offer_expires_at > now:
                continue
            registration.status = RegistrationStatus.EXPIRED
            registration.save(update_fields=["status", "updated_at"])
            enqueue_after_commit("events.tasks.notify_registration", registration.pk, "offer_expired")
            moved_up = fill_free_seats(occurrence, event=occurrence.event, now=now)
            invalidate(personal_feeds(registration, *moved_up))
            expired += 1
    return expired
