"""Writing the parsed events into the community's calendar, in batches of short transactions, and
the removals of events gone from the feed."""

from datetime import date, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from cop.errors import DomainError
from events.importer.common import setting
from events.importer.items import ParsedEvent, ParsedFeed
from events.models import (
    EventFormat,
    EventPage,
    EventType,
    ImportReport,
    OccurrenceChange,
    RegistrationMode,
)
from events.services import events as event_services

SIX_PLACES = Decimal("0.000001")
# Events written per transaction: creating one (page, revision, occurrences, indexes) takes 0.1-0.25 s,
# so a batch holds the database's write lock for about a second at most.
BATCH_SIZE = 5
# More than this share of a subscription's events gone from one download: the removals are held.
HOLD_SHARE = 0.5


# Applying ----


def _event_fields(item: ParsedEvent, feed) -> dict:
    description = item.description
    body = []
    if description:
        body.append({"type": "paragraph", "value": linebreaks(escape(description))})
    if item.url.startswith(("http://", "https://")):
        body.append(
            {
                "type": "paragraph",
                "value": f'<p><a href="{escape(item.url)}">{escape(_("More information"))}</a></p>',
            }
        )
    location_is_url = item.location.startswith(("http://", "https://"))
    return {
        "title": item.title,
        "summary": (description.split("\n", 1)[0] or item.title)[:300],
        "description": body,
        "event_type": EventType.OTHER,
        "event_format": EventFormat.ONLINE
        if (location_is_url or not item.location)
        else EventFormat.IN_PERSON,
        "venue_name": "" if location_is_url else item.location[:200],
        "venue_address": "",
        "online_url": item.location[:200] if location_is_url else "",
        "latitude": None if item.latitude is None else Decimal(str(item.latitude)).quantize(SIX_PLACES),
        "longitude": None if item.longitude is None else Decimal(str(item.longitude)).quantize(SIX_PLACES),
        "time_zone": item.time_zone,
        "all_day": item.all_day,
        "start_date": date.fromisoformat(item.start_date),
        "start_time": time.fromisoformat(item.start_time) if item.start_time else None,
        "end_date": date.fromisoformat(item.end_date),
        "end_time": time.fromisoformat(item.end_time) if item.end_time else None,
        "recurrence_rule": item.rrule,
        "cancelled": item.cancelled,
        "cancellation_reason": _("Cancelled by %(partner)s.") % {"partner": feed.title}
        if item.cancelled
        else "",
        "community": feed.community,
    }


def _set_changes(page: EventPage, item: ParsedEvent) -> None:
    seen = set()
    changes = []
    for change in item.changes:
        if change.original_date in seen:
            continue
        seen.add(change.original_date)
        changes.append(
            OccurrenceChange(
                original_date=date.fromisoformat(change.original_date),
                cancelled=change.cancelled,
                new_start_date=date.fromisoformat(change.new_start_date) if change.new_start_date else None,
                new_start_time=time.fromisoformat(change.new_start_time) if change.new_start_time else None,
            )
        )
    page.occurrence_changes.set(changes)


def batches(items: list, size: int):
    for index in range(0, len(items), size):
        yield items[index : index + size]


def _pages_for(feed, uids: list[str]) -> dict[str, EventPage]:
    """The subscription's pages for these UIDs, fresh from the database (a retry finds what an earlier
    run created). A page the organiser kept when the feed dropped it, or one left by an earlier
    subscription to this feed, is taken back instead of being imported twice."""
    pages: dict[str, EventPage] = {}
    candidates = EventPage.objects.filter(
        Q(import_feed=feed) | Q(import_feed__isnull=True, community=feed.community), import_uid__in=uids
    ).order_by("pk")
    for page in candidates:
        if page.import_uid not in pages or page.import_feed_id == feed.pk:
            pages[page.import_uid] = page
    return pages


