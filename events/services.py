"""Writes for events: publishing and series, registration with capacity and the waiting list, seat
offers, attendance, cancellation, reminders, calendar tokens and the webinar follow-up.

Seats are counted with the occurrence row locked (SELECT ... FOR UPDATE), so two people taking the
last seat at once never overbook it. E-mails are Celery tasks enqueued after commit."""

import contextvars
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cop.commit import after_commit, enqueue_after_commit
from cop.errors import DomainError
from events import permissions, selectors
from events.models import (
    CalendarToken,
    EventIndexPage,
    EventPage,
    Occurrence,
    Registration,
    RegistrationStatus,
    SentReminder,
)
from events.models.pages import parse_reminder_hours
from events.models.registration import ACTIVE, SEAT_HOLDING, new_token
from events.recurrence import HORIZON, expand, parse_rule
from events.timezones import local_to_utc, utc_to_local
from events.validation import InvalidEventData, check_event_dates, year_in_range

logger = logging.getLogger(__name__)

# Set while the importer publishes, so that its own writes are not taken for an organiser's local edit.
importing = contextvars.ContextVar("events_importing", default=False)


# Domain exceptions ----


class EventError(DomainError):
    """A refused event action (cop.errors)."""

    default_message = _("This action is not possible.")


class RegistrationNotAllowed(EventError):
    default_message = _("You may not register for this event.")
    status = 403


class RegistrationClosed(EventError):
    default_message = _("Registration for this event is closed.")
    status = 409


class EventCancelled(EventError):
    default_message = _("This event has been cancelled.")
    status = 409


class EventAlreadyStarted(EventError):
    default_message = _("This event has already started or is over.")
    status = 409


class AlreadyRegistered(EventError):
    default_message = _("You are already registered for this event.")
    status = 409


class NotRegistered(EventError):
    default_message = _("You have no registration to cancel.")
    status = 409


class OfferExpired(EventError):
    default_message = _("This seat offer has expired or was already answered.")
    status = 410


class EventNotFinished(EventError):
    default_message = _("Attendance and the follow-up can be recorded only once the event has started.")
    status = 409


def _invalidate_feeds(scopes) -> None:
    """Invalidates the cached feeds of `scopes` (events.ical) once the transaction commits."""
    from events.ical import invalidate_feeds

    after_commit(invalidate_feeds, frozenset(scopes))


def _personal_feeds(*registrations) -> set[str]:
    from events.ical import personal_scope

    return {personal_scope(registration.user_id) for registration in registrations}


@transaction.atomic
def event_feeds_refresh(*, event: EventPage) -> None:
    """Invalidates the feeds that list the event now or listed it when last published (its community,
    type or tags may have changed) and its registrants' personal feeds; records where it is listed now."""
    from events.models import EventFeedScopes

    just_this = EventPage.objects.filter(pk=event.pk)
    current = selectors.shared_feed_scopes(just_this)
    stored = EventFeedScopes.objects.filter(event_id=event.pk).values_list("scopes", flat=True).first() or []
    if set(stored) != current:
        EventFeedScopes.objects.update_or_create(event_id=event.pk, defaults={"scopes": sorted(current)})
    _invalidate_feeds(current | set(stored) | selectors.registrant_feed_scopes(just_this))


def event_feeds_forget(*, event: EventPage) -> None:
    """Before an event page is deleted: invalidates every feed that lists it (its registrations go with it)."""
    from events.models import EventFeedScopes

    just_this = EventPage.objects.filter(pk=event.pk)
    stored = EventFeedScopes.objects.filter(event_id=event.pk).values_list("scopes", flat=True).first() or []
    scopes = (
        selectors.shared_feed_scopes(just_this) | set(stored) | selectors.registrant_feed_scopes(just_this)
    )
    _invalidate_feeds(scopes)


# Publishing and series ----


@dataclass
class ExpectedOccurrence:
    recurrence_id: datetime
    start_utc: datetime
    end_utc: datetime
    is_cancelled: bool


