"""Whether an event's stored data can be written as iCalendar at all (rows stored before the bounds of
events.validation, or edited by hand): asked by the event page and the calendar files. It reads only
the page's fields, so the page model may ask it."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.recurrence import check_rule_parts, normalise_rule
from events.timezones import zone
from events.validation import InvalidEventData, year_in_range
from events.years import EARLIEST_YEAR, LATEST_YEAR


class EventNotExpressible(InvalidEventData):
    """An event stored with data no calendar can hold (written before the bounds, or by hand)."""

    status = 409
    default_message = _(
        "This event's calendar file cannot be made: its dates are not valid. Its organisers can correct them."
    )


# What the data of an event stored before the bounds (or edited by hand) can raise while it is written
# out: it is then left out of a feed, never failing the feed for everyone.
BROKEN_DATA_ERRORS = (InvalidEventData, ValidationError, ValueError, TypeError, OverflowError)


def check_expressible(event, occurrences=()) -> None:
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
