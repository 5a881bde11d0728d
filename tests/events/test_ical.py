import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from events import services
from events.models import OccurrenceChange
from tests.factories import UserFactory, events_membership

PARIS = ZoneInfo("Europe/Paris")


def parse(response) -> Calendar:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content
    # Line folding: no content line longer than 75 octets (RFC 5545 §3.1).
    assert all(len(line) <= 75 for line in body.split(b"\r\n")), "unfolded line"
    cal = Calendar.from_ical(body)
    assert cal.get_missing_tzids() == set()
    for vevent in cal.walk("VEVENT"):
        for name in ("UID", "DTSTAMP", "SEQUENCE", "DTSTART", "SUMMARY", "STATUS"):
            assert name in vevent, name
    return cal


def by_uid(cal):
    return {str(v["UID"]): v for v in cal.walk("VEVENT") if "RECURRENCE-ID" not in v}


@pytest.fixture
def series(make_event):
    """A monthly webinar series across the March DST change, with one date cancelled and one moved."""
    start = dt.date(2030, 1, 15)
    event = make_event(
        title="Monthly CHM webinar",
        start_date=start,
        end_date=start,
        start_time=dt.time(10, 0),
        end_time=dt.time(11, 0),
        recurrence_rule="FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6",
        tags=["clearing-house"],
    )
    event = event.get_latest_revision_as_object()
    event.occurrence_changes.add(OccurrenceChange(original_date=dt.date(2030, 2, 15), cancelled=True))
    event.occurrence_changes.add(
        OccurrenceChange(
            original_date=dt.date(2030, 4, 15),
            new_start_date=dt.date(2030, 4, 16),
            new_start_time=dt.time(14, 0),
        )
    )
    return services.event_update(page=event)


def test_series_occurrences_keep_wall_clock_time_across_dst(series):
    occurrences = list(series.occurrences.order_by("recurrence_id"))
    assert len(occurrences) == 6
    assert occurrences[0].start_utc == dt.datetime(2030, 1, 15, 9, 0, tzinfo=dt.UTC)  # CET, UTC+1
    assert occurrences[2].start_utc == dt.datetime(2030, 3, 15, 9, 0, tzinfo=dt.UTC)  # before 31 March
    assert occurrences[4].start_utc == dt.datetime(2030, 5, 15, 8, 0, tzinfo=dt.UTC)  # CEST, UTC+2
    assert all(o.start_utc.astimezone(PARIS).hour in (10, 14) for o in occurrences)
    assert occurrences[1].is_cancelled
    assert occurrences[3].is_moved and occurrences[3].start_utc == dt.datetime(
        2030, 4, 16, 12, 0, tzinfo=dt.UTC
    )


def test_event_ics_round_trips_with_rrule_exdate_recurrence_id(client, series):
    cal = parse(client.get(reverse("events:event_ics", args=[series.pk])))
    vevents = cal.walk("VEVENT")
    master = next(v for v in vevents if "RECURRENCE-ID" not in v)
    override = next(v for v in vevents if "RECURRENCE-ID" in v)
    assert str(master["UID"]) == str(override["UID"]) == f"{series.ical_uid}@127.0.0.1"
    assert master["RRULE"]["FREQ"] == ["MONTHLY"]
    assert master.decoded("DTSTART") == dt.datetime(2030, 1, 15, 10, 0, tzinfo=PARIS)
    assert master["DTSTART"].params["TZID"] == "Europe/Paris"
    assert [d.dt for d in master["EXDATE"].dts] == [dt.datetime(2030, 2, 15, 10, 0, tzinfo=PARIS)]
    assert override.decoded("RECURRENCE-ID") == dt.datetime(2030, 4, 15, 10, 0, tzinfo=PARIS)
    assert override.decoded("DTSTART") == dt.datetime(2030, 4, 16, 14, 0, tzinfo=PARIS)
    assert "Europe/Paris" in [tz.tz_name for tz in cal.walk("VTIMEZONE")]
    # The join link is not in the public file.
    assert b"meet.example.org" not in client.get(reverse("events:event_ics", args=[series.pk])).content


def test_sequence_rises_on_every_change_and_cancellation_is_announced(client, make_event):
    event = make_event()
    url = reverse("events:event_ics", args=[event.pk])
    first = parse(client.get(url)).walk("VEVENT")[0]
    event = event.get_latest_revision_as_object()
    event.start_time = dt.time(16, 0)
    event.end_time = dt.time(17, 0)
    services.event_update(page=event)
    second = parse(client.get(url)).walk("VEVENT")[0]
    assert str(second["UID"]) == str(first["UID"])
    assert second["SEQUENCE"] > first["SEQUENCE"]
    services.event_cancel(event=event, reason="Speaker unavailable")
    third = parse(client.get(url)).walk("VEVENT")[0]
    assert third["SEQUENCE"] > second["SEQUENCE"]
    assert third["STATUS"] == "CANCELLED"


