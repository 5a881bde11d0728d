"""Reading a whole feed: damaged or cut-off files refused, events read, overrides applied."""

import hashlib
import logging
import re
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar

from events.importer.common import FeedError, setting
from events.importer.components import dt_value, parse_event, wall_clock, with_rdates
from events.importer.items import ParsedChange, ParsedEvent, ParsedFeed, SkipEvent, event_label, text_of
from events.recurrence import parse_rule
from events.timezones import is_known_time_zone, utc_to_local, zone

logger = logging.getLogger(__name__)

PAST_WINDOW = timedelta(days=30)


def _decode(data: bytes, messages: list[str]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        messages.append(_("The feed contains bytes that are not UTF-8 text; they were replaced."))
        return data.decode("utf-8", errors="replace")


_COMPONENT_LINE = re.compile(r"^(BEGIN|END)[ \t]*:[ \t]*([A-Za-z0-9-]+)[ \t]*$", re.IGNORECASE)


def check_complete(text: str) -> None:
    """Raises FeedError when the file is cut off or damaged: a component opened and never closed (a
    download cut short ends inside an event, or without END:VCALENDAR) or closed in the wrong order."""
    stack: list[tuple[str, int]] = []
    calendars = 0
    number = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line[0] in " \t":
            continue  # folded continuation lines and blank lines
        match = _COMPONENT_LINE.match(line.strip())
        if match is None:
            continue
        kind, name = match.group(1).upper(), match.group(2).upper()
        if kind == "BEGIN":
            stack.append((name, number))
            continue
        if not stack or stack[-1][0] != name:
            raise FeedError(
                _(
                    "The feed is damaged: line %(line)s closes %(closed)s, but %(open)s is the part that is open."
                )
                % {"line": number, "closed": name, "open": stack[-1][0] if stack else "—"}
            )
        stack.pop()
        if name == "VCALENDAR" and not stack:
            calendars += 1
    if len(stack) > 1:
        name, line = stack[-1]
        raise FeedError(
            _(
                "The feed is cut off: it ends inside a %(component)s that begins on line %(line)s, "
                "without END:VCALENDAR. It was probably interrupted during the download."
            )
            % {"component": name, "line": line}
        )
    if stack or not calendars:
        raise FeedError(
            _(
                "The feed is unfinished: it does not end with END:VCALENDAR (it stops after line %(line)s). "
                "It was probably interrupted during the download."
            )
            % {"line": number}
        )


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


def _generated_uid(item: ParsedEvent) -> str:
    return (
        "generated-"
        + hashlib.sha1(  # noqa: S324 - a stable name, not security
            f"{item.title}|{item.start_date}|{item.start_time}".encode()
        ).hexdigest()
    )


def parse(data: bytes, *, now: datetime | None = None) -> ParsedFeed:
    """Reads a feed into ParsedEvents; raises FeedError when the file is not iCalendar at all, is cut
    off or cannot be read (then nothing may change). A bad event is skipped and named with its reason."""
    now = now or timezone.now()
    messages: list[str] = []
    skipped: list[str] = []
    present: set[str] = set()
    skipped_uids: set[str] = set()
    text = _decode(data, messages)
    if "BEGIN:VCALENDAR" not in text[:2048].upper():
        raise FeedError(_("This is not an iCalendar file (no BEGIN:VCALENDAR)."))
    check_complete(text)
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # the icalendar parser raises many types on broken input
        raise FeedError(
            _("The feed could not be read as iCalendar: %(error)s") % {"error": str(exc)[:200]}
        ) from exc
    if not calendars:
        raise FeedError(_("The feed could not be read as iCalendar: it holds no calendar."))
    if len(calendars) > 1:
        messages.append(_("The file holds %(count)s calendars; all were read.") % {"count": len(calendars)})

    def skip(label: str, reason) -> None:
        skipped.append(_("%(event)s was skipped: %(reason)s.") % {"event": label, "reason": reason})

    masters: dict[str, ParsedEvent] = {}
    overrides: list[tuple] = []
    for calendar in calendars:
        default_tz = str(calendar.get("X-WR-TIMEZONE", "")).strip()
        if not is_known_time_zone(default_tz):
            default_tz = "UTC"
        for index, component in enumerate(calendar.walk("VEVENT"), start=1):
            raw_uid = text_of(component, "UID", 255)
            title = text_of(component, "SUMMARY", 80) or _("Event %(number)s") % {"number": index}
            label = event_label(title, raw_uid)
            if raw_uid:
                present.add(raw_uid)
            try:
                if component.get("RECURRENCE-ID") is not None and raw_uid:
                    overrides.append((raw_uid, component, default_tz, label))
                    continue
                item, extra_dates = parse_event(component, default_tz, messages, label)
                if not raw_uid:
                    raw_uid = _generated_uid(item)
                    present.add(raw_uid)
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
                for extra in with_rdates(item, extra_dates, messages):
                    present.add(extra.uid)
                    masters[extra.uid] = extra
            except SkipEvent as exc:
                if raw_uid:
                    skipped_uids.add(raw_uid)
                skip(label, exc.reason)
            except Exception as exc:  # one broken VEVENT must not sink the whole feed
                logger.info("ical import: skipped a VEVENT", exc_info=True)
                if raw_uid:
                    skipped_uids.add(raw_uid)
                skip(
                    label,
                    _("it could not be read (%(error)s)") % {"error": str(exc)[:120] or type(exc).__name__},
                )
    for uid, component, default_tz, label in overrides:
        if uid in skipped_uids and uid not in masters:
            continue  # its series was skipped and named already
        try:
            moved_uid = _apply_override(uid, component, default_tz, label, masters, messages)
            if moved_uid:
                present.add(moved_uid)
        except SkipEvent as exc:
            skip(label, exc.reason)
        except Exception as exc:  # same: a broken override is reported, not fatal
            logger.info("ical import: skipped an override", exc_info=True)
            skip(
                label, _("it could not be read (%(error)s)") % {"error": str(exc)[:120] or type(exc).__name__}
            )
    events = []
    for item in masters.values():
        try:
            if _still_relevant(item, now):
                events.append(item)
        except (ValidationError, ValueError, OverflowError):
            skip(item.label, _("its dates cannot be read"))
    events.sort(key=lambda item: (item.start_date, item.start_time or ""))
    limit = setting("EVENTS_IMPORT_MAX_EVENTS", 500)
    if len(events) > limit:
        messages.append(
            _("The feed has %(count)s current events; only the first %(limit)s were imported.")
            % {"count": len(events), "limit": limit}
        )
        events = events[:limit]
    return ParsedFeed(events=events, messages=messages, skipped=skipped, present_uids=present)


def _apply_override(uid, component, default_tz, label, masters, messages) -> str:
    """A VEVENT with RECURRENCE-ID: a moved or cancelled occurrence of its series. Returns the UID of
    the event of its own it becomes when its series is not in the feed, else ""."""
    master = masters.get(uid)
    rid_value, _rid_tzid = dt_value(component, "RECURRENCE-ID")
    try:
        moved, _extra = parse_event(component, default_tz, messages, label)
    except SkipEvent:
        if master is None or not master.rrule or component.get("DTSTART") is not None:
            raise
        moved = None  # an override without its own start: the occurrence is cancelled
    if master is None or not master.rrule:
        moved.uid = f"{uid}#{rid_value.isoformat() if rid_value else 'override'}"[:255]
        masters[moved.uid] = moved
        return moved.uid
    if isinstance(rid_value, datetime):
        original_day = wall_clock(rid_value, master.time_zone).date()
    else:
        original_day = rid_value
    if moved is None or moved.cancelled:
        master.changes.append(ParsedChange(original_date=original_day.isoformat(), cancelled=True))
        return ""
    new_start = datetime.combine(
        date.fromisoformat(moved.start_date), time.fromisoformat(moved.start_time or "00:00")
    )
    if moved.time_zone != master.time_zone and moved.start_time:
        new_start = wall_clock(new_start.replace(tzinfo=zone(moved.time_zone)), master.time_zone)
    master.changes.append(
        ParsedChange(
            original_date=original_day.isoformat(),
            cancelled=False,
            new_start_date=new_start.date().isoformat(),
            new_start_time=None if master.all_day else new_start.time().isoformat(),
        )
    )
    return ""
