"""Events' own data can never break a page or a feed: dates are bounded to 1900-2200 wherever an event
is created or edited, recurrence rules and coordinates are checked, and rows stored before the bounds
(simulated here with queryset.update) are left out of feeds with a warning instead of failing them."""

import datetime as dt
import logging
import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from icalendar import Calendar

from events import services
from events.models import EventPage, Occurrence, OccurrenceChange
from events.recurrence import parse_rule
from events.validation import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    InvalidEventData,
    check_coordinates,
    check_event_dates,
    check_recurrence_rule,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2030, 1, 15, 10, 0)


# The bounds, in one module ----


def test_bounds_are_1900_to_2200():
    assert (EARLIEST_YEAR, LATEST_YEAR) == (1900, 2200)
    check_event_dates(start=dt.date(1900, 1, 1), end=dt.date(2200, 12, 31))
    check_event_dates(
        start=dt.datetime(2030, 1, 1, 9, tzinfo=dt.UTC), end=dt.datetime(2030, 1, 1, 10, tzinfo=dt.UTC)
    )
    for start, end, field in (
        (dt.date(1899, 12, 31), dt.date(1900, 1, 1), "start_date"),
        (dt.date(2200, 12, 31), dt.date(2201, 1, 1), "end_date"),
        (dt.date(9999, 12, 31), dt.date(9999, 12, 31), "start_date"),
        (dt.date(1, 1, 1), dt.date(1, 1, 1), "start_date"),
    ):
        with pytest.raises(InvalidEventData) as error:
            check_event_dates(start=start, end=end)
        assert error.value.field == field
        assert "between the years 1900 and 2200" in str(error.value.message)
        assert error.value.status == 400
    with pytest.raises(InvalidEventData, match="must end after it starts"):
        check_event_dates(start=dt.date(2030, 1, 2), end=dt.date(2030, 1, 1))


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL must be a whole number from 1"),
        ("RRULE:FREQ=YEARLY;BYMONTH=13", "BYMONTH takes numbers from 1 to 12"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY takes numbers from 1 to 31"),
        ("FREQ=DAILY;COUNT=0", "COUNT must be a whole number"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY takes days such as MO"),
        ("FREQ=FORTNIGHTLY", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("FREQ=WEEKLY;FREQ=DAILY", "gives FREQ twice"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20300301", "either COUNT or UNTIL"),
        ("FREQ=WEEKLY;X-NAME=1", "unknown part"),
        ("BYMONTH=1", "must say how often"),
        ("FREQ=DAILY;UNTIL=99991231", "must end (UNTIL) between the years 1900 and 2200"),
        ("FREQ=DAILY;UNTIL=20200101", "ends before its first date"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "gives no date up to the year 2200"),
    ],
)
def test_invalid_recurrence_rules_are_refused_with_a_message(rule, message):
    with pytest.raises(InvalidEventData) as error:
        check_recurrence_rule(rule=rule, start=START, end=START + dt.timedelta(hours=1))
    assert error.value.field == "recurrence_rule"
    assert message in str(error.value.message)


def test_valid_rules_pass():
    for rule in (
        "FREQ=MONTHLY;BYDAY=2TU;COUNT=12",
        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20301231T235959Z",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=DAILY;COUNT=100000",
    ):
        check_recurrence_rule(rule=rule, start=START)
    check_recurrence_rule(rule="", start=START)


def test_occurrences_of_a_series_stay_within_the_bounds():
    start = dt.datetime(2200, 6, 1, 10)
    check_recurrence_rule(rule="FREQ=MONTHLY;COUNT=6", start=start)
    with pytest.raises(InvalidEventData, match="Every occurrence of the series"):
        check_recurrence_rule(rule="FREQ=MONTHLY;COUNT=12", start=start)
    with pytest.raises(InvalidEventData, match="Every occurrence of the series"):
        check_recurrence_rule(rule="FREQ=WEEKLY", start=start)


def test_a_rule_that_never_matches_is_refused_quickly():
    # dateutil alone searched up to year 9999 for the 30th of February: seconds of one process.
    began = time.perf_counter()
    with pytest.raises(ValidationError):
        parse_rule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", dt.datetime(2200, 1, 1))
    assert time.perf_counter() - began < 1.5


def test_coordinates_are_bounded():
    check_coordinates(latitude=-90, longitude=180)
    check_coordinates(latitude=None, longitude=None)
    with pytest.raises(InvalidEventData, match="latitude must be between -90 and 90"):
        check_coordinates(latitude=91, longitude=0)
    with pytest.raises(InvalidEventData, match="longitude must be between -180 and 180"):
        check_coordinates(latitude=0, longitude=-181)
    with pytest.raises(InvalidEventData, match="both latitude and longitude"):
        check_coordinates(latitude=10, longitude=None)


# Every place an event is created or edited ----


def test_page_editor_refuses_dates_out_of_range_even_west_of_utc(make_event):
    event = make_event(time_zone="Pacific/Pago_Pago").get_latest_revision_as_object()
    # 9999-12-31 at UTC-11 is in year 10000 in UTC: this was an OverflowError (a 500) in clean().
    event.start_date = event.end_date = dt.date(9999, 12, 31)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "between the years 1900 and 2200" in " ".join(error.value.message_dict["start_date"])
    event.start_date = event.end_date = dt.date(1, 1, 1)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "start_date" in error.value.message_dict


def test_page_editor_refuses_registration_deadline_and_moved_dates_out_of_range(make_event):
    event = make_event().get_latest_revision_as_object()
    event.registration_deadline = dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.UTC)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "registration_deadline" in error.value.message_dict
    change = OccurrenceChange(event=event, original_date=dt.date(2030, 1, 1), new_start_date=dt.date(1, 1, 1))
    with pytest.raises(ValidationError) as error:
        change.full_clean(exclude=["event"])
    assert "new_start_date" in error.value.message_dict


def test_services_refuse_interval_zero_instead_of_an_integrity_error(make_event):
    # FREQ=DAILY;INTERVAL=0 repeated one date: the second occurrence row broke the unique constraint.
    with pytest.raises(ValidationError) as error:
        make_event(recurrence_rule="FREQ=DAILY;INTERVAL=0")
    assert "INTERVAL" in " ".join(error.value.message_dict["recurrence_rule"])
    with pytest.raises(ValidationError) as error:
        make_event(recurrence_rule="FREQ=YEARLY;BYMONTH=13")
    assert "BYMONTH" in " ".join(error.value.message_dict["recurrence_rule"])
    assert not EventPage.objects.filter(recurrence_rule__startswith="FREQ=DAILY;INTERVAL").exists()


def test_services_refuse_latitude_91_and_longitude_181(make_event):
    with pytest.raises(ValidationError) as error:
        make_event(latitude=91, longitude=10)
    assert error.value.message_dict["latitude"] == ["The latitude must be between -90 and 90 degrees."]
    with pytest.raises(ValidationError) as error:
        make_event(latitude=10, longitude=181)
    assert error.value.message_dict["longitude"] == ["The longitude must be between -180 and 180 degrees."]
    assert make_event(latitude=-90, longitude=180).latitude == -90


def _form_data(community, **overrides):
    data = {
        "title": "Bounded webinar",
        "community": community.pk,
        "event_type": "webinar",
        "event_format": "online",
        "summary": "Dates inside the bounds.",
        "time_zone": "Pacific/Pago_Pago",
        "start_date": "2030-05-01",
        "start_time": "10:00",
        "end_date": "2030-05-01",
        "end_time": "11:00",
        "online_url": "https://meet.example.org/x",
        "registration_mode": "open",
        "offer_hours": "24",
        "reminder_hours": "24, 1",
    }
    data.update(overrides)
    return data


def test_organisers_form_refuses_out_of_range_dates_rules_and_coordinates(community):
    from events.forms import EventForm

    form = EventForm(data=_form_data(community, start_date="9999-12-31", end_date="9999-12-31"))
    assert not form.is_valid()
    assert "between the years 1900 and 2200" in " ".join(form.errors["start_date"])
    form = EventForm(data=_form_data(community, recurrence_rule="FREQ=DAILY;INTERVAL=0"))
    assert not form.is_valid()
    assert "INTERVAL" in " ".join(form.errors["recurrence_rule"])
    form = EventForm(data=_form_data(community, latitude="91", longitude="181"))
    assert not form.is_valid()
    assert form.errors["latitude"] == ["The latitude must be between -90 and 90 degrees."]
    assert form.errors["longitude"] == ["The longitude must be between -180 and 180 degrees."]
    assert EventForm(data=_form_data(community)).is_valid()


def test_organisers_new_event_view_answers_the_form_with_the_message(client, community, facilitator):
    client.force_login(facilitator)
    response = client.post(
        reverse("events:event_new"), _form_data(community, start_date="9999-12-31", end_date="9999-12-31")
    )
    assert response.status_code == 400
    assert "between the years 1900 and 2200" in response.content.decode()
    assert not EventPage.objects.filter(title="Bounded webinar").exists()


# Rows stored before the bounds never break a page or a feed ----


def _break(event, *, start_utc, end_utc, time_zone, year_date):
    """Simulates legacy data: out-of-range dates written straight to the rows."""
    EventPage.objects.filter(pk=event.pk).update(
        start_date=year_date, end_date=year_date, start_utc=start_utc, end_utc=end_utc, time_zone=time_zone
    )
    Occurrence.objects.filter(event=event).update(
        recurrence_id=start_utc, start_utc=start_utc, end_utc=end_utc
    )
    return EventPage.objects.get(pk=event.pk)


@pytest.fixture
def broken_far_future(make_event):
    """9999-12-31 22:00 UTC is in year 10000 in Kiritimati (UTC+14)."""
    event = make_event(title="Broken far future webinar")
    return _break(
        event,
        start_utc=dt.datetime(9999, 12, 31, 22, 0, tzinfo=dt.UTC),
        end_utc=dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.UTC),
        time_zone="Pacific/Kiritimati",
        year_date=dt.date(9999, 12, 31),
    )


