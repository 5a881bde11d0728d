"""Recurring series: RRULE text (RFC 5545, without DTSTART) expanded with python-dateutil in the event's
wall-clock time, so that a 10:00 webinar stays at 10:00 across daylight-saving changes."""

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.years import LATEST_YEAR

# Expansion is capped: a rule with COUNT=100000 or no end must not fill the database.
MAX_OCCURRENCES = 200
HORIZON = timedelta(days=3 * 366)
ALLOWED_FREQUENCIES = {YEARLY, MONTHLY, WEEKLY, DAILY}


def normalise_rule(text: str) -> str:
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return text.strip().upper()


# The parts of an RRULE an event may use, with the range of each number (RFC 5545 section 3.3.10).
_NUMBER_RANGES = {
    "BYSECOND": (0, 60, False),
    "BYMINUTE": (0, 59, False),
    "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
    "BYSETPOS": (1, 366, True),
}
_WEEKDAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
_BYDAY = re.compile(r"^([+-]?)([0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_INTEGER = re.compile(r"^[+-]?[0-9]{1,6}$")
_COUNT = re.compile(r"^[0-9]{1,6}$")
_UNTIL = re.compile(r"^[0-9]{8}(T[0-9]{6}Z?)?$")
_FREQUENCIES = {"SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
_KNOWN_PARTS = {"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "WKST", *_NUMBER_RANGES}
# The Gregorian calendar repeats every 400 years (a whole number of weeks): a rule moved by that much
# gives the same dates moved by that much.
_CALENDAR_CYCLE_YEARS = 400


def _invalid(message, **params) -> ValidationError:
    return ValidationError(message, params=params or None, code="invalid_rrule")


def check_rule_parts(rule_text: str) -> None:
    """Refuses what dateutil would accept silently or loop on: INTERVAL=0, BYMONTH=13, COUNT=0, a part
    given twice, COUNT with UNTIL, unknown parts. Raises ValidationError with a translated message."""
    seen: set[str] = set()
    for part in rule_text.split(";"):
        name, sep, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise _invalid(
                _("“%(part)s” is not a part of a recurrence rule; write NAME=VALUE, e.g. FREQ=WEEKLY."),
                part=part[:40],
            )
        if name not in _KNOWN_PARTS:
            raise _invalid(_("The recurrence rule has an unknown part “%(part)s”."), part=name[:40])
        if name in seen:
            raise _invalid(_("The recurrence rule gives %(part)s twice."), part=name)
        seen.add(name)
        if name in ("INTERVAL", "COUNT"):
            if not _COUNT.match(value) or not 1 <= int(value) <= 100_000:
                raise _invalid(
                    _("%(part)s must be a whole number from 1 to 100000 (it is “%(value)s”)."),
                    part=name,
                    value=value[:20],
                )
        elif name in _NUMBER_RANGES:
            low, high, signed = _NUMBER_RANGES[name]
            for item in value.split(","):
                item = item.strip()
                number = int(item) if _INTEGER.match(item) else None
                if number is None or not (low <= number <= high or (signed and -high <= number <= -low)):
                    raise _invalid(
                        _("%(part)s takes numbers from %(low)s to %(high)s (it is “%(value)s”).")
                        if not signed
                        else _(
                            "%(part)s takes numbers from %(low)s to %(high)s or their negatives (it is “%(value)s”)."
                        ),
                        part=name,
                        low=low,
                        high=high,
                        value=item[:20],
                    )
        elif name == "BYDAY":
            for item in value.split(","):
                match = _BYDAY.match(item.strip())
                if match is None or (match.group(2) is not None and not 1 <= int(match.group(2)) <= 53):
                    raise _invalid(
                        _("BYDAY takes days such as MO, TU or 2TU (the second Tuesday), not “%(value)s”."),
                        value=item[:20],
                    )
        elif name == "FREQ" and value not in _FREQUENCIES:
            raise _invalid(
                _("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY (it is “%(value)s”)."), value=value[:20]
            )
        elif name == "WKST" and value not in _WEEKDAYS:
            raise _invalid(_("WKST must be a day such as MO (it is “%(value)s”)."), value=value[:20])
        elif name == "UNTIL" and not _UNTIL.match(value):
            raise _invalid(
                _("UNTIL must be a date such as 20301231 or 20301231T235959Z (it is “%(value)s”)."),
                value=value[:40],
            )
    if "FREQ" not in seen:
        raise _invalid(_("The recurrence rule must say how often the event repeats, e.g. FREQ=WEEKLY."))
    if "COUNT" in seen and "UNTIL" in seen:
        raise _invalid(_("Give either COUNT or UNTIL, not both."))


def gives_a_date_by(rule: rrule, latest_year: int) -> bool:
    """Whether the rule's pattern (COUNT and UNTIL aside) gives a date by the end of `latest_year`, in
    bounded time. dateutil looks for a rule's next date up to year 9999: one that never matches
    (BYMONTH=2;BYMONTHDAY=30) would keep a process busy for seconds. So the rule is probed moved by
    whole calendar cycles towards 9999, where the search ends soon after the span that matters."""
    start = rule._dtstart
    span = latest_year - start.year
    if span < 0:
        return False
    cycles = max(0, (9999 - span - start.year) // _CALENDAR_CYCLE_YEARS)
    shift = cycles * _CALENDAR_CYCLE_YEARS
    probe = rule.replace(dtstart=start.replace(year=start.year + shift), count=None, until=None)
    first = next(iter(probe), None)
    return first is not None and first.year - shift <= latest_year


def parse_rule(text: str, dtstart: datetime) -> rrule:
    """Parses an RRULE for a naive local start; raises ValidationError with a readable message."""
    rule_text = normalise_rule(text)
    if any(part in rule_text for part in ("DTSTART", "\n", "\r", "EXDATE", "RDATE")):
        raise ValidationError(_("Give only the recurrence rule, e.g. FREQ=MONTHLY;BYDAY=2TU;COUNT=12."))
    check_rule_parts(rule_text)
    try:
        rule = rrulestr(rule_text, dtstart=dtstart, ignoretz=True)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValidationError(
            _("The recurrence rule is not valid (%(error)s). Example: FREQ=MONTHLY;BYDAY=2TU;COUNT=12."),
            params={"error": str(exc)[:120]},
            code="invalid_rrule",
        ) from exc
    if not isinstance(rule, rrule) or rule._freq not in ALLOWED_FREQUENCIES:
        raise ValidationError(
            _("Events may repeat daily, weekly, monthly or yearly, not more often."), code="rrule_frequency"
        )
    if not gives_a_date_by(rule, LATEST_YEAR):
        raise ValidationError(
            _(
                "This recurrence rule gives no date up to the year %(latest)s (it may ask for a day that "
                "does not exist, such as 30 February); check its parts."
            ),
            params={"latest": LATEST_YEAR},
            code="rrule_empty",
        )
    if next(iter(rule), None) is None:
        raise ValidationError(
            _("This recurrence rule ends before its first date; check UNTIL."), code="rrule_empty"
        )
    return rule


def expand(rule: rrule, *, until: datetime, limit: int = MAX_OCCURRENCES) -> Iterator[datetime]:
    """Naive local starts of the series, up to `until` and at most `limit` of them."""
    for count, start in enumerate(rule):
        if count >= limit or start > until:
            return
        yield start
