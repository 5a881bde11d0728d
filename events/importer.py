"""Import of partners' iCalendar feeds into a community's calendar.

Fetching is guarded (http/https only, a timeout, a size limit, no private, loopback or link-local
address after DNS resolution, redirects re-checked). Parsing copes with what real feeds contain: a
byte-order mark or invalid bytes, several VCALENDARs in one file, unknown or custom time zones, floating
times, missing or duplicate UIDs, moved occurrences, rules that repeat for ever, thousands of events.
Each run applies a whole feed in one transaction (never half an import) and leaves an ImportReport."""

import hashlib
import ipaddress
import json
import logging
import socket
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from icalendar import Calendar

from events import services
from events.models import (
    EventFormat,
    EventPage,
    EventType,
    ImportOutcome,
    ImportReport,
    OccurrenceChange,
    RegistrationMode,
)
from events.recurrence import normalise_rule, parse_rule
from events.timezones import is_known_time_zone, utc_to_local, zone

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = (5, 20)
MAX_REDIRECTS = 3
PAST_WINDOW = timedelta(days=30)
MAX_MESSAGES = 200
SIX_PLACES = Decimal("0.000001")


def _setting(name: str, default):
    return getattr(settings, name, default)


class FeedError(Exception):
    """The feed could not be fetched or read; `message` says why in words for the organiser."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# Fetching ----


def _address_is_public(address: str) -> bool:
    """True only for globally routable unicast addresses (not private, loopback, link-local, reserved…)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> None:
    """Refuses addresses the server must not fetch; raises ValidationError with a readable message."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("Give an http:// or https:// address of an iCalendar feed."))
    if parts.username or parts.password:
        raise ValidationError(_("Addresses with a user name or password are not accepted."))
    host = parts.hostname
    if host in _setting("EVENTS_IMPORT_ALLOWED_HOSTS", ()):
        return
    try:
        infos = socket.getaddrinfo(
            host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except (socket.gaierror, UnicodeError) as exc:
        raise ValidationError(_("The host %(host)s could not be found.") % {"host": host}) from exc
    addresses = {info[4][0] for info in infos}
    if not addresses or not all(_address_is_public(address) for address in addresses):
        raise ValidationError(
            _("%(host)s is a private or local address; only public calendars can be imported.")
            % {"host": host}
        )


def fetch(url: str) -> bytes:
    """Downloads a feed with a timeout and a size limit, re-checking every redirect's address."""
    max_bytes = _setting("EVENTS_IMPORT_MAX_BYTES", MAX_BYTES)
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            check_url(url)
        except ValidationError as exc:
            raise FeedError(exc.messages[0]) from exc
        try:
            response = requests.get(
                url,
                timeout=TIMEOUT,
                stream=True,
                allow_redirects=False,
                headers={
                    "User-Agent": "KM4B-Communities-calendar-import/1.0",
                    "Accept": "text/calendar, */*",
                },
            )
        except requests.RequestException as exc:
            raise FeedError(
                _("The feed could not be reached (%(error)s).") % {"error": type(exc).__name__}
            ) from exc
        with response:
            if response.is_redirect:
                url = urljoin(url, response.headers.get("Location", ""))
                continue
            if response.status_code != 200:
                raise FeedError(
                    _("The feed answered with HTTP status %(status)s.") % {"status": response.status_code}
                )
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FeedError(
                    _("The feed is larger than %(size)s MB.") % {"size": max_bytes // (1024 * 1024)}
                )
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise FeedError(
                        _("The feed is larger than %(size)s MB.") % {"size": max_bytes // (1024 * 1024)}
                    )
                chunks.append(chunk)
            return b"".join(chunks)
    raise FeedError(_("The feed redirects too many times."))


# Parsing ----


@dataclass
class ParsedChange:
    original_date: str
    cancelled: bool
    new_start_date: str | None = None
    new_start_time: str | None = None


@dataclass
class ParsedEvent:
    uid: str
    title: str
    description: str
    location: str
    url: str
    time_zone: str
    all_day: bool
    start_date: str
    start_time: str | None
    end_date: str
    end_time: str | None
    rrule: str = ""
    cancelled: bool = False
    sequence: int = 0
    latitude: float | None = None
    longitude: float | None = None
    changes: list[ParsedChange] = field(default_factory=list)

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True, default=str).encode()).hexdigest()

    @property
    def local_start(self) -> datetime:
        return datetime.combine(
            date.fromisoformat(self.start_date), time.fromisoformat(self.start_time or "00:00")
        )