@pytest.fixture
def broken_year_one(make_event):
    """Year 1 at midnight UTC is in year 0 in New York (local mean time, UTC-4:56)."""
    event = make_event(title="Broken year one webinar")
    return _break(
        event,
        start_utc=dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC),
        end_utc=dt.datetime(1, 1, 1, 1, 0, tzinfo=dt.UTC),
        time_zone="America/New_York",
        year_date=dt.date(1, 1, 1),
    )


def test_broken_event_is_left_out_of_the_type_feed_with_a_warning(
    client, make_event, broken_far_future, caplog
):
    good = make_event(title="Sound webinar")
    with caplog.at_level(logging.WARNING, logger="events.ical"):
        response = client.get(reverse("events:feed_type", args=["webinar"]))
    assert response.status_code == 200
    titles = {str(v["SUMMARY"]) for v in Calendar.from_ical(response.content).walk("VEVENT")}
    assert titles == {good.title}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("Broken far future webinar" in r.getMessage() for r in warnings)
    # The site and community feeds too.
    for url in (reverse("events:feed_site"), reverse("events:feed_community", args=[good.community.slug])):
        response = client.get(url)
        assert response.status_code == 200
        assert b"Sound webinar" in response.content and b"Broken far future" not in response.content


def test_feed_with_a_broken_rule_skips_that_series(client, make_event, caplog):
    good = make_event(title="Sound webinar")
    series = make_event(title="Broken series", recurrence_rule="FREQ=WEEKLY;COUNT=3")
    EventPage.objects.filter(pk=series.pk).update(recurrence_rule="FREQ=DAILY;BYMONTH=13")
    with caplog.at_level(logging.WARNING, logger="events.ical"):
        response = client.get(reverse("events:feed_type", args=["webinar"]))
    assert response.status_code == 200
    titles = {str(v["SUMMARY"]) for v in Calendar.from_ical(response.content).walk("VEVENT")}
    assert titles == {good.title}
    assert any("Broken series" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)