def expected_occurrences(event: EventPage, *, now: datetime | None = None) -> list[ExpectedOccurrence]:
    """The occurrences the event's dates, rule and exceptions give, in UTC (capped for long rules)."""
    now = now or timezone.now()
    local_start, local_end = event.local_bounds()
    check_event_dates(start=local_start, end=local_end)  # rows written before the bounds, or by hand
    duration = local_end - local_start
    if event.recurrence_rule:
        try:
            rule = parse_rule(event.recurrence_rule, local_start)
        except ValidationError as exc:
            raise InvalidEventData(" ".join(exc.messages), field="recurrence_rule") from exc
        horizon_from = max(local_start, utc_to_local(now, event.time_zone).replace(tzinfo=None))
        starts = list(expand(rule, until=horizon_from + HORIZON))
    else:
        starts = [local_start]
    changes = {change.original_date: change for change in event.occurrence_changes.all()}
    expected = []
    for start in starts:
        recurrence_id = local_to_utc(start, event.time_zone, strict=False)
        change = changes.get(start.date()) if event.recurrence_rule else None
        moved_start, cancelled = start, False
        if change is not None:
            if change.cancelled:
                cancelled = True
            elif change.new_start_date and year_in_range(change.new_start_date):
                moved_start = datetime.combine(change.new_start_date, change.new_start_time or start.time())
        expected.append(
            ExpectedOccurrence(
                recurrence_id=recurrence_id,
                start_utc=local_to_utc(moved_start, event.time_zone, strict=False),
                end_utc=local_to_utc(moved_start + duration, event.time_zone, strict=False),
                is_cancelled=cancelled or event.cancelled,
            )
        )
    return expected


@transaction.atomic
def event_sync(*, event: EventPage, bump_sequence: bool = True, now: datetime | None = None) -> None:
    """Brings the materialised occurrences in line with the published event, tells registrants of
    moved or cancelled occurrences, fills seats a higher capacity frees and invalidates the feeds."""
    from events import tasks

    now = now or timezone.now()
    existing = {occ.recurrence_id: occ for occ in event.occurrences.select_for_update()}
    expected = expected_occurrences(event, now=now)
    rekeyed = _rekey_by_local_date(event, existing, expected)
    seen = set()
    for exp in expected:
        seen.add(exp.recurrence_id)
        occ = existing.get(exp.recurrence_id)
        if occ is None:
            Occurrence.objects.create(
                event=event,
                recurrence_id=exp.recurrence_id,
                start_utc=exp.start_utc,
                end_utc=exp.end_utc,
                is_cancelled=exp.is_cancelled,
            )
            continue
        old_start = occ.start_utc
        moved = occ.start_utc != exp.start_utc
        newly_cancelled = exp.is_cancelled and not occ.is_cancelled
        changed = (
            moved or occ.end_utc != exp.end_utc or occ.is_cancelled != exp.is_cancelled or occ.is_detached
        )
        if changed or occ.pk in rekeyed:
            occ.start_utc, occ.end_utc = exp.start_utc, exp.end_utc
            occ.is_cancelled, occ.is_detached = exp.is_cancelled, False
            occ.save(update_fields=["recurrence_id", "start_utc", "end_utc", "is_cancelled", "is_detached"])
        if max(old_start, occ.start_utc) > now:
            if newly_cancelled:
                enqueue_after_commit(
                    tasks.notify_occurrence_change, occ.pk, "cancelled", old_start.isoformat()
                )
            elif moved and not occ.is_cancelled:
                enqueue_after_commit(tasks.notify_occurrence_change, occ.pk, "moved", old_start.isoformat())
        if not occ.is_cancelled:
            _fill_free_seats(occ, event=event, now=now)
    for recurrence_id, occ in existing.items():
        if recurrence_id in seen:
            continue
        if occ.registrations.filter(status__in=ACTIVE).exists():
            if not occ.is_cancelled:
                occ.is_cancelled, occ.is_detached = True, True
                occ.save(update_fields=["is_cancelled", "is_detached"])
                if occ.start_utc > now:
                    enqueue_after_commit(
                        tasks.notify_occurrence_change, occ.pk, "cancelled", occ.start_utc.isoformat()
                    )
        elif occ.registrations.exists() and occ.start_utc <= now:
            continue  # past attendance records stay
        else:
            occ.delete()
    if bump_sequence:
        EventPage.objects.filter(pk=event.pk).update(ical_sequence=F("ical_sequence") + 1)
        event.ical_sequence = EventPage.objects.values_list("ical_sequence", flat=True).get(pk=event.pk)
    event_room_sync(event=event, now=now)
    event_feeds_refresh(event=event)


