"""iCalendar export (RFC 5545, with the icalendar library): one event's .ics, the subscribable feeds
(site, community, type, tag) and the private personal feed, plus "add to Google / Outlook" links.

Every VEVENT has a stable UID (the page's uuid), DTSTAMP, SEQUENCE (raised on every published change)
and STATUS; a series carries its RRULE, EXDATE for cancelled dates and an override VEVENT with
RECURRENCE-ID for each moved occurrence; every TZID used gets its VTIMEZONE. Feeds are cached under a
version number that any change to an event or registration increments."""

import logging
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from icalendar import Calendar, Event, vRecur

from events.emails import event_url
from events.models import EventPage
from events.recurrence import check_rule_parts, normalise_rule
from events.timezones import zone
from events.validation import EARLIEST_YEAR, LATEST_YEAR, InvalidEventData, year_in_range

logger = logging.getLogger(__name__)

FEED_VERSION_KEY = "events:feed-version"
FEED_TIMEOUT = 60 * 60
FEED_PAST_DAYS = 90
FEED_MAX_EVENTS = 500
PRODID = "-//KM4B Communities//Events//EN"


def feed_version() -> int:
    version = cache.get(FEED_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(FEED_VERSION_KEY, version, None)
    return version


def invalidate_feeds() -> None:
    """Makes every cached feed stale (called after commit on any change to events or registrations)."""
    try:
        cache.incr(FEED_VERSION_KEY)
    except ValueError:
        cache.set(FEED_VERSION_KEY, 2, None)


def cached_feed(key: str, build) -> bytes:
    full_key = f"events:feed:{feed_version()}:{key}"
    body = cache.get(full_key)
    if body is None:
        body = build()
        cache.set(full_key, body, FEED_TIMEOUT)
    return body


def uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "km4b.example"


def event_uid(event: EventPage) -> str:
    return f"{event.ical_uid}@{uid_domain()}"


def _when(event: EventPage, instant: datetime):
    """A DTSTART/DTEND value: a date for all-day events, else the wall-clock time in the event's zone."""
    local = instant.astimezone(zone(event.time_zone))
    if event.all_day:
        return local.date()
    if event.time_zone == "UTC":
        return instant.astimezone(UTC)
    return local


def _description(event: EventPage, *, online: bool) -> str:
    parts = [event.summary]
    if event.cancelled and event.cancellation_reason:
        parts.append(f"CANCELLED: {event.cancellation_reason}")
    if online and event.online_url:
        parts.append(f"Join: {event.online_url}")
        if event.online_instructions:
            parts.append(event.online_instructions)
    if event.recording_url:
        parts.append(f"Recording: {event.recording_url}")
    parts.append(event_url(event))
    return "\n\n".join(part for part in parts if part)


def _location(event: EventPage, *, online: bool) -> str:
    place = ", ".join(p for p in [event.venue_name, event.venue_address.replace("\n", ", ")] if p)
    if online and event.online_url:
        return f"{place} / {event.online_url}" if place else event.online_url
    return place


def _base_vevent(event: EventPage, *, online: bool, uid: str, stamp: datetime) -> Event:
    vevent = Event()
    vevent.add("uid", uid)
    vevent.add("dtstamp", stamp)
    vevent.add("sequence", event.ical_sequence)
    vevent.add("summary", event.title)
    vevent.add("description", _description(event, online=online))
    location = _location(event, online=online)
    if location:
        vevent.add("location", location)
    if event.latitude is not None and event.longitude is not None:
        vevent.add("geo", (float(event.latitude), float(event.longitude)))
    vevent.add("url", event_url(event))
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("categories", [event.get_event_type_display()])
    if event.last_published_at:
        vevent.add("last-modified", event.last_published_at.astimezone(UTC))
    if event.first_published_at:
        vevent.add("created", event.first_published_at.astimezone(UTC))
    return vevent


class EventNotExpressible(InvalidEventData):
    """An event stored with data no calendar can hold (written before the bounds, or by hand)."""

    status = 409
    default_message = _(
        "This event's calendar file cannot be made: its dates are not valid. Its organisers can correct them."
    )


# What the data of an event stored before the bounds (or edited by hand) can raise while it is written
# out: it is then left out of a feed, never failing the feed for everyone.
BROKEN_DATA_ERRORS = (InvalidEventData, ValidationError, ValueError, TypeError, OverflowError)


def check_expressible(event: EventPage, occurrences=()) -> None:
    """Raises EventNotExpressible when the event's stored instants, zone or rule cannot be written as
    iCalendar: years outside EARLIEST_YEAR-LATEST_YEAR (in UTC or in its own zone), or a rule that is not
    valid."""
    instants = [event.start_utc, event.end_utc]
    for occ in occurrences:
        instants.extend((occ.recurrence_id, occ.start_utc, occ.end_utc))
    tz = zone(event.time_zone)
    for instant in instants:
        try:
            in_range = (
                instant is not None and year_in_range(instant) and year_in_range(instant.astimezone(tz))
            )
        except (OverflowError, ValueError):
            in_range = False
        if not in_range:
            raise EventNotExpressible(
                _(
                    "This event's calendar file cannot be made: its dates are outside the years "
                    "%(earliest)s to %(latest)s. Its organisers can correct them."
                )
                % {"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR}
            )
    if event.recurrence_rule:
        try:
            check_rule_parts(normalise_rule(event.recurrence_rule))
        except ValidationError as exc:
            raise EventNotExpressible(" ".join(exc.messages)) from exc


def _skip(event: EventPage, error: Exception) -> None:
    logger.warning(
        "Event %s (%r) left out of an iCalendar file or feed: its stored data cannot be written (%s)",
        event.pk,
        event.title,
        error,
    )


def _serialisable(vevents: list[Event]) -> list[Event]:
    """Writes each VEVENT once, so that one whose values the library cannot write fails alone."""
    for vevent in vevents:
        vevent.to_ical()
    return vevents


def event_vevents(event: EventPage, *, online: bool = False, stamp: datetime | None = None) -> list[Event]:
    """The VEVENTs of one event: a single one, or a series master with its moved occurrences.
    Needs `event.occurrences` (prefetch them for lists). Raises EventNotExpressible for broken data."""
    stamp = stamp or timezone.now().astimezone(UTC).replace(microsecond=0)
    uid = event_uid(event)
    occurrences = sorted(event.occurrences.all(), key=lambda occ: occ.recurrence_id)
    check_expressible(event, occurrences)
    master = _base_vevent(event, online=online, uid=uid, stamp=stamp)
    if not event.recurrence_rule:
        start = occurrences[0].start_utc if occurrences else event.start_utc
        end = occurrences[0].end_utc if occurrences else event.end_utc
        master.add("dtstart", _when(event, start))
        master.add("dtend", _when(event, end))
        return [master]
    master.add("dtstart", _when(event, event.start_utc))
    master.add("dtend", _when(event, event.end_utc))
    master.add("rrule", vRecur.from_ical(normalise_rule(event.recurrence_rule)))
    exdates = [
        _when(event, occ.recurrence_id) for occ in occurrences if occ.is_cancelled and not event.cancelled
    ]
    if exdates:
        master.add("exdate", exdates)
    vevents = [master]
    for occ in occurrences:
        if occ.is_moved and not occ.is_cancelled and not occ.is_detached:
            override = _base_vevent(event, online=online, uid=uid, stamp=stamp)
            override.add("recurrence-id", _when(event, occ.recurrence_id))
            override.add("dtstart", _when(event, occ.start_utc))
            override.add("dtend", _when(event, occ.end_utc))
            vevents.append(override)
    return vevents


def occurrence_vevent(occurrence, *, online: bool, stamp: datetime | None = None) -> Event:
    """One occurrence as a standalone VEVENT (the personal feed lists only what the user registered for)."""
    event = occurrence.event
    check_expressible(event, [occurrence])
    stamp = stamp or timezone.now().astimezone(UTC).replace(microsecond=0)
    if event.recurrence_rule:
        uid = f"{event.ical_uid}-{occurrence.recurrence_id.astimezone(UTC):%Y%m%dT%H%M%SZ}@{uid_domain()}"
    else:
        uid = event_uid(event)
    vevent = _base_vevent(event, online=online, uid=uid, stamp=stamp)
    vevent.add("dtstart", _when(event, occurrence.start_utc))
    vevent.add("dtend", _when(event, occurrence.end_utc))
    if occurrence.is_cancelled:
        vevent["status"] = "CANCELLED"
    return vevent


def build_calendar(vevents: list[Event], *, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    years = [
        min(max(v.decoded("dtstart").year, EARLIEST_YEAR), LATEST_YEAR) for v in vevents if "dtstart" in v
    ] or [timezone.now().year]
    for vevent in vevents:
        cal.add_component(vevent)
    cal.add_missing_timezones(
        first_date=date(min(years) - 1, 1, 1), last_date=date(max(max(years) + 3, 2038), 1, 1)
    )
    return cal.to_ical()


def event_ics(event: EventPage, *, online: bool) -> bytes:
    """One event's file; raises EventNotExpressible (409, with a message) when its data is broken."""
    try:
        return build_calendar(_serialisable(event_vevents(event, online=online)), name=event.title)
    except EventNotExpressible:
        raise
    except BROKEN_DATA_ERRORS as error:
        _skip(event, error)
        raise EventNotExpressible() from error


def feed_ics(events, *, name: str) -> bytes:
    """A shared feed: an event whose stored data cannot be written is left out with a warning."""
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    vevents = []
    for event in events:
        try:
            vevents.extend(_serialisable(event_vevents(event, stamp=stamp)))
        except BROKEN_DATA_ERRORS as error:
            _skip(event, error)
    return build_calendar(vevents, name=name)


def personal_ics(user, registrations, *, name: str) -> bytes:
    """The user's own registrations; the join link only where permissions.can_see_online_link allows."""
    from events.permissions import can_see_online_link

    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    vevents = []
    for r in registrations:
        try:
            online = can_see_online_link(user, r.occurrence.event, r)
            vevents.extend(_serialisable([occurrence_vevent(r.occurrence, online=online, stamp=stamp)]))
        except BROKEN_DATA_ERRORS as error:  # left out with a warning, as in feed_ics
            _skip(r.occurrence.event, error)
    return build_calendar(vevents, name=name)


# "Add to my calendar" links ----


def _utc_stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(occurrence) -> str:
    event = occurrence.event
    if event.all_day:
        local_start = occurrence.start_utc.astimezone(zone(event.time_zone)).date()
        local_end = occurrence.end_utc.astimezone(zone(event.time_zone)).date()
        dates = f"{local_start:%Y%m%d}/{local_end:%Y%m%d}"
    else:
        dates = f"{_utc_stamp(occurrence.start_utc)}/{_utc_stamp(occurrence.end_utc)}"
    params = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": dates,
        "details": f"{event.summary}\n\n{event_url(event)}",
        "location": _location(event, online=False),
        "ctz": event.time_zone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(params)


def outlook_calendar_url(occurrence, *, office365: bool = False) -> str:
    event = occurrence.event
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": occurrence.start_utc.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "enddt": occurrence.end_utc.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "body": f"{strip_tags(event.summary)}\n\n{event_url(event)}",
        "location": _location(event, online=False),
        "allday": "true" if event.all_day else "false",
    }
    host = "https://outlook.office.com" if office365 else "https://outlook.live.com"
    return f"{host}/calendar/0/deeplink/compose?" + urlencode(params)