def test_personal_feed_skips_a_broken_event(client, make_event, broken_year_one, caplog):
    user = UserFactory()
    good = make_event(title="Sound webinar")
    services.event_register(user=user, occurrence_id=good.occurrences.get().pk)
    # The registration was made while the event was sound.
    from events.models import Registration

    Registration.objects.create(user=user, occurrence=broken_year_one.occurrences.get(), status="registered")
    token = services.calendar_token_rotate(user=user).token
    with caplog.at_level(logging.WARNING, logger="events.ical"):
        response = client.get(reverse("events:feed_personal", args=[token]))
    assert response.status_code == 200
    titles = {str(v["SUMMARY"]) for v in Calendar.from_ical(response.content).walk("VEVENT")}
    assert titles == {good.title}
    assert any("Broken year one webinar" in r.getMessage() for r in caplog.records)


def test_broken_event_page_and_ics_answer_cleanly(client, broken_far_future, broken_year_one):
    for event in (broken_far_future, broken_year_one):
        page = client.get(event.url)
        assert page.status_code == 409
        assert "The dates of this event cannot be shown" in page.content.decode()
        ics = client.get(reverse("events:event_ics", args=[event.pk]))
        assert ics.status_code == 409
        assert ics["Content-Type"].startswith("text/html")
        assert "outside the years 1900 to 2200" in ics.content.decode()


def test_calendar_listing_survives_a_broken_event(client, make_event, broken_far_future):
    make_event(title="Sound webinar")
    response = client.get(reverse("events:calendar"))
    assert response.status_code == 200
    assert "Sound webinar" in response.content.decode()


def test_series_upkeep_skips_a_broken_series_and_extends_the_others(make_event, caplog):
    sound = make_event(title="Sound series", recurrence_rule="FREQ=MONTHLY")
    broken = make_event(title="Broken series", recurrence_rule="FREQ=MONTHLY")
    EventPage.objects.filter(pk=broken.pk).update(recurrence_rule="FREQ=DAILY;INTERVAL=0")
    last = sound.occurrences.order_by("start_utc").last().start_utc
    with caplog.at_level(logging.WARNING, logger="events.services"):
        assert services.series_extend(now=last + dt.timedelta(days=60)) == 1
    assert sound.occurrences.filter(start_utc__gt=last + dt.timedelta(days=365)).exists()
    assert any("Broken series" in r.getMessage() for r in caplog.records)


def test_my_events_survives_a_registration_for_a_broken_event(client, make_event, broken_year_one):
    from events.models import Registration

    user = UserFactory()
    good = make_event(title="Sound webinar")
    services.event_register(user=user, occurrence_id=good.occurrences.get().pk)
    Registration.objects.create(user=user, occurrence=broken_year_one.occurrences.get(), status="registered")
    user.time_zone = "America/New_York"
    user.save(update_fields=["time_zone"])
    client.force_login(user)
    response = client.get(reverse("events:my_events"))
    assert response.status_code == 200
    assert "Sound webinar" in response.content.decode()