ROOM_OPENS_BEFORE = timedelta(minutes=15)
ROOM_CLOSES_AFTER = timedelta(minutes=30)


def event_room_sync(*, event: EventPage, now: datetime | None = None) -> None:
    """Keeps the event's live discussion room (forums.live) open around its next session: made on first
    need, moved when the event moves or the series goes on, closed when the event is cancelled."""
    from forums.live import selectors as live_selectors
    from forums.live import services as live_services

    now = now or timezone.now()
    event_ref = f"event:{event.pk}"
    if not event.live_discussion or event.community_id is None:
        return
    room = live_selectors.room_for_event_ref(event_ref)
    if event.cancelled or not event.live:
        if room is not None and (room.closes_at is None or room.closes_at > now):
            live_services.room_sync_window(room_id=room.pk, opens_at=None, closes_at=now)
        return
    sessions = event.occurrences.filter(is_cancelled=False, is_detached=False).order_by("start_utc")
    session = sessions.filter(end_utc__gt=now).first() or sessions.last()
    if session is None:
        return
    live_services.room_for_event(
        community=event.community,
        title=event.title[:150],
        opens_at=session.start_utc - ROOM_OPENS_BEFORE,
        closes_at=session.end_utc + ROOM_CLOSES_AFTER,
        event_ref=event_ref,
    )


def _rekey_by_local_date(event: EventPage, existing: dict, expected: list[ExpectedOccurrence]) -> set[int]:
    """When an event or a whole series changes its time, each occurrence keeps its row (and so its
    registrations): an expected occurrence with no row of its own takes the row of the same local day
    (a single event simply keeps its one row)."""
    missing = [exp for exp in expected if exp.recurrence_id not in existing]
    expected_ids = {exp.recurrence_id for exp in expected}
    spare = [occ for rid, occ in existing.items() if rid not in expected_ids]
    if not missing or not spare:
        return set()
    if not event.recurrence_rule and len(expected) == 1 and len(spare) == 1:
        pairs = [(missing[0], spare[0])]
    else:
        by_day = {utc_to_local(occ.recurrence_id, event.time_zone).date(): occ for occ in spare}
        pairs = [
            (exp, by_day.pop(utc_to_local(exp.recurrence_id, event.time_zone).date()))
            for exp in missing
            if utc_to_local(exp.recurrence_id, event.time_zone).date() in by_day
        ]
    for exp, occ in pairs:
        del existing[occ.recurrence_id]
        occ.recurrence_id = exp.recurrence_id  # saved by event_sync
        existing[exp.recurrence_id] = occ
    return {occ.pk for _exp, occ in pairs}


def event_after_publish(*, event: EventPage) -> None:
    """Called whenever an event page is published (admin, front-end form, importer)."""
    if event.import_feed_id and not importing.get() and not event.locally_edited:
        EventPage.objects.filter(pk=event.pk).update(locally_edited=True)
        event.locally_edited = True
    event_sync(event=event)


def events_index() -> EventIndexPage:
    index = EventIndexPage.objects.first()
    if index is None:
        from home.models import HomePage

        home = HomePage.objects.first()
        if home is None:
            raise EventError(_("The site has no home page yet."))
        index = home.add_child(instance=EventIndexPage(title="Events", slug="events"))
    return index


