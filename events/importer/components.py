"""Reading one VEVENT (dates, zones, rules, extra dates) into a ParsedEvent."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.importer.items import ParsedChange, ParsedEvent, SkipEvent, text_of
from events.recurrence import HORIZON, MAX_OCCURRENCES, expand, normalise_rule, parse_rule
from events.timezones import is_known_time_zone, utc_to_local
from events.validation import InvalidEventData, check_date, check_event_dates, check_recurrence_rule


def _zone_of(value: datetime, param_tzid: str, default_tz: str) -> tuple[datetime, str, str | None]:
    """(wall-clock naive datetime, IANA zone, warning) for a DTSTART/DTEND value."""
    if value.tzinfo is None:
        if param_tzid and not is_known_time_zone(param_tzid):
            return value, default_tz, "unknown-tzid"
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


def dt_value(component, name: str):
    prop = component.get(name)
    if prop is None:
        return None, ""
    if isinstance(prop, list):
        prop = prop[0]
    tzid = str(prop.params.get("TZID", "")) if hasattr(prop, "params") else ""
    return prop.dt, tzid


def _zone_name(value, param_tzid: str) -> str:
    if param_tzid:
        return param_tzid
    tzinfo = getattr(value, "tzinfo", None)
    name = getattr(tzinfo, "key", None) or getattr(tzinfo, "zone", None)
    if name:
        return str(name)
    try:
        return value.tzname() or "?"
    except (AttributeError, ValueError):
        return "?"


_LOW_FREQUENCIES = {"SECONDLY", "MINUTELY", "HOURLY"}


def _rule_frequency(rule_text: str) -> str:
    for part in rule_text.split(";"):
        name, _sep, value = part.partition("=")
        if name.strip() == "FREQ":
            return value.strip()
    return ""


def parse_event(component, default_tz: str, messages: list[str], label: str):
    """(ParsedEvent, extra dates from RDATE as [(naive local start, length or None)], EXDATE days);
    raises SkipEvent with the reason when the event cannot be imported."""
    start, start_tzid = dt_value(component, "DTSTART")
    if start is None:
        raise SkipEvent(_("it has no start date (DTSTART)"))
    if not isinstance(start, date):
        raise SkipEvent(_("its start date (DTSTART) cannot be read"))
    try:
        check_date(start)
    except InvalidEventData as exc:
        raise SkipEvent(str(exc.message)) from exc
    end, _end_tzid = dt_value(component, "DTEND")
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
        if (last_day - first_day) > timedelta(days=60):
            messages.append(_("%(event)s lasts more than 60 days: shortened to one day.") % {"event": label})
            last_day = first_day
        tz_name = default_tz
        start_local = datetime.combine(first_day, time(0))
        end_local = datetime.combine(last_day, time(0))
        length = timedelta(days=(last_day - first_day).days)
    else:
        start_local, tz_name, warning = _zone_of(start, start_tzid, default_tz)
        if warning == "floating":
            messages.append(
                _("%(event)s has a floating time: read in %(zone)s.") % {"event": label, "zone": tz_name}
            )
        elif warning == "unknown-tzid":
            messages.append(
                _(
                    "%(event)s uses the time zone “%(tzid)s”, which is neither a known zone nor defined "
                    "in the feed: its times were read in %(zone)s."
                )
                % {"event": label, "tzid": start_tzid[:80], "zone": tz_name}
            )
        elif warning == "converted":
            messages.append(
                _("%(event)s uses an unknown time zone (%(tzid)s): times converted to UTC.")
                % {"event": label, "tzid": _zone_name(start, start_tzid)[:80]}
            )
        if isinstance(end, datetime):
            end_aware = end if end.tzinfo else end.replace(tzinfo=start.tzinfo)
            try:
                length = end_aware - start
            except (TypeError, OverflowError):
                length = timedelta(hours=1)
        elif duration is not None and isinstance(getattr(duration, "dt", None), timedelta):
            length = duration.dt
        else:
            length = timedelta(hours=1)
        if length <= timedelta(0):
            messages.append(_("%(event)s ends before it starts: given one hour.") % {"event": label})
            length = timedelta(hours=1)
        if length > timedelta(days=60):
            messages.append(_("%(event)s lasts more than 60 days: shortened to one day.") % {"event": label})
            length = timedelta(days=1)
        try:
            end_local = start_local + length
        except OverflowError as exc:
            raise SkipEvent(str(_("its end date cannot be expressed"))) from exc
    try:
        check_event_dates(start=start_local, end=end_local)
    except InvalidEventData as exc:
        raise SkipEvent(str(exc.message)) from exc
    rrule_text = ""
    rrule_prop = component.get("RRULE")
    if rrule_prop is not None:
        if isinstance(rrule_prop, list):
            rrule_prop = rrule_prop[0]
        rrule_text = normalise_rule(rrule_prop.to_ical().decode("ascii", "replace"))
        if _rule_frequency(rrule_text) in _LOW_FREQUENCIES:
            messages.append(
                _(
                    "%(event)s repeats with a rule we do not support (%(rule)s): only its first date is imported."
                )
                % {"event": label, "rule": rrule_text[:80]}
            )
            rrule_text = ""
        else:
            try:
                check_recurrence_rule(rule=rrule_text, start=start_local, end=end_local)
            except InvalidEventData as exc:
                raise SkipEvent(
                    _("its recurrence rule %(rule)s is not valid: %(reason)s")
                    % {"rule": rrule_text[:80], "reason": exc.message}
                ) from exc
    excluded_days = set()
    for exdate_prop in _as_list(component.get("EXDATE")):
        for item in getattr(exdate_prop, "dts", []):
            value = item.dt
            excluded_days.add(wall_clock(value, tz_name).date() if isinstance(value, datetime) else value)
    changes = []
    if rrule_text:
        changes = [
            ParsedChange(original_date=day.isoformat(), cancelled=True) for day in sorted(excluded_days)
        ]
    extra_dates = _rdates(component, tz_name, start_local, excluded_days)
    geo = component.get("GEO")
    latitude = longitude = None
    if geo is not None:
        try:
            latitude, longitude = round(float(geo.latitude), 6), round(float(geo.longitude), 6)
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                messages.append(
                    _("%(event)s has a position outside the globe (GEO): it was left out.") % {"event": label}
                )
                latitude = longitude = None
        except (AttributeError, TypeError, ValueError):
            latitude = longitude = None
    title = text_of(component, "SUMMARY", 255) or _("Untitled event")
    try:
        sequence = int(str(component.get("SEQUENCE", 0)))
    except ValueError:
        sequence = 0
    parsed = ParsedEvent(
        uid="",
        title=title,
        description=text_of(component, "DESCRIPTION", 5000),
        location=text_of(component, "LOCATION", 500),
        url=text_of(component, "URL", 1000),
        time_zone=tz_name,
        all_day=all_day,
        start_date=start_local.date().isoformat(),
        start_time=None if all_day else start_local.time().replace(microsecond=0).isoformat(),
        end_date=end_local.date().isoformat(),
        end_time=None if all_day else end_local.time().replace(microsecond=0).isoformat(),
        rrule=rrule_text,
        cancelled=text_of(component, "STATUS", 20).upper() == "CANCELLED",
        sequence=sequence,
        latitude=latitude,
        longitude=longitude,
        changes=changes,
    )
    return parsed, extra_dates


def _rdates(component, tz_name: str, start_local: datetime, excluded_days: set) -> list:
    """The extra dates of RDATE as (naive local start, own length or None), without DTSTART's and
    EXDATE's dates, at most MAX_OCCURRENCES of them."""
    found = {}
    for prop in _as_list(component.get("RDATE")):
        for item in getattr(prop, "dts", []):
            value, length = item.dt, None
            if isinstance(value, tuple):  # VALUE=PERIOD: (start, end) or (start, duration)
                value, second = value
                if isinstance(second, timedelta):
                    length = second
                elif isinstance(second, datetime) and isinstance(value, datetime):
                    try:
                        length = second - value
                    except TypeError:
                        length = None
            if isinstance(value, datetime):
                local = wall_clock(value, tz_name).replace(microsecond=0)
            elif isinstance(value, date):
                local = datetime.combine(value, start_local.time())
            else:
                continue
            if local == start_local or local.date() in excluded_days:
                continue
            found.setdefault(local, length)
            if len(found) >= MAX_OCCURRENCES:
                break
    return sorted(found.items())


