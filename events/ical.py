"""iCalendar export (RFC 5545, with the icalendar library): one event's .ics, the subscribable feeds
(site, community, type, tag) and the private personal feed, plus "add to Google / Outlook" links.

Every VEVENT has a stable UID (the page's uuid), DTSTAMP, SEQUENCE (raised on every published change)
and STATUS; a series carries its RRULE, EXDATE for cancelled dates and an override VEVENT with
RECURRENCE-ID for each moved occurrence; every TZID used gets its VTIMEZONE.

A feed is built in a constant number of queries (page URLs from the sites' root paths read once) and
cached by events.feed_cache."""

import logging
import re
from datetime import UTC, date, datetime
from functools import lru_cache
from urllib.parse import quote, urlsplit

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from icalendar import Timezone, vRecur
from wagtail.models import Site

from events.calendar_links import event_location
from events.emails import absolute, event_url
from events.expressible import BROKEN_DATA_ERRORS, EventNotExpressible, check_expressible
from events.feed_cache import FEED_FORMAT
from events.models import EventPage, EventType
from events.permissions import can_see_online_link
from events.recurrence import normalise_rule
from events.timezones import zone
from events.validation import EARLIEST_YEAR, LATEST_YEAR

logger = logging.getLogger(__name__)

VTIMEZONE_TIMEOUT = 60 * 60 * 24
FEED_PAST_DAYS = 90
FEED_MAX_EVENTS = 500
PRODID = "-//KM4B Communities//Events//EN"


def uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "km4b.example"


def event_uid(event: EventPage) -> str:
    return f"{event.ical_uid}@{uid_domain()}"


# What a shared feed writes of an event, read with .values(): building model instances (a Wagtail page
# with its clusters) cost more than writing the event.
FEED_EVENT_FIELDS = (
    "pk",
    "title",
    "url_path",
    "summary",
    "event_type",
    "time_zone",
    "all_day",
    "start_utc",
    "end_utc",
    "recurrence_rule",
    "cancelled",
    "cancellation_reason",
    "online_url",
    "online_instructions",
    "recording_url",
    "venue_name",
    "venue_address",
    "latitude",
    "longitude",
    "ical_uid",
    "ical_sequence",
    "first_published_at",
    "last_published_at",
)
FEED_OCCURRENCE_FIELDS = ("recurrence_id", "start_utc", "end_utc", "is_cancelled", "is_detached")


class FeedOccurrence:
    """An occurrence as a feed writes it (the fields of FEED_OCCURRENCE_FIELDS)."""

    __slots__ = FEED_OCCURRENCE_FIELDS

    def __init__(self, recurrence_id, start_utc, end_utc, is_cancelled, is_detached):
        self.recurrence_id, self.start_utc, self.end_utc = recurrence_id, start_utc, end_utc
        self.is_cancelled, self.is_detached = is_cancelled, is_detached

    @property
    def is_moved(self) -> bool:
        return self.start_utc != self.recurrence_id


class FeedEvent:
    """An event as a shared feed writes it: a row of FEED_EVENT_FIELDS and its occurrences (a list)."""

    __slots__ = (*FEED_EVENT_FIELDS, "occurrences")

    def __init__(self, row: dict, occurrences: list[FeedOccurrence]):
        for name, value in row.items():
            setattr(self, name, value)
        self.occurrences = occurrences


def _type_label(event_type: str) -> str:
    # Not get_event_type_display(): it hashes every lazy label of the choices, translating each.
    try:
        return str(EventType(event_type).label)
    except ValueError:
        return event_type


def _occurrences(event) -> list:
    """A FeedEvent's list, or a page's occurrences (prefetched for lists)."""
    return event.occurrences if isinstance(event.occurrences, list) else list(event.occurrences.all())


class PageUrls:
    """Absolute page addresses for a list of pages, the sites' root paths read once (Page.get_url looks
    them up for every page) and Wagtail's serve route reversed once: the same addresses as
    events.emails.event_url, in the active language."""

    def __init__(self):
        self.roots = Site.get_site_root_paths()
        self.one_site = len({root.site_id for root in self.roots}) == 1
        self.append_slash = getattr(settings, "WAGTAIL_APPEND_SLASH", True)
        self.serve_prefix = reverse("wagtail_serve", args=("",))

    def _path(self, relative: str) -> str | None:
        if _SERVE_PATH.fullmatch(relative):  # quoted as reverse() quotes it
            return self.serve_prefix + quote(relative, safe=RFC3986_SUBDELIMS + "/~:@")
        try:
            return reverse("wagtail_serve", args=(relative,))
        except NoReverseMatch:
            return None

    def __call__(self, page) -> str:
        for root in self.roots:
            if page.url_path.startswith(root.root_path):
                path = self._path(page.url_path[len(root.root_path) :])
                if path is None:
                    break
                if not self.append_slash and path != "/":
                    path = path.rstrip("/")
                return absolute(path) if self.one_site else root.root_url + path
        return absolute("/")


