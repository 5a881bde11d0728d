"""Registering for an occurrence, cancelling, losing access, and attendance."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cop.commit import enqueue_after_commit
from cop.permissions import forget_memberships
from events import permissions
from events.feed_cache import personal_scope
from events.models import Occurrence, Registration, RegistrationStatus
from events.models.registration import ACTIVE
from events.services.exceptions import (
    AlreadyRegistered,
    EventAlreadyStarted,
    EventCancelled,
    EventNotFinished,
    NotRegistered,
    RegistrationClosed,
    RegistrationNotAllowed,
)
from events.services.feeds import invalidate, personal_feeds
from events.services.waiting_list import fill_free_seats, lock_occurrence, seats_taken


def decide_status(*, capacity: int | None, taken: int, anyone_waiting: bool) -> str:
    """Registered when a seat is free and nobody is ahead in the waiting list; otherwise waitlisted."""
    if capacity is None or (taken < capacity and not anyone_waiting):
        return RegistrationStatus.REGISTERED
    return RegistrationStatus.WAITLISTED


@transaction.atomic
def event_register(
    *, user, occurrence_id: int, answers: dict | None = None, now: datetime | None = None
) -> Registration:
    """Registers the user for one occurrence, or puts them on its waiting list when it is full."""

    now = now or timezone.now()
    occurrence = lock_occurrence(occurrence_id)
    event = occurrence.event
    if not permissions.can_register(user, event):
        raise RegistrationNotAllowed()
    if event.cancelled or occurrence.is_cancelled:
        raise EventCancelled()
    if occurrence.start_utc <= now:
        raise EventAlreadyStarted()
    if not event.registration_is_open(now):
        raise RegistrationClosed()
    registration = Registration.objects.filter(occurrence=occurrence, user=user).first()
    if registration is not None and registration.is_active:
        raise AlreadyRegistered()
    status = decide_status(
        capacity=event.capacity,
        taken=seats_taken(occurrence),
        anyone_waiting=occurrence.registrations.filter(status=RegistrationStatus.WAITLISTED).exists(),
    )
    if registration is None:
        registration = Registration(occurrence=occurrence, user=user)
    registration.status = status
    registration.answers = answers or {}
    registration.attended = None
    registration.offer_expires_at = None
    registration.waitlisted_at = now if status == RegistrationStatus.WAITLISTED else None
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:
        raise AlreadyRegistered() from exc
    enqueue_after_commit("events.tasks.notify_registration", registration.pk, status)
    invalidate(personal_feeds(registration))
    return registration


@transaction.atomic
def registration_cancel(*, registration_id: int, user=None, now: datetime | None = None) -> Registration:
    """Cancels a registration (or leaves the waiting list); a freed seat is offered to the next in line."""
    now = now or timezone.now()
    registration = Registration.objects.get(pk=registration_id)
    occurrence = lock_occurrence(registration.occurrence_id)
    registration.refresh_from_db()
    if user is not None and registration.user_id != user.pk:
        raise NotRegistered()
    if not registration.is_active:
        raise NotRegistered()
    if occurrence.start_utc <= now:
        raise EventAlreadyStarted()
    held_seat = registration.holds_seat
    registration.status = RegistrationStatus.CANCELLED
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
    moved_up = fill_free_seats(occurrence, event=occurrence.event, now=now) if held_seat else []
    invalidate(personal_feeds(registration, *moved_up))
    return registration


@transaction.atomic
def registrations_end_for_lost_access(
    *, user, community_id: int | None = None, now: datetime | None = None
) -> int:
    """Cancels the user's registrations and waiting-list places for upcoming sessions they may no longer
    keep (permissions.may_keep_registration): their membership of the organising community ended (leave,
    removal, ban) or their account was deactivated. Each goes through registration_cancel, so a freed
    seat is offered to the next person waiting as on any cancellation. Sessions already under way keep
    their registration (the attendance record); permissions refuse them the join link all the same.
    The feeds are invalidated in any case, so the personal feed drops what the user may no longer see."""

    now = now or timezone.now()
    forget_memberships(user)
    registrations = Registration.objects.filter(
        user=user, status__in=ACTIVE, occurrence__start_utc__gt=now
    ).select_related("occurrence__event__community")
    if community_id is not None:
        registrations = registrations.filter(occurrence__event__community_id=community_id)
    cancelled = 0
    for registration in list(registrations):
        if permissions.may_keep_registration(user, registration.occurrence.event):
            continue
        try:
            registration_cancel(registration_id=registration.pk, now=now)
        except (NotRegistered, EventAlreadyStarted):
            continue  # cancelled or started meanwhile
        cancelled += 1
    invalidate({personal_scope(user.pk)})
    return cancelled


@transaction.atomic
def attendance_mark(*, occurrence: Occurrence, present_ids: set[int], by, now: datetime | None = None) -> int:
    """Records who came: registered people in `present_ids` attended, the other registered did not."""
    now = now or timezone.now()
    if not permissions.can_manage_event(by, occurrence.event):
        raise RegistrationNotAllowed(_("Only the organisers can mark attendance."))
    if occurrence.start_utc > now:
        raise EventNotFinished()
    registered = occurrence.registrations.filter(status=RegistrationStatus.REGISTERED)
    registered.filter(pk__in=present_ids).update(attended=True)
    registered.exclude(pk__in=present_ids).update(attended=False)
    return registered.filter(attended=True).count()