def _regular_rule(starts: list[datetime]) -> str:
    """An RRULE giving exactly these starts (the first is DTSTART), when they are evenly spaced by days,
    weeks or months at one time of day; "" otherwise."""
    if len(starts) < 2 or len({start.time() for start in starts}) != 1:
        return ""
    gaps = {(b.date() - a.date()).days for a, b in zip(starts, starts[1:], strict=False)}
    if len(gaps) == 1:
        gap = gaps.pop()
        frequency, interval = ("WEEKLY", gap // 7) if gap % 7 == 0 else ("DAILY", gap)
    else:
        months = {
            (b.year - a.year) * 12 + b.month - a.month for a, b in zip(starts, starts[1:], strict=False)
        }
        if len(months) != 1 or len({start.day for start in starts}) != 1 or starts[0].day > 28:
            return ""
        frequency, interval = "MONTHLY", months.pop()
    if interval < 1:
        return ""
    parts = [f"FREQ={frequency}"]
    if interval > 1:
        parts.append(f"INTERVAL={interval}")
    parts.append(f"COUNT={len(starts)}")
    return ";".join(parts)


def with_rdates(item: ParsedEvent, extra_dates: list, messages: list[str]) -> list[ParsedEvent]:
    """Folds RDATE into the event the way the calendar stores series (one rule, exceptions by date):
    evenly spaced dates of a single event become its rule; other extra dates (and those a rule lacks)
    become events of their own, with the UID `<uid>#RDATE<date>`. Returns those extra events."""
    if not extra_dates:
        return []
    start = item.local_start
    length = item.local_end - start
    if item.rrule:
        produced = set(expand(parse_rule(item.rrule, start), until=start + HORIZON))
        extra_dates = [(when, own) for when, own in extra_dates if when not in produced]
    elif all(own is None or own == length for _when, own in extra_dates):
        starts = sorted([start, *(when for when, _own in extra_dates)])
        rule = _regular_rule(starts) if starts[0] == start else ""
        if rule:
            try:
                check_recurrence_rule(rule=rule, start=start, end=item.local_end)
            except InvalidEventData:
                rule = ""
        if rule:
            item.rrule = rule
            messages.append(
                _("%(event)s lists %(count)s extra dates (RDATE): imported as a series (%(rule)s).")
                % {"event": item.label, "count": len(extra_dates), "rule": rule}
            )
            return []
    if not extra_dates:
        return []
    extras = []
    for when, own in extra_dates:
        span = own if own is not None and own > timedelta(0) else length
        end = when + span
        extras.append(
            replace(
                item,
                uid=f"{item.uid[:220]}#RDATE{when:%Y%m%dT%H%M%S}",
                start_date=when.date().isoformat(),
                start_time=None if item.all_day else when.time().isoformat(),
                end_date=end.date().isoformat(),
                end_time=None if item.all_day else end.time().isoformat(),
                rrule="",
                changes=[],
            )
        )
    messages.append(
        ngettext(
            "%(event)s lists %(count)s extra date (RDATE): imported as an event of its own.",
            "%(event)s lists %(count)s extra dates (RDATE): each is imported as an event of its own.",
            len(extras),
        )
        % {"event": item.label, "count": len(extras)}
    )
    return extras


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def wall_clock(value: datetime, tz_name: str) -> datetime:
    if value.tzinfo is None:
        return value
    return utc_to_local(value.astimezone(UTC), tz_name).replace(tzinfo=None)
