"""Time-zone rules: every event keeps the organiser's wall-clock time and its IANA zone; instants are
stored in UTC. Converting between the two must refuse times that do not exist (the hour skipped when
clocks go forward) instead of silently moving them."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.validation import DateOutOfRange, out_of_range_message


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_known_time_zone(name: str) -> bool:
    return bool(name) and name in known_time_zones()


def validate_time_zone(name: str) -> None:
    if not is_known_time_zone(name):
        raise ValidationError(
            _("“%(value)s” is not a known time zone. Choose one from the list, e.g. Europe/Paris."),
            code="unknown_time_zone",
            params={"value": name},
        )


def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name if is_known_time_zone(name) else "UTC")


class NonexistentLocalTime(ValueError):
    """The wall-clock time falls in the gap skipped when clocks go forward."""


def local_to_utc(local: datetime, tz_name: str, *, strict: bool = True) -> datetime:
    """A naive wall-clock time in `tz_name` as an aware UTC datetime. Ambiguous times (clocks going
    back) take the first of the two instants; times in the spring-forward gap raise unless not strict.
    A time whose instant falls outside what Python can hold raises DateOutOfRange (InvalidEventData)."""
    tz = zone(tz_name)
    aware = local.replace(tzinfo=tz, fold=0)
    try:
        utc = aware.astimezone(UTC)
    except OverflowError as exc:  # 9999-12-31 west of UTC is in year 10000 in UTC
        raise DateOutOfRange(out_of_range_message(), field="start_date") from exc
    if strict and utc.astimezone(tz).replace(tzinfo=None) != local:
        raise NonexistentLocalTime(local)
    return utc


def utc_to_local(instant: datetime, tz_name: str) -> datetime:
    try:
        return instant.astimezone(zone(tz_name))
    except OverflowError as exc:  # year 1 at midnight UTC is in year 0 west of it
        raise DateOutOfRange(out_of_range_message(), field="start_date") from exc


def local_bounds(
    start_date: date, start_time: time | None, end_date: date, end_time: time | None, all_day: bool
) -> tuple[datetime, datetime]:
    """Naive local start and end; all-day events run from midnight to the midnight after the last day."""
    if all_day:
        return datetime.combine(start_date, time(0)), datetime.combine(end_date + timedelta(days=1), time(0))
    return datetime.combine(start_date, start_time or time(0)), datetime.combine(
        end_date, end_time or time(0)
    )