def apply_event(feed, item: ParsedEvent, page: EventPage | None, report: ImportReport) -> None:
    fingerprint = item.fingerprint()
    if page is not None and page.import_feed_id != feed.pk:
        EventPage.objects.filter(pk=page.pk).update(import_feed=feed)
        page.import_feed = feed
    if page is None:
        page = EventPage(
            **_event_fields(item, feed),
            registration_mode=RegistrationMode.CLOSED,
            import_feed=feed,
            import_uid=item.uid,
            import_hash=fingerprint,
        )
        _set_changes(page, item)
        event_services.event_create(page=page)
        report.created += 1
    elif page.import_hash == fingerprint:
        report.unchanged += 1
    elif page.locally_edited and feed.keep_local_edits:
        report.kept_local += 1
    else:
        page = page.get_latest_revision_as_object()
        for name, value in _event_fields(item, feed).items():
            setattr(page, name, value)
        page.import_hash = fingerprint
        page.locally_edited = False
        _set_changes(page, item)
        event_services.event_update(page=page)
        EventPage.objects.filter(pk=page.pk).update(locally_edited=False)
        report.updated += 1


# What one bad event may raise while it is saved; anything else stops the run.
EVENT_ERRORS = (ValidationError, DomainError, IntegrityError, ValueError, OverflowError)


def apply_batch(feed, items: list[ParsedEvent], report: ImportReport) -> None:
    """One short transaction: the batch's events created or updated, each in its own savepoint so that
    a bad one is skipped and named while the others are saved."""
    with transaction.atomic():
        token = event_services.importing.set(True)
        try:
            pages = _pages_for(feed, [item.uid for item in items])
            for item in items:
                try:
                    with transaction.atomic():
                        apply_event(feed, item, pages.get(item.uid), report)
                except EVENT_ERRORS as exc:
                    reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                    report.skipped += 1
                    report.messages.append(
                        _("%(event)s was skipped: %(reason)s.")
                        % {"event": item.label, "reason": reason[:200]}
                    )
        finally:
            event_services.importing.reset(token)
        ImportReport.objects.filter(pk=report.pk).update(**_counts(report))


def _counts(report: ImportReport) -> dict:
    names = ("created", "updated", "unchanged", "removed", "kept_local", "skipped")
    return {name: getattr(report, name) for name in names}


def _remove_page(feed, page: EventPage) -> None:
    """Cancels an event people registered for (they are told), deletes the others."""
    if page.occurrences.filter(registrations__status__in=["registered", "offered", "waitlisted"]).exists():
        if not page.cancelled:
            event_services.event_cancel(
                event=page.get_latest_revision_as_object(),
                reason=_("%(partner)s removed this event from its calendar.") % {"partner": feed.title},
            )
        return
    page.delete()


def remove_pages(feed, page_ids: list[int], report: ImportReport) -> None:
    """Removes the pages in batches, each its own short transaction."""
    for batch in batches(page_ids, setting("EVENTS_IMPORT_BATCH_SIZE", BATCH_SIZE)):
        with transaction.atomic():
            token = event_services.importing.set(True)
            try:
                for page in EventPage.objects.filter(pk__in=batch, import_feed=feed):
                    _remove_page(feed, page)
                    report.removed += 1
            finally:
                event_services.importing.reset(token)
            ImportReport.objects.filter(pk=report.pk).update(**_counts(report))


def removals_of(feed, parsed: ParsedFeed, subscribed_before: int, report: ImportReport) -> list[str]:
    """Removes the events a complete, valid feed no longer has, unless that is more than half of the
    subscription's events: then nothing is removed and their UIDs are returned, held for the organiser."""
    gone = [
        (pk, uid, edited)
        for pk, uid, edited in EventPage.objects.filter(import_feed=feed).values_list(
            "pk", "import_uid", "locally_edited"
        )
        if uid not in parsed.present_uids
    ]
    removable = []
    for pk, uid, edited in gone:
        if edited and feed.keep_local_edits:
            report.kept_local += 1
        else:
            removable.append((pk, uid))
    if removable and len(removable) > subscribed_before * HOLD_SHARE:
        return sorted(uid for _pk, uid in removable)
    remove_pages(feed, [pk for pk, _uid in removable], report)
    return []