def unique_slug(parent, base: str) -> str:
    from events.models.pages import RESERVED_SLUGS

    base = base or "event"
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken or slug in RESERVED_SLUGS:
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def event_create(*, page: EventPage, by=None) -> EventPage:
    """Adds a validated (unsaved) event page under the calendar and publishes it."""
    index = events_index()
    page._cached_parent_obj = index
    page.slug = unique_slug(index, page.slug or slugify(page.title)[:70] or "event")
    page.full_clean(exclude=["path", "depth"])
    page.owner = by if by is not None and by.is_authenticated else None
    page.live = False
    index.add_child(instance=page)
    # events.permissions decided who may organise; facilitators need no Wagtail page permission.
    page.save_revision(user=page.owner, log_action=False).publish(
        user=page.owner, log_action=False, skip_permission_checks=True
    )
    return EventPage.objects.get(pk=page.pk)


@transaction.atomic
def event_update(*, page: EventPage, by=None) -> EventPage:
    """Validates and publishes the edited event (occurrences, notices and sequence follow)."""
    page.full_clean()
    revision = page.save_revision(user=by, log_action=True)
    revision.publish(user=by, skip_permission_checks=True)
    # A fresh instance: the edited one still holds its unsaved in-memory child relations.
    return EventPage.objects.get(pk=page.pk)


@transaction.atomic
def event_cancel(*, event: EventPage, reason: str, by=None) -> EventPage:
    """Cancels the whole event (every occurrence); registrants are told why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancellation_reason": _("Tell participants why the event is cancelled.")})
    if event.cancelled:
        raise EventCancelled(_("This event is already cancelled."))
    event.cancelled = True
    event.cancellation_reason = reason
    return event_update(page=event, by=by)


# Registration ----


def _lock_occurrence(occurrence_id: int) -> Occurrence:
    return Occurrence.objects.select_for_update(of=("self",)).select_related("event").get(pk=occurrence_id)


def seats_taken(occurrence: Occurrence) -> int:
    return occurrence.registrations.filter(status__in=SEAT_HOLDING).count()


def _offer_deadline(occurrence: Occurrence, event: EventPage, now: datetime) -> datetime:
    return min(now + timedelta(hours=event.offer_hours or 24), occurrence.start_utc)


def _fill_free_seats(occurrence: Occurrence, *, event: EventPage, now: datetime) -> list[Registration]:
    """Offers each free seat to the next person waiting (call with the occurrence row locked)."""
    from events import tasks

    if event.capacity is None:
        # No limit (any more): everyone waiting is in.
        waiting = list(occurrence.registrations.filter(status=RegistrationStatus.WAITLISTED))
        for registration in waiting:
            registration.status = RegistrationStatus.REGISTERED
            registration.save(update_fields=["status", "updated_at"])
            enqueue_after_commit(tasks.notify_registration, registration.pk, "registered")
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
        enqueue_after_commit(tasks.notify_registration, registration.pk, "offered")
        offered.append(registration)
    return offered


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
    from events import tasks

    now = now or timezone.now()
    occurrence = _lock_occurrence(occurrence_id)
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
    enqueue_after_commit(tasks.notify_registration, registration.pk, status)
    _invalidate_feeds(_personal_feeds(registration))
    return registration


@transaction.atomic
def registration_cancel(*, registration_id: int, user=None, now: datetime | None = None) -> Registration:
    """Cancels a registration (or leaves the waiting list); a freed seat is offered to the next in line."""
    now = now or timezone.now()
    registration = Registration.objects.get(pk=registration_id)
    occurrence = _lock_occurrence(registration.occurrence_id)
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
    moved_up = _fill_free_seats(occurrence, event=occurrence.event, now=now) if held_seat else []
    _invalidate_feeds(_personal_feeds(registration, *moved_up))
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
    from cop.permissions import forget_memberships
    from events.ical import personal_scope

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
    _invalidate_feeds({personal_scope(user.pk)})
    return cancelled


@transaction.atomic
def offer_accept(*, registration_id: int, now: datetime | None = None) -> Registration:
    """Takes the offered seat (the signed link in the offer e-mail, or the button on the event page)."""
    from events import tasks

    now = now or timezone.now()
    registration = Registration.objects.get(pk=registration_id)
    _lock_occurrence(registration.occurrence_id)
    registration.refresh_from_db()
    if registration.status != RegistrationStatus.OFFERED or (
        registration.offer_expires_at and registration.offer_expires_at <= now
    ):
        raise OfferExpired()
    registration.status = RegistrationStatus.REGISTERED
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
    enqueue_after_commit(tasks.notify_registration, registration.pk, "registered")
    _invalidate_feeds(_personal_feeds(registration))
    return registration


@transaction.atomic
def offer_release(*, registration_id: int, now: datetime | None = None) -> Registration:
    """Declines the offered seat, which passes at once to the next person waiting."""
    now = now or timezone.now()
    registration = Registration.objects.get(pk=registration_id)
    occurrence = _lock_occurrence(registration.occurrence_id)
    registration.refresh_from_db()
    if registration.status != RegistrationStatus.OFFERED:
        raise OfferExpired()
    registration.status = RegistrationStatus.CANCELLED
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
    moved_up = _fill_free_seats(occurrence, event=occurrence.event, now=now)
    _invalidate_feeds(_personal_feeds(registration, *moved_up))
    return registration


def offers_expire(*, now: datetime | None = None) -> int:
    """Expires unanswered seat offers and passes each seat to the next person. Safe to run twice."""
    from events import tasks

    now = now or timezone.now()
    expired = 0
    due = Registration.objects.filter(status=RegistrationStatus.OFFERED, offer_expires_at__lte=now)
    for registration_id in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            registration = Registration.objects.get(pk=registration_id)
            occurrence = _lock_occurrence(registration.occurrence_id)
            registration.refresh_from_db()
            if registration.status != RegistrationStatus.OFFERED or registration.offer_expires_at > now:
                continue
            registration.status = RegistrationStatus.EXPIRED
            registration.save(update_fields=["status", "updated_at"])
            enqueue_after_commit(tasks.notify_registration, registration.pk, "offer_expired")
            moved_up = _fill_free_seats(occurrence, event=occurrence.event, now=now)
            _invalidate_feeds(_personal_feeds(registration, *moved_up))
            expired += 1
    return expired


# Organisers ----


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


@transaction.atomic
def calendar_token_rotate(*, user) -> CalendarToken:
    """Creates the user's personal feed token, or replaces it (the old feed address stops working)."""
    token, created = CalendarToken.objects.get_or_create(user=user)
    if not created:
        token.token = new_token()
        token.save(update_fields=["token", "created_at"])
    return token