@dataclass
class ParsedFeed:
    events: list[ParsedEvent]
    messages: list[str]


def _text(component, name: str, limit: int) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).replace("\x00", "").strip()[:limit]


def _decode(data: bytes, messages: list[str]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        messages.append(_("The feed contains bytes that are not UTF-8 text; they were replaced."))
        return data.decode("utf-8", errors="replace")


def _zone_of(value: datetime, param_tzid: str, default_tz: str) -> tuple[datetime, str, str | None]:
    """(wall-clock naive datetime, IANA zone, warning) for a DTSTART/DTEND value."""
    if value.tzinfo is None:
        return value, default_tz, "floating"
    key = getattr(value.tzinfo, "key", None) or getattr(value.tzinfo, "zone", None)
    if key and is_known_time_zone(key):
        return value.replace(tzinfo=None), key, None
    if param_tzid and is_known_time_zone(param_tzid):
        return value.replace(tzinfo=None), param_tzid, None
    if value.utcoffset() == timedelta(0) and (param_tzid in ("", "UTC", "Z") or key in ("UTC", "Z")):
        return value.astimezone(UTC).replace(tzinfo=None), "UTC", None
    try:
        return value.astimezone(UTC).replace(tzinfo=None), "UTC", "converted"
    except (ValueError, OverflowError, TypeError):
        return value.replace(tzinfo=None), default_tz, "floating"


def _dt_value(component, name: str):
    prop = component.get(name)
    if prop is None:
        return None, ""
    tzid = str(prop.params.get("TZID", "")) if hasattr(prop, "params") else ""
    return prop.dt, tzid


def _parse_event(component, default_tz: str, messages: list[str], label: str) -> ParsedEvent | None:
    start, start_tzid = _dt_value(component, "DTSTART")
    if start is None:
        messages.append(_("%(event)s has no start date: skipped.") % {"event": label})
        return None
    end, _end_tzid = _dt_value(component, "DTEND")
    duration = component.get("DURATION")
    all_day = isinstance(start, date) and not isinstance(start, datetime)
    if all_day:
        first_day = start
        if isinstance(end, date) and not isinstance(end, datetime) and end > start:
            last_day = end - timedelta(days=1)
        elif duration is not None and getattr(duration, "dt", None) and duration.dt.days >= 1:
            last_day = start + duration.dt - timedelta(days=1)
        else:
            last_day = start
        tz_name = default_tz
        start_local = datetime.combine(first_day, time(0))
        end_local = datetime.combine(last_day, time(0))
    else:
        start_local, tz_name, warning = _zone_of(start, start_tzid, default_tz)
        if warning == "floating":
            messages.append(
                _("%(event)s has a floating time: read in %(zone)s.") % {"event": label, "zone": tz_name}
            )
        elif warning == "converted":
            messages.append(
                _("%(event)s uses an unknown time zone (%(tzid)s): times converted to UTC.")
                % {"event": label, "tzid": start_tzid or "?"}
            )
        if isinstance(end, datetime):
            end_aware = end if end.tzinfo else end.replace(tzinfo=start.tzinfo)
            start_aware = start if start.tzinfo else start
            try:
                length = end_aware - start_aware
            except TypeError:
                length = timedelta(hours=1)
        elif duration is not None and getattr(duration, "dt", None) is not None:
            length = duration.dt
        else:
            length = timedelta(hours=1)
        if length <= timedelta(0):
            messages.append(_("%(event)s ends before it starts: given one hour.") % {"event": label})
            length = timedelta(hours=1)
        if length > timedelta(days=60):
            messages.append(_("%(event)s lasts more than 60 days: shortened to one day.") % {"event": label})
            length = timedelta(days=1)
        end_local = start_local + length
    rrule_text = ""
    rrule_prop = component.get("RRULE")
    if rrule_prop is not None:
        if isinstance(rrule_prop, list):
            rrule_prop = rrule_prop[0]
        rrule_text = normalise_rule(rrule_prop.to_ical().decode("ascii", "replace"))
        try:
            parse_rule(rrule_text, start_local)
        except ValidationError:
            messages.append(
                _(
                    "%(event)s repeats with a rule we do not support (%(rule)s): only its first date is imported."
                )
                % {"event": label, "rule": rrule_text[:80]}
            )
            rrule_text = ""
    if component.get("RDATE") is not None:
        messages.append(_("%(event)s lists extra dates (RDATE) that are not imported.") % {"event": label})
    changes = []
    if rrule_text:
        for exdate_prop in _as_list(component.get("EXDATE")):
            for item in getattr(exdate_prop, "dts", []):
                value = item.dt
                day = _wall_clock(value, tz_name).date() if isinstance(value, datetime) else value
                changes.append(ParsedChange(original_date=day.isoformat(), cancelled=True))
    geo = component.get("GEO")
    latitude = longitude = None
    if geo is not None:
        try:
            latitude, longitude = round(float(geo.latitude), 6), round(float(geo.longitude), 6)
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                latitude = longitude = None
        except (AttributeError, TypeError, ValueError):
            latitude = longitude = None
    title = _text(component, "SUMMARY", 255) or _("Untitled event")
    try:
        sequence = int(str(component.get("SEQUENCE", 0)))
    except ValueError:
        sequence = 0
    return ParsedEvent(
        uid="",
        title=title,
        description=_text(component, "DESCRIPTION", 5000),
        location=_text(component, "LOCATION", 500),
        url=_text(component, "URL", 1000),
        time_zone=tz_name,
        all_day=all_day,
        start_date=start_local.date().isoformat(),
        start_time=None if all_day else start_local.time().replace(microsecond=0).isoformat(),
        end_date=end_local.date().isoformat(),
        end_time=None if all_day else end_local.time().replace(microsecond=0).isoformat(),
        rrule=rrule_text,
        cancelled=_text(component, "STATUS", 20).upper() == "CANCELLED",
        sequence=sequence,
        latitude=latitude,
        longitude=longitude,
        changes=changes,
    )


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _wall_clock(value: datetime, tz_name: str) -> datetime:
    if value.tzinfo is None:
        return value
    return utc_to_local(value.astimezone(UTC), tz_name).replace(tzinfo=None)


def _still_relevant(item: ParsedEvent, now: datetime) -> bool:
    """Past events older than the window are not imported (real feeds carry years of history)."""
    cutoff = utc_to_local(now - PAST_WINDOW, item.time_zone).replace(tzinfo=None)
    if item.rrule:
        rule = parse_rule(item.rrule, item.local_start)
        return rule.after(cutoff, inc=True) is not None
    return (
        datetime.combine(date.fromisoformat(item.end_date), time.fromisoformat(item.end_time or "23:59"))
        >= cutoff
    )


def parse(data: bytes, *, now: datetime | None = None) -> ParsedFeed:
    """Reads a feed into ParsedEvents; raises FeedError when the file is not iCalendar at all."""
    now = now or timezone.now()
    messages: list[str] = []
    text = _decode(data, messages)
    if "BEGIN:VCALENDAR" not in text[:2048].upper():
        raise FeedError(_("This is not an iCalendar file (no BEGIN:VCALENDAR)."))
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # the icalendar parser raises many types on broken input
        raise FeedError(
            _("The feed could not be read as iCalendar: %(error)s") % {"error": str(exc)[:200]}
        ) from exc
    if len(calendars) > 1:
        messages.append(_("The file holds %(count)s calendars; all were read.") % {"count": len(calendars)})
    masters: dict[str, ParsedEvent] = {}
    overrides: list[tuple[str, object]] = []
    for calendar in calendars:
        default_tz = str(calendar.get("X-WR-TIMEZONE", "")).strip()
        if not is_known_time_zone(default_tz):
            default_tz = "UTC"
        for index, component in enumerate(calendar.walk("VEVENT"), start=1):
            label = _text(component, "SUMMARY", 80) or _("Event %(number)s") % {"number": index}
            label = f"“{label}”"
            try:
                raw_uid = _text(component, "UID", 255)
                if component.get("RECURRENCE-ID") is not None and raw_uid:
                    overrides.append((raw_uid, component, default_tz, label))
                    continue
                item = _parse_event(component, default_tz, messages, label)
                if item is None:
                    continue
                if not raw_uid:
                    raw_uid = (
                        "generated-"
                        + hashlib.sha1(  # noqa: S324 - a stable name, not security
                            f"{item.title}|{item.start_date}|{item.start_time}".encode()
                        ).hexdigest()
                    )
                    messages.append(_("%(event)s has no UID: matched by title and start.") % {"event": label})
                item.uid = raw_uid
                previous = masters.get(raw_uid)
                if previous is not None:
                    messages.append(
                        _("%(event)s: the UID %(uid)s appears twice; the latest version was kept.")
                        % {"event": label, "uid": raw_uid[:80]}
                    )
                    if previous.sequence > item.sequence:
                        continue
                masters[raw_uid] = item
            except Exception as exc:  # one broken VEVENT must not sink the whole feed
                logger.info("ical import: skipped a VEVENT", exc_info=True)
                messages.append(
                    _("%(event)s could not be read (%(error)s): skipped.")
                    % {"event": label, "error": str(exc)[:120]}
                )
    for uid, component, default_tz, label in overrides:
        try:
            _apply_override(uid, component, default_tz, label, masters, messages)
        except Exception as exc:  # same: a broken override is reported, not fatal
            logger.info("ical import: skipped an override", exc_info=True)
            messages.append(
                _("%(event)s could not be read (%(error)s): skipped.")
                % {"event": label, "error": str(exc)[:120]}
            )
    events = []
    for item in masters.values():
        try:
            if _still_relevant(item, now):
                events.append(item)
        except (ValidationError, ValueError, OverflowError):
            messages.append(_("“%(title)s” has dates we cannot read: skipped.") % {"title": item.title[:80]})
    events.sort(key=lambda item: (item.start_date, item.start_time or ""))
    limit = _setting("EVENTS_IMPORT_MAX_EVENTS", 500)
    if len(events) > limit:
        messages.append(
            _("The feed has %(count)s current events; only the first %(limit)s were imported.")
            % {"count": len(events), "limit": limit}
        )
        events = events[:limit]
    return ParsedFeed(events=events, messages=messages)


def _apply_override(uid, component, default_tz, label, masters, messages) -> None:
    """A VEVENT with RECURRENCE-ID: a moved or cancelled occurrence of its series."""
    master = masters.get(uid)
    rid_value, _rid_tzid = _dt_value(component, "RECURRENCE-ID")
    moved = _parse_event(component, default_tz, messages, label)
    if master is None or not master.rrule:
        if moved is not None:
            moved.uid = f"{uid}#{rid_value.isoformat() if rid_value else 'override'}"
            masters[moved.uid] = moved
        return
    if isinstance(rid_value, datetime):
        original_day = _wall_clock(rid_value, master.time_zone).date()
    else:
        original_day = rid_value
    if moved is None or moved.cancelled:
        master.changes.append(ParsedChange(original_date=original_day.isoformat(), cancelled=True))
        return
    new_start = datetime.combine(
        date.fromisoformat(moved.start_date), time.fromisoformat(moved.start_time or "00:00")
    )
    if moved.time_zone != master.time_zone and moved.start_time:
        new_start = _wall_clock(new_start.replace(tzinfo=zone(moved.time_zone)), master.time_zone)
    master.changes.append(
        ParsedChange(
            original_date=original_day.isoformat(),
            cancelled=False,
            new_start_date=new_start.date().isoformat(),
            new_start_time=None if master.all_day else new_start.time().isoformat(),
        )
    )


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


def _apply(feed, parsed: ParsedFeed, report: ImportReport) -> None:
    existing = {page.import_uid: page for page in EventPage.objects.filter(import_feed=feed)}
    for item in parsed.events:
        fingerprint = item.fingerprint()
        page = existing.pop(item.uid, None)
        if page is None:
            page = EventPage(
                **_event_fields(item, feed),
                registration_mode=RegistrationMode.CLOSED,
                import_feed=feed,
                import_uid=item.uid,
                import_hash=fingerprint,
            )
            _set_changes(page, item)
            try:
                services.event_create(page=page)
            except ValidationError as exc:
                report.skipped += 1
                report.messages.append(
                    _("“%(title)s” was not imported: %(error)s")
                    % {"title": item.title[:80], "error": "; ".join(exc.messages)[:200]}
                )
                continue
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
            try:
                with transaction.atomic():
                    services.event_update(page=page)
            except ValidationError as exc:
                report.skipped += 1
                report.messages.append(
                    _("“%(title)s” was not updated: %(error)s")
                    % {"title": item.title[:80], "error": "; ".join(exc.messages)[:200]}
                )
                continue
            EventPage.objects.filter(pk=page.pk).update(locally_edited=False)
            report.updated += 1
    for page in existing.values():
        if page.locally_edited and feed.keep_local_edits:
            report.kept_local += 1
            continue
        if page.occurrences.filter(
            registrations__status__in=["registered", "offered", "waitlisted"]
        ).exists():
            if not page.cancelled:
                services.event_cancel(
                    event=page.get_latest_revision_as_object(),
                    reason=_("%(partner)s removed this event from its calendar.") % {"partner": feed.title},
                )
            report.removed += 1
            continue
        page.delete()
        report.removed += 1


def feed_import(*, feed, fetcher=None, now: datetime | None = None) -> ImportReport:
    """Fetches, parses and applies one feed in a single transaction and stores the run's report."""
    now = now or timezone.now()
    fetcher = fetcher or fetch
    report = ImportReport(feed=feed, outcome=ImportOutcome.OK, messages=[])
    try:
        parsed = parse(fetcher(feed.url), now=now)
        with transaction.atomic():
            token = services.importing.set(True)
            try:
                _apply(feed, parsed, report)
            finally:
                services.importing.reset(token)
        report.messages = parsed.messages + report.messages
        if report.messages or report.skipped:
            report.outcome = ImportOutcome.WITH_WARNINGS
    except FeedError as error:
        report = ImportReport(feed=feed, outcome=ImportOutcome.FAILED, messages=[error.message])
    except Exception as exc:  # a bad feed never crashes the task; the transaction rolled everything back
        logger.exception("ical import failed for feed %s", feed.pk)
        report = ImportReport(
            feed=feed,
            outcome=ImportOutcome.FAILED,
            messages=[
                _("The import stopped on an unexpected error (%(error)s); nothing was changed.")
                % {"error": type(exc).__name__}
            ],
        )
    report.messages = report.messages[:MAX_MESSAGES]
    report.finished_at = timezone.now()
    report.save()
    type(feed).objects.filter(pk=feed.pk).update(last_run_at=now)
    return report
