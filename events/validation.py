"""The bounds every event's data must keep, in one place: dates, recurrence rules and coordinates that
every feed (iCalendar), every time zone and every page can express.

Years are bounded to 1900-2200: Python's datetimes stop at year 1 and 9999, so an event near either end
overflows as soon as it is moved into a zone west or east of UTC, and calendar clients disagree far
outside the Gregorian present. The page editor (EventPage.clean), the organisers' forms, the services and
the iCalendar importer all call the checks below; each raises InvalidEventData (a cop.errors.DomainError)
carrying a translated message and, where it applies, the name of the field at fault.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cop.errors import DomainError
from events.recurrence import HORIZON, MAX_OCCURRENCES, expand, parse_rule
from events.years import EARLIEST_YEAR, LATEST_YEAR

MIN_LATITUDE, MAX_LATITUDE = Decimal(-90), Decimal(90)
MIN_LONGITUDE, MAX_LONGITUDE = Decimal(-180), Decimal(180)


class InvalidEventData(DomainError):
    """An event's dates, recurrence rule or place cannot be expressed in every calendar and feed."""

    status = 400
    default_message = _("The event's dates are not valid.")

    def __init__(self, message=None, *, field: str | None = None):
        super().__init__(message)
        self.field = field

    def as_validation_error(self) -> ValidationError:
        """For model and form clean(): the message, on its field when it has one."""
        if self.field:
            return ValidationError({self.field: [self.message]})
        return ValidationError(self.message)


class DateOutOfRange(InvalidEventData, OverflowError):
    """A date or time no datetime can hold once moved into a zone (9999-12-31 west of UTC); still an
    OverflowError for callers that catch that."""


def out_of_range_message():
    return _("Events must take place between the years %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST_YEAR,
        "latest": LATEST_YEAR,
    }


def year_in_range(value: date | datetime | None) -> bool:
    """Whether a date or datetime (naive or aware, in any zone) lies within the bounded years."""
    return value is None or EARLIEST_YEAR <= value.year <= LATEST_YEAR


def check_date(value: date | datetime | None, *, field: str | None = None) -> None:
    """Refuses one date or datetime outside the bounded years."""
    if not year_in_range(value):
        raise InvalidEventData(out_of_range_message(), field=field)


def check_event_dates(*, start: date | datetime, end: date | datetime, field_prefix: str = "") -> None:
    """Refuses a start or an end outside the years EARLIEST_YEAR-LATEST_YEAR, or an end before the start.

    `start` and `end` are dates or datetimes (naive local or aware); the error names the field
    `start_date` or `end_date` (with `field_prefix` before it when given)."""
    if start is None or end is None:
        raise InvalidEventData(_("Give the event's start and end."), field=f"{field_prefix}start_date")
    check_date(start, field=f"{field_prefix}start_date")
    check_date(end, field=f"{field_prefix}end_date")
    if _comparable(end) < _comparable(start):
        raise InvalidEventData(_("The event must end after it starts."), field=f"{field_prefix}end_date")


def check_recurrence_rule(*, rule: str, start: datetime, end: datetime | None = None) -> None:
    """Refuses a recurrence rule that is not valid (events.recurrence.parse_rule), whose UNTIL falls
    outside the bounded years, or whose occurrences would (the ones a series materialises: at most
    MAX_OCCURRENCES within HORIZON of the start). `start` (and `end`, for the duration) are the naive
    local bounds of the first occurrence."""
    if not rule or not rule.strip():
        return
    if start is None:
        raise InvalidEventData(_("Give the event's start and end."), field="start_date")
    check_date(start, field="start_date")
    start = _naive(start)
    try:
        parsed = parse_rule(rule, start)
    except ValidationError as exc:
        raise InvalidEventData(" ".join(exc.messages), field="recurrence_rule") from exc
    until = parsed._until
    if until is not None and not year_in_range(until):
        raise InvalidEventData(
            _("The repetition must end (UNTIL) between the years %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
            field="recurrence_rule",
        )
    duration = (_naive(end) - start) if end is not None else timedelta(0)
    occurrences = list(expand(parsed, until=start + HORIZON, limit=MAX_OCCURRENCES))
    last = occurrences[-1] if occurrences else None
    if last is not None and not (year_in_range(last) and year_in_range(last + duration)):
        raise InvalidEventData(
            _("Every occurrence of the series must take place between the years %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
            field="recurrence_rule",
        )


def check_coordinates(*, latitude, longitude) -> None:
    """Refuses a latitude outside -90..90 or a longitude outside -180..180, or only one of the two."""
    if latitude is None and longitude is None:
        return
    if (latitude is None) != (longitude is None):
        raise InvalidEventData(_("Give both latitude and longitude, or neither."), field="latitude")
    try:
        lat, lon = Decimal(str(latitude)), Decimal(str(longitude))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidEventData(_("Latitude and longitude must be numbers."), field="latitude") from exc
    if not lat.is_finite() or not MIN_LATITUDE <= lat <= MAX_LATITUDE:
        raise InvalidEventData(_("The latitude must be between -90 and 90 degrees."), field="latitude")
    if not lon.is_finite() or not MIN_LONGITUDE <= lon <= MAX_LONGITUDE:
        raise InvalidEventData(_("The longitude must be between -180 and 180 degrees."), field="longitude")


def validate_latitude(value) -> None:
    """Model field validator: -90..90 degrees."""
    if value is not None and not MIN_LATITUDE <= value <= MAX_LATITUDE:
        raise ValidationError(_("The latitude must be between -90 and 90 degrees."), code="latitude_range")


def validate_longitude(value) -> None:
    """Model field validator: -180..180 degrees."""
    if value is not None and not MIN_LONGITUDE <= value <= MAX_LONGITUDE:
        raise ValidationError(
            _("The longitude must be between -180 and 180 degrees."), code="longitude_range"
        )


def _naive(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime(value.year, value.month, value.day)


def _comparable(value: date | datetime) -> datetime:
    """Aware datetimes in UTC, naive ones as they are, dates at midnight: all naive, comparable."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return _naive(value)