# Wagtail's serve route (wagtail.urls.serve_pattern with WAGTAIL_APPEND_SLASH).
_SERVE_PATH = re.compile(r"(?:[\w\-]+/)*")


# Writing iCalendar text (RFC 5545) ----
# By hand rather than through icalendar's component objects, which cost about a millisecond per event:
# a feed of 500 events is written in a few dozen. The tests read everything back with icalendar.

_TEXT_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": ""})


def _text(value) -> str:
    """A TEXT value: backslash, semicolon, comma and newline escaped (section 3.3.11)."""
    return str(value).replace("\r\n", "\n").translate(_TEXT_ESCAPES)


def _fold(line: str) -> str:
    """Content lines of at most 75 octets, continued after CRLF and a space (section 3.1), never
    splitting a UTF-8 character."""
    if line.isascii():
        if len(line) <= 75:
            return line
        return "\r\n ".join([line[:75], *(line[i : i + 74] for i in range(75, len(line), 74))])
    if len(line.encode()) <= 75:
        return line
    parts, current, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _utc(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _when(event: EventPage, name: str, instants: list[datetime]) -> str:
    """DTSTART, DTEND, RECURRENCE-ID or EXDATE: dates for all-day events, UTC for events in UTC, else
    the wall-clock time with the event's TZID."""
    tz = zone(event.time_zone)
    if event.all_day:
        values = ",".join(instant.astimezone(tz).strftime("%Y%m%d") for instant in instants)
        return f"{name};VALUE=DATE:{values}"
    if tz.key == "UTC":
        return f"{name}:{','.join(_utc(instant) for instant in instants)}"
    values = ",".join(instant.astimezone(tz).strftime("%Y%m%dT%H%M%S") for instant in instants)
    return f"{name};TZID={tz.key}:{values}"


def _description(event: EventPage, *, online: bool, url: str) -> str:
    parts = [event.summary]
    if event.cancelled and event.cancellation_reason:
        parts.append(f"CANCELLED: {event.cancellation_reason}")
    if online and event.online_url:
        parts.append(f"Join: {event.online_url}")
        if event.online_instructions:
            parts.append(event.online_instructions)
    if event.recording_url:
        parts.append(f"Recording: {event.recording_url}")
    parts.append(url)
    return "\n\n".join(part for part in parts if part)


def _common_lines(event: EventPage, *, online: bool, uid: str, stamp: str, url: str) -> list[str]:
    """The properties every VEVENT of the event carries (a series master and its overrides alike)."""
    lines = [
        f"UID:{_text(uid)}",
        f"DTSTAMP:{stamp}",
        f"SEQUENCE:{int(event.ical_sequence)}",
        f"SUMMARY:{_text(event.title)}",
        f"DESCRIPTION:{_text(_description(event, online=online, url=url))}",
    ]
    location = event_location(event, online=online)
    if location:
        lines.append(f"LOCATION:{_text(location)}")
    if event.latitude is not None and event.longitude is not None:
        lines.append(f"GEO:{float(event.latitude)!r};{float(event.longitude)!r}")
    lines.append(f"URL:{url}")
    lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
    lines.append(f"CATEGORIES:{_text(_type_label(event.event_type))}")
    if event.last_published_at:
        lines.append(f"LAST-MODIFIED:{_utc(event.last_published_at)}")
    if event.first_published_at:
        lines.append(f"CREATED:{_utc(event.first_published_at)}")
    return lines


class _Written:
    """VEVENT text with what the calendar around it needs: the TZID used and the years it spans."""

    __slots__ = ("text", "tzid", "years")

    def __init__(self, event: EventPage, blocks: list[list[str]], instants: list[datetime]):
        tz = zone(event.time_zone)
        self.tzid = None if event.all_day or tz.key == "UTC" else tz.key
        self.years = {instant.astimezone(tz).year for instant in instants}
        self.text = "".join(
            "BEGIN:VEVENT\r\n" + "".join(_fold(line) + "\r\n" for line in lines) + "END:VEVENT\r\n"
            for lines in blocks
        )


def _stamp() -> str:
    return _utc(timezone.now())


def event_vevents(event: EventPage, *, online: bool = False, stamp: str = "", url: str = "") -> _Written:
    """The VEVENTs of one event: a single one, or a series master with its moved occurrences.
    Needs `event.occurrences` (prefetch them for lists). Raises EventNotExpressible for broken data."""
    stamp = stamp or _stamp()
    url = url or event_url(event)
    uid = event_uid(event)
    occurrences = sorted(_occurrences(event), key=lambda occ: occ.recurrence_id)
    check_expressible(event, occurrences)
    master = _common_lines(event, online=online, uid=uid, stamp=stamp, url=url)
    if not event.recurrence_rule:
        start = occurrences[0].start_utc if occurrences else event.start_utc
        end = occurrences[0].end_utc if occurrences else event.end_utc
        master += [_when(event, "DTSTART", [start]), _when(event, "DTEND", [end])]
        return _Written(event, [master], [start])
    master += [_when(event, "DTSTART", [event.start_utc]), _when(event, "DTEND", [event.end_utc])]
    master.append("RRULE:" + vRecur.from_ical(normalise_rule(event.recurrence_rule)).to_ical().decode())
    exdates = [occ.recurrence_id for occ in occurrences if occ.is_cancelled and not event.cancelled]
    if exdates:
        master.append(_when(event, "EXDATE", exdates))
    blocks, starts = [master], [event.start_utc]
    for occ in occurrences:
        if occ.is_moved and not occ.is_cancelled and not occ.is_detached:
            override = _common_lines(event, online=online, uid=uid, stamp=stamp, url=url)
            override += [
                _when(event, "RECURRENCE-ID", [occ.recurrence_id]),
                _when(event, "DTSTART", [occ.start_utc]),
                _when(event, "DTEND", [occ.end_utc]),
            ]
            blocks.append(override)
            starts.append(occ.start_utc)
    return _Written(event, blocks, starts)


def occurrence_vevent(occurrence, *, online: bool, stamp: str = "", url: str = "") -> _Written:
    """One occurrence as a standalone VEVENT (the personal feed lists only what the user registered for)."""
    event = occurrence.event
    check_expressible(event, [occurrence])
    if event.recurrence_rule:
        uid = f"{event.ical_uid}-{_utc(occurrence.recurrence_id)}@{uid_domain()}"
    else:
        uid = event_uid(event)
    lines = _common_lines(event, online=online, uid=uid, stamp=stamp or _stamp(), url=url or event_url(event))
    lines += [_when(event, "DTSTART", [occurrence.start_utc]), _when(event, "DTEND", [occurrence.end_utc])]
    if occurrence.is_cancelled:
        lines = [line for line in lines if not line.startswith("STATUS:")] + ["STATUS:CANCELLED"]
    return _Written(event, [lines], [occurrence.start_utc])


@lru_cache(maxsize=256)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> str:
    """The VTIMEZONE of a zone over the years a calendar spans. icalendar computes it (about a tenth of
    a second a zone) once a day for all processes: kept in the cache, and in each process's memory."""
    key = f"events:vtimezone:{FEED_FORMAT}:{icalendar.__version__}:{tzid}:{first_year}:{last_year}"
    text = cache.get(key)
    if text is None:
        try:
            component = Timezone.from_tzid(
                tzid, first_date=date(first_year, 1, 1), last_date=date(last_year, 1, 1)
            )
            text = component.to_ical().decode()
        except ValueError:  # a zone icalendar does not know: left out, as add_missing_timezones does
            text = ""
        cache.set(key, text, VTIMEZONE_TIMEOUT)
    return text


def build_calendar(written: list[_Written], *, name: str) -> bytes:
    years = [min(max(year, EARLIEST_YEAR), LATEST_YEAR) for w in written for year in w.years]
    years = years or [timezone.now().year]
    first_year, last_year = min(years) - 1, max(max(years) + 3, 2038)
    header = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_text(name)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    tzids = sorted({w.tzid for w in written if w.tzid})
    return "".join(
        [
            *(_fold(line) + "\r\n" for line in header),
            *(_vtimezone(tzid, first_year, last_year) for tzid in tzids),
            *(w.text for w in written),
            "END:VCALENDAR\r\n",
        ]
    ).encode()


def _skip(event: EventPage, error: Exception) -> None:
    logger.warning(
        "Event %s (%r) left out of an iCalendar file or feed: its stored data cannot be written (%s)",
        event.pk,
        event.title,
        error,
    )


def event_ics(event: EventPage, *, online: bool) -> bytes:
    """One event's file; raises EventNotExpressible (409, with a message) when its data is broken."""
    try:
        return build_calendar([event_vevents(event, online=online)], name=event.title)
    except EventNotExpressible:
        raise
    except BROKEN_DATA_ERRORS as error:
        _skip(event, error)
        raise EventNotExpressible() from error


def feed_ics(events, *, name: str) -> bytes:
    """A shared feed of pages or FeedEvents (events.selectors.feed_event_rows): an event whose stored
    data cannot be written is left out with a warning."""
    stamp, urls = _stamp(), PageUrls()
    written = []
    for event in events:
        try:
            written.append(event_vevents(event, stamp=stamp, url=urls(event)))
        except BROKEN_DATA_ERRORS as error:
            _skip(event, error)
    return build_calendar(written, name=name)


def personal_ics(user, registrations, *, name: str) -> bytes:
    """The user's own registrations; the join link only where permissions.can_see_online_link allows."""
    stamp, urls = _stamp(), PageUrls()
    written = []
    for r in registrations:
        event = r.occurrence.event
        try:
            online = can_see_online_link(user, event, r)
            written.append(occurrence_vevent(r.occurrence, online=online, stamp=stamp, url=urls(event)))
        except BROKEN_DATA_ERRORS as error:  # left out with a warning, as in feed_ics
            _skip(event, error)
    return build_calendar(written, name=name)


# "Add to my calendar" links ----
