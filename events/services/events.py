"""Publishing events and series: the calendar page, creating, editing and cancelling an event, and
the materialised occurrences that follow its dates, rule and exceptions."""

import contextvars
import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from cop.commit import enqueue_after_commit
from events.models import EventIndexPage, EventPage, Occurrence
from events.models.pages import RESERVED_SLUGS
from events.models.registration import ACTIVE
from events.recurrence import HORIZON, expand, parse_rule
from events.services.exceptions import EventCancelled, EventError
from events.services.feeds import event_feeds_refresh
from events.services.rooms import event_room_sync
from events.services.waiting_list import fill_free_seats
from events.timezones import local_to_utc, utc_to_local
from events.validation import InvalidEventData, check_event_dates, year_in_range

logger = logging.getLogger(__name__)

# Set while the importer publishes, so that its own writes are not taken for an organiser's local edit.
importing = contextvars.ContextVar("events_importing", default=False)


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
                    "events.tasks.notify_occurrence_change", occ.pk, "cancelled", old_start.isoformat()
                )
            elif moved and not occ.is_cancelled:
                enqueue_after_commit(
                    "events.tasks.notify_occurrence_change", occ.pk, "moved", old_start.isoformat()
                )
        if not occ.is_cancelled:
            fill_free_seats(occ, event=event, now=now)
    for recurrence_id, occ in existing.items():
        if recurrence_id in seen:
            continue
        if occ.registrations.filter(status__in=ACTIVE).exists():
            if not occ.is_cancelled:
                occ.is_cancelled, occ.is_detached = True, True
                occ.save(update_fields=["is_cancelled", "is_detached"])
                if occ.start_utc > now:
                    enqueue_after_commit(
                        "events.tasks.notify_occurrence_change",
                        occ.pk,
                        "cancelled",
                        occ.start_utc.isoformat(),
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
    """The calendar page, made under the default site's root page (the home page) on first need (the
    first event, or the first visit to the calendar's address: events.wagtail_hooks)."""
    index = EventIndexPage.objects.first()
    if index is None:
        with transaction.atomic():
            site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
            root = site.root_page.specific if site is not None else None
            if root is None or not EventIndexPage.can_create_at(root):
                raise EventError(_("The site has no home page yet."))
            # Two first visits at once: the second waits for the first's page under the locked parent.
            type(root).objects.select_for_update().filter(pk=root.pk).first()
            index = EventIndexPage.objects.first()
            if index is None:
                root.refresh_from_db(fields=["numchild", "path", "depth"])
                index = root.add_child(instance=EventIndexPage(title="Events", slug="events"))
    return index


def unique_slug(parent, base: str) -> str:
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