@transaction.atomic
def calendar_token_revoke(*, user) -> None:
    CalendarToken.objects.filter(user=user).delete()


# Reminders ----


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Queues the reminders that are due. Each (registration, start, offset) is claimed once by a row
    with a unique constraint before its e-mail is queued, so a second scheduler run sends nothing.
    When several offsets are due at once (the scheduler was down), only the nearest is sent."""
    from events import tasks

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
                    enqueue_after_commit(tasks.send_reminder, registration.pk, nearest)
                    queued += 1
    return queued


# Series upkeep ----


def series_extend(*, now: datetime | None = None) -> int:
    """Materialises the next occurrences of open-ended series as time moves on (no sequence bump)."""
    count = 0
    for event in EventPage.objects.live().exclude(recurrence_rule="").filter(cancelled=False):
        try:
            event_sync(event=event, bump_sequence=False, now=now)
        except (InvalidEventData, ValidationError, OverflowError) as exc:
            # One series whose stored data is broken must not hold back every other series.
            logger.warning("Series %s (%r) not extended: %s", event.pk, event.title, exc)
            continue
        count += 1
    return count


@transaction.atomic
def community_events_refresh(*, community) -> None:
    """A community's visibility or title may have changed: the feeds listing its events follow, its own
    feed (named after it) and its events' registrants' personal feeds included (search asks
    cop.permissions)."""
    from events.ical import community_scope

    events = EventPage.objects.filter(community=community)
    scopes = selectors.shared_feed_scopes(events) | selectors.registrant_feed_scopes(events)
    _invalidate_feeds(scopes | {community_scope(community.pk)})


# The webinar pipeline ----


def _followup_thread_body(event: EventPage, *, summary: str, recording_url: str, slides_url: str) -> str:
    from events.emails import event_url

    lines = [summary.strip(), ""]
    if recording_url:
        lines.append(f"- {_('Recording')}: {recording_url}")
    if slides_url:
        lines.append(f"- {_('Slides')}: {slides_url}")
    lines.append(f"- {_('Event page')}: {event_url(event)}")
    return "\n".join(lines).strip()


@transaction.atomic
def event_followup_publish(
    *,
    event: EventPage,
    by,
    summary: str,
    recording_url: str = "",
    slides_url: str = "",
    open_thread: bool = True,
    now: datetime | None = None,
) -> EventPage:
    """After the event: saves recording, slides and summary (Markdown, rendered as posts are), opens the
    follow-up discussion in the host community's forum (once) and tells the registrants after commit."""
    from cop.markup import render_markdown
    from events import tasks

    now = now or timezone.now()
    if not permissions.can_manage_event(by, event):
        raise RegistrationNotAllowed(_("Only the event's organisers can publish the follow-up."))
    first = event.occurrences.order_by("start_utc").first()
    if first is None or first.start_utc > now:
        raise EventNotFinished()
    summary = (summary or "").strip()
    if not summary:
        raise EventError(_("Write a short summary of the event."))
    event = event.get_latest_revision_as_object()
    event.recording_url = recording_url
    event.slides_url = slides_url
    event.followup_summary = render_markdown(summary)
    if open_thread and not event.followup_thread_url and event.community_id:
        from forums import services as forum_services
        from forums.exceptions import ForumError

        try:
            board = forum_services.board_ensure_for_community(community=event.community)
            thread = forum_services.thread_create(
                board=board,
                author=by,
                title=str(_("Follow-up: %(title)s") % {"title": event.title})[:200],
                body=_followup_thread_body(
                    event, summary=summary, recording_url=recording_url, slides_url=slides_url
                ),
                tags=[tag.name for tag in event.tags.all()],
                gbf_targets=list(event.gbf_targets.all()),
            )
        except ForumError as error:
            raise EventError(error.message) from error
        event.followup_thread_url = thread.get_absolute_url()
    announce = event.followup_published_at is None
    if announce:
        event.followup_published_at = now
    event = event_update(page=event, by=by)
    if announce:
        enqueue_after_commit(tasks.announce_followup, event.pk)
    return event


