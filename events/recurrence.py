"""Recurring series: RRULE text (RFC 5545, without DTSTART) expanded with python-dateutil in the event's
wall-clock time, so that a 10:00 webinar stays at 10:00 across daylight-saving changes."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Expansion is capped: a rule with COUNT=100000 or no end must not fill the database.
MAX_OCCURRENCES = 200
HORIZON = timedelta(days=3 * 366)
ALLOWED_FREQUENCIES = {YEARLY, MONTHLY, WEEKLY, DAILY}


def normalise_rule(text: str) -> str:
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return text.strip().upper()


def parse_rule(text: str, dtstart: datetime) -> rrule:
    """Parses an RRULE for a naive local start; raises ValidationError with a readable message."""
    rule_text = normalise_rule(text)
    if any(part in rule_text for part in ("DTSTART", "\n", "EXDATE", "RDATE")):
        raise ValidationError(_("Give only the recurrence rule, e.g. FREQ=MONTHLY;BYDAY=2TU;COUNT=12."))
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
    return rule


def expand(rule: rrule, *, until: datetime, limit: int = MAX_OCCURRENCES) -> Iterator[datetime]:
    """Naive local starts of the series, up to `until` and at most `limit` of them."""
    for count, start in enumerate(rule):
        if count >= limit or start > until:
            return
        yield start