def test_all_day_multi_day_event_uses_dates(client, make_event):
    event = make_event(
        title="Knowledge fair",
        event_type="knowledge_fair",
        event_format="in_person",
        all_day=True,
        start_time=None,
        end_time=None,
        start_date=dt.date(2030, 6, 3),
        end_date=dt.date(2030, 6, 5),
        venue_name="Palais des Nations",
        latitude="46.226700",
        longitude="6.140300",
    )
    vevent = parse(client.get(reverse("events:event_ics", args=[event.pk]))).walk("VEVENT")[0]
    assert vevent.decoded("DTSTART") == dt.date(2030, 6, 3)
    assert vevent.decoded("DTEND") == dt.date(2030, 6, 6)  # exclusive end
    assert vevent["GEO"].latitude == pytest.approx(46.2267)


def test_public_feeds_round_trip_and_hide_members_only_events(client, make_event, series, private_community):
    public = make_event(title="Open dialogue", event_type="dialogue", tags=["youth"])
    secret = make_event(title="Members circle", community=private_community, tags=["youth"])
    community = public.community
    feeds = {
        "site": reverse("events:feed_site"),
        "community": reverse("events:feed_community", args=[community.slug]),
        "type": reverse("events:feed_type", args=["dialogue"]),
        "tag": reverse("events:feed_tag", args=["youth"]),
    }
    uids = {name: set(by_uid(parse(client.get(url)))) for name, url in feeds.items()}
    public_uid, secret_uid, series_uid = (f"{e.ical_uid}@127.0.0.1" for e in (public, secret, series))
    assert uids["site"] == {public_uid, series_uid}
    assert uids["community"] == {public_uid, series_uid}
    assert uids["type"] == {public_uid}
    assert uids["tag"] == {public_uid}
    assert client.get(reverse("events:feed_community", args=[private_community.slug])).status_code == 404
    assert client.get(reverse("events:feed_type", args=["nonsense"])).status_code == 404


def test_feeds_are_cached_and_invalidated_on_change(
    client, make_event, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    event = make_event(title="Before")
    url = reverse("events:feed_site")
    parse(client.get(url))
    with django_assert_max_num_queries(0):
        cached = client.get(url)
    assert b"Before" in cached.content
    event = event.get_latest_revision_as_object()
    event.title = "After"
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(page=event)
    fresh = client.get(url)
    assert b"After" in fresh.content and b"Before" not in fresh.content


def test_personal_feed_has_registered_events_with_join_links_and_is_revocable(
    client, make_event, private_community, django_capture_on_commit_callbacks
):
    user = UserFactory()
    events_membership(user, private_community)
    mine = make_event(title="Registered webinar")
    members = make_event(title="Members webinar", community=private_community)
    other = make_event(title="Not registered")
    with django_capture_on_commit_callbacks(execute=True):
        services.event_register(user=user, occurrence_id=mine.occurrences.get().pk)
        services.event_register(user=user, occurrence_id=members.occurrences.get().pk)
    token = services.calendar_token_rotate(user=user).token
    response = client.get(reverse("events:feed_personal", args=[token]))
    cal = parse(response)
    assert response["Cache-Control"] == "private, no-store"
    titles = {str(v["SUMMARY"]) for v in cal.walk("VEVENT")}
    assert titles == {"Registered webinar", "Members webinar"}
    assert (
        "meet.example.org/km4b-webinar"
        in Calendar.from_ical(response.content).walk("VEVENT")[0]["DESCRIPTION"]
    )
    assert other.title not in titles
    # Leaving the community takes its events out of the feed.
    events_membership(user, private_community, status="left")
    from events.feed_cache import invalidate_feeds, personal_scope

    invalidate_feeds({personal_scope(user.pk)})
    cal = parse(client.get(reverse("events:feed_personal", args=[token])))
    assert {str(v["SUMMARY"]) for v in cal.walk("VEVENT")} == {"Registered webinar"}
    new_token = services.calendar_token_rotate(user=user).token
    assert client.get(reverse("events:feed_personal", args=[token])).status_code == 404
    assert client.get(reverse("events:feed_personal", args=[new_token])).status_code == 200
    services.calendar_token_revoke(user=user)
    assert client.get(reverse("events:feed_personal", args=[new_token])).status_code == 404


def test_event_ics_includes_join_link_for_registered_user(client, make_event):
    event = make_event()
    user = UserFactory()
    services.event_register(user=user, occurrence_id=event.occurrences.get().pk)
    client.force_login(user)
    response = client.get(reverse("events:event_ics", args=[event.pk]))
    assert "meet.example.org/km4b-webinar" in str(
        Calendar.from_ical(response.content).walk("VEVENT")[0]["DESCRIPTION"]
    )


def test_add_to_calendar_links(make_event):
    from events.calendar_links import google_calendar_url, outlook_calendar_url

    event = make_event(start_date=dt.date(2030, 7, 1), end_date=dt.date(2030, 7, 1))
    occurrence = event.occurrences.get()
    google = google_calendar_url(occurrence)
    assert "dates=20300701T120000Z%2F20300701T133000Z" in google and "ctz=Europe%2FParis" in google
    assert "startdt=2030-07-01T12%3A00%3A00Z" in outlook_calendar_url(occurrence)