# Imported feeds ----


@transaction.atomic
def feed_subscribe(*, community, by, title: str, url: str, keep_local_edits: bool = True):
    """Subscribes the community to a partner's iCalendar feed and imports it once after commit."""
    from events import tasks
    from events.importer import check_url
    from events.models import ImportedFeed

    if not permissions.can_organise_in(by, community):
        raise RegistrationNotAllowed(_("Only the community's facilitators can subscribe to calendars."))
    check_url(url)
    if ImportedFeed.objects.filter(community=community, url=url).exists():
        raise ValidationError(_("This community already follows this calendar."))
    feed = ImportedFeed.objects.create(
        community=community,
        title=title.strip()[:200],
        url=url,
        keep_local_edits=keep_local_edits,
        created_by=by,
    )
    enqueue_after_commit(tasks.import_feed, feed.pk)
    return feed


def feed_run_soon(*, feed) -> None:
    """Queues an import of the feed in the background (a large feed takes minutes)."""
    from events import tasks

    enqueue_after_commit(tasks.import_feed, feed.pk)


@transaction.atomic
def feed_update(*, feed, keep_local_edits: bool):
    feed.keep_local_edits = keep_local_edits
    feed.save(update_fields=["keep_local_edits"])
    return feed


@transaction.atomic
def feed_unsubscribe(*, feed) -> None:
    feed.delete()
