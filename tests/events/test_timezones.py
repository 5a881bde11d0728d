import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.models import EventPage
from events.services import expected_occurrences
from events.templatetags.events_tags import when_info
from events.timezones import NonexistentLocalTime, local_to_utc, utc_to_local, validate_time_zone, zone

# Building an EventPage (a Wagtail page) looks up its ContentType, from the database when the
# cache is cold: these tests need the database whatever ran before them.
pytestmark = pytest.mark.django_db


def test_gap_and_fold():
    # 02:30 on 31 March 2030 does not exist in Paris (clocks jump from 02:00 to 03:00).
    with pytest.raises(NonexistentLocalTime):
        local_to_utc(dt.datetime(2030, 3, 31, 2, 30), "Europe/Paris")
    # 02:30 on 27 October 2030 happens twice: the first (summer time) instant is taken.
    assert local_to_utc(dt.datetime(2030, 10, 27, 2, 30), "Europe/Paris") == dt.datetime(
        2030, 10, 27, 0, 30, tzinfo=dt.UTC
    )
    assert local_to_utc(dt.datetime(2030, 1, 1, 9, 0), "Asia/Kolkata") == dt.datetime(
        2030, 1, 1, 3, 30, tzinfo=dt.UTC
    )


def test_unknown_time_zone_is_refused():
    for bad in ("Mars/Olympus_Mons", "", "UTC+11", "../etc/passwd"):
        with pytest.raises(ValidationError):
            validate_time_zone(bad)
    validate_time_zone("America/Argentina/Buenos_Aires")


def _event(**fields):
    defaults = {
        "title": "x",
        "slug": "x",
        "summary": "x",
        "time_zone": "America/New_York",
        "start_date": dt.date(2030, 3, 1),
        "start_time": dt.time(9, 0),
        "end_date": dt.date(2030, 3, 1),
        "end_time": dt.time(10, 0),
    }
    defaults.update(fields)
    event = EventPage(**defaults)
    event.compute_utc()
    return event


def test_weekly_series_keeps_local_time_across_us_and_southern_dst():
    new_york = _event(
        recurrence_rule="FREQ=WEEKLY;COUNT=3", start_date=dt.date(2030, 3, 3), end_date=dt.date(2030, 3, 3)
    )
    starts = [o.start_utc for o in expected_occurrences(new_york)]
    # US clocks go forward on 10 March 2030: 09:00 is 14:00 UTC before, 13:00 UTC after.
    assert [s.hour for s in starts] == [14, 13, 13]
    sydney = _event(
        time_zone="Australia/Sydney",
        recurrence_rule="FREQ=WEEKLY;COUNT=2",
        start_date=dt.date(2030, 3, 31),
        end_date=dt.date(2030, 3, 31),
    )
    # Sydney leaves summer time on 7 April 2030: 09:00 is 22:00 UTC the day before, then 23:00.
    assert [o.start_utc.hour for o in expected_occurrences(sydney)] == [22, 23]


def test_event_spanning_the_dst_change_has_the_right_length():
    overnight = _event(
        time_zone="Europe/Paris",
        start_date=dt.date(2030, 3, 30),
        start_time=dt.time(22, 0),
        end_date=dt.date(2030, 3, 31),
        end_time=dt.time(6, 0),
    )
    # Eight wall-clock hours, seven real ones: the night loses an hour.
    assert overnight.end_utc - overnight.start_utc == dt.timedelta(hours=7)


def test_all_day_and_multi_day_bounds():
    fair = _event(
        time_zone="America/Toronto",
        all_day=True,
        start_date=dt.date(2030, 6, 3),
        end_date=dt.date(2030, 6, 5),
    )
    assert fair.start_utc == dt.datetime(2030, 6, 3, 4, 0, tzinfo=dt.UTC)
    assert fair.end_utc == dt.datetime(2030, 6, 6, 4, 0, tzinfo=dt.UTC)


def test_model_clean_messages(db):
    with pytest.raises(ValidationError) as info:
        _event(end_time=dt.time(8, 0)).clean()
    assert "end_date" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        _event(time_zone="Nowhere/City").clean()
    assert "time_zone" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        _event(start_time=None).clean()
    assert "start_time" in info.value.message_dict


def test_display_in_viewer_and_event_zone():
    event = _event(time_zone="Asia/Tokyo", start_date=dt.date(2030, 1, 10), end_date=dt.date(2030, 1, 10))

    class Occ:
        start_utc, end_utc = event.start_utc, event.end_utc

    info = when_info(Occ, event, viewer_tz=zone("America/Bogota"))
    # 09:00 in Tokyo is 19:00 the day before in Bogota.
    assert info["start"] == dt.datetime(2030, 1, 9, 19, 0) and info["event_start"] == dt.datetime(
        2030, 1, 10, 9, 0
    )
    assert info["differs"] is True
    with timezone.override(zone("Asia/Seoul")):  # same offset as Tokyo: no note
        assert when_info(Occ, event)["differs"] is False


def test_dates_beyond_what_a_zone_can_hold_raise_a_domain_error_not_overflow():
    from events.validation import InvalidEventData

    # 9999-12-31 13:00 at UTC-11 is in year 10000 in UTC: an OverflowError (a 500) before.
    with pytest.raises(InvalidEventData, match="between the years 1900 and 2200"):
        local_to_utc(dt.datetime(9999, 12, 31, 13, 0), "Pacific/Pago_Pago")
    with pytest.raises(InvalidEventData):
        # Year 1 at midnight UTC is in year 0 in New York (local mean time, UTC-4:56).
        utc_to_local(dt.datetime(1, 1, 1, tzinfo=dt.UTC), "America/New_York")
    # The page editor says so on the field (the zone's conversions are never reached).
    event = EventPage(
        title="x",
        slug="x",
        summary="x",
        time_zone="Pacific/Pago_Pago",
        start_date=dt.date(9999, 12, 31),
        start_time=dt.time(13, 0),
        end_date=dt.date(9999, 12, 31),
        end_time=dt.time(14, 0),
    )
    with pytest.raises(ValidationError) as error:
        event.clean()
    assert "start_date" in error.value.message_dict


def test_when_info_gives_a_note_for_an_instant_no_zone_can_show():
    from events.models import Occurrence

    event = _event(time_zone="Pacific/Kiritimati")
    far = dt.datetime(9999, 12, 31, 22, 0, tzinfo=dt.UTC)
    occurrence = Occurrence(event=event, recurrence_id=far, start_utc=far, end_utc=far)
    info = when_info(occurrence, event, viewer_tz=zone("UTC"))
    assert info["unavailable"] is True and "start" not in info
    sound = Occurrence(
        event=event, recurrence_id=event.start_utc, start_utc=event.start_utc, end_utc=event.end_utc
    )
    assert when_info(sound, event, viewer_tz=zone("UTC"))["start"] == dt.datetime(2030, 2, 28, 19, 0)
