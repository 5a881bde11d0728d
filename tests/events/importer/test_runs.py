import datetime as dt
import http.server
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from events import feed_addresses as addresses
from events import services, tasks
from events.importer import common, download, runs
from events.models import EventPage, ImportedFeed, ImportOutcome, Occurrence
from events.recurrence import MAX_OCCURRENCES
from events.services import events as event_services
from events.services import imported_feeds
from tests.factories import UserFactory

DATA = Path(__file__).parent.parent / "data"
PAST = dt.datetime(2010, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def feed(community):
    return ImportedFeed.objects.create(
        community=community, title="Partner calendar", url="https://partner.example/cal.ics"
    )


def run(feed, data: bytes, now=PAST):
    return runs.feed_import(feed=feed, fetcher=lambda url: data, now=now)


def ics(*vevents: str, extra: str = "") -> bytes:
    body = "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Partner//EN", extra, *vevents, "END:VCALENDAR"]
    )
    return body.replace("\r\n\r\n", "\r\n").encode()


def vevent(uid="a@partner", summary="Seed exchange", start="20300310T100000", tzid="Europe/Paris", extra=""):
    lines = ["BEGIN:VEVENT"]
    if uid:
        lines.append(f"UID:{uid}")
    lines += [f"SUMMARY:{summary}", f"DTSTART;TZID={tzid}:{start}", "DURATION:PT1H30M"]
    if extra:
        lines.append(extra)
    lines.append("END:VEVENT")
    return "\r\n".join(lines)


@pytest.mark.parametrize(
    ("name", "created", "expected_message"),
    [
        ("alarm_google_future.ics", 1, None),
        ("alarm_thunderbird_future.ics", 1, None),
        ("america_new_york.ics", 1, "unknown time zone"),
        ("bom_calendar.ics", 0, None),
        ("broken_ical.ics", 0, "no start date"),
        ("created_calendar_with_unicode_fields.ics", 2, "no UID"),
        ("issue_1050_multiple_calendars.ics", 0, "2 calendars"),
        ("issue_1081_event_with_rrule.ics", 1, None),
        ("issue_156_RDATE_with_PERIOD_TZID_khal.ics", 1, "RDATE"),
        ("issue_218_bad_tzid.ics", 1, "unknown time zone (UTC+11)"),
        ("issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics", 1, "Brasília"),
    ],
)
def test_real_world_files_import_without_crashing(feed, name, created, expected_message):
    report = run(feed, (DATA / name).read_bytes())
    assert report.outcome != ImportOutcome.FAILED, report.messages
    assert report.created == created
    assert EventPage.objects.filter(import_feed=feed).count() == created
    if expected_message:
        assert any(expected_message in line for line in report.messages), report.messages


def test_times_and_zones_are_read_right(feed):
    run(feed, (DATA / "america_new_york.ics").read_bytes())
    event = EventPage.objects.get(import_feed=feed)
    # 08:00 in a custom New York zone (EDT, UTC-4) is 12:00 UTC.
    assert event.time_zone == "UTC"
    assert event.start_utc == dt.datetime(2014, 8, 29, 12, 0, tzinfo=dt.UTC)
    run(feed, (DATA / "alarm_thunderbird_future.ics").read_bytes())
    london = EventPage.objects.get(import_uid="b9a23b47-f109-4e7a-908c-75e925b27def")
    assert london.time_zone == "Europe/London"


def test_floating_time_uses_the_calendar_zone(feed):
    data = ics(
        "BEGIN:VEVENT\r\nUID:f@p\r\nSUMMARY:Floating\r\nDTSTART:20300310T100000\r\nEND:VEVENT",
        extra="X-WR-TIMEZONE:America/Bogota",
    )
    report = run(feed, data)
    event = EventPage.objects.get(import_uid="f@p")
    assert event.time_zone == "America/Bogota"
    assert event.start_utc == dt.datetime(2030, 3, 10, 15, 0, tzinfo=dt.UTC)
    assert any("floating" in line for line in report.messages)


def test_updates_and_removals_by_uid_keep_local_edits(feed):
    run(feed, ics(vevent("a@p", "Seed exchange"), vevent("b@p", "Mangrove walk", start="20300311T090000")))
    assert EventPage.objects.filter(import_feed=feed).count() == 2
    a = EventPage.objects.get(import_uid="a@p")
    first_sequence = a.ical_sequence
    # Unchanged feed: nothing to do.
    report = run(
        feed, ics(vevent("a@p", "Seed exchange"), vevent("b@p", "Mangrove walk", start="20300311T090000"))
    )
    assert (report.unchanged, report.updated) == (2, 0)
    # The organiser edits b locally.
    b = EventPage.objects.get(import_uid="b@p").get_latest_revision_as_object()
    b.summary = "Our own words"
    services.event_update(page=b)
    assert EventPage.objects.get(pk=b.pk).locally_edited
    report = run(
        feed,
        ics(
            vevent("a@p", "Seed exchange (new room)"),
            vevent("b@p", "Mangrove walk!", start="20300311T090000"),
        ),
    )
    assert (report.updated, report.kept_local) == (1, 1)
    a.refresh_from_db()
    assert a.title == "Seed exchange (new room)" and a.ical_sequence > first_sequence
    assert EventPage.objects.get(import_uid="b@p").summary == "Our own words"
    # The partner drops both: a goes, b stays because it was edited here.
    report = run(feed, ics())
    assert report.removed == 1 and report.kept_local == 1
    assert list(EventPage.objects.filter(import_feed=feed).values_list("import_uid", flat=True)) == ["b@p"]
    # When the organiser lets the feed win, the local edit is overwritten.
    feed.keep_local_edits = False
    feed.save()
    run(feed, ics(vevent("b@p", "Mangrove walk!", start="20300311T090000")))
    assert EventPage.objects.get(import_uid="b@p").title == "Mangrove walk!"


def test_removed_event_with_registrations_is_cancelled_not_deleted(
    feed, facilitator, django_capture_on_commit_callbacks
):
    feed.keep_local_edits = False
    feed.save()
    now = dt.datetime.now(dt.UTC)
    run(feed, ics(vevent("r@p", "Registered", start="20300310T100000")), now=now)
    event = EventPage.objects.get(import_uid="r@p")
    event.registration_mode = "open"
    services.event_update(page=event)
    services.event_register(user=UserFactory(), occurrence_id=event.occurrences.get().pk)
    # The only event gone from the feed is more than half: held until the organiser confirms.
    assert run(feed, ics(), now=now).outcome == ImportOutcome.HELD
    event.refresh_from_db()
    assert not event.cancelled
    with django_capture_on_commit_callbacks(execute=True):
        runs.feed_removals_confirm(feed=feed, by=facilitator)
    event.refresh_from_db()
    assert event.cancelled and "Partner calendar" in event.cancellation_reason


def test_duplicate_uids_keep_the_latest_sequence(feed):
    report = run(
        feed,
        ics(vevent("d@p", "Old title", extra="SEQUENCE:1"), vevent("d@p", "New title", extra="SEQUENCE:2")),
    )
    assert EventPage.objects.get(import_uid="d@p").title == "New title"
    assert any("appears twice" in line for line in report.messages)


def test_huge_and_too_frequent_rules_are_capped(feed):
    report = run(
        feed,
        ics(
            vevent(
                "huge@p", "Daily for ever", start="20300101T090000", extra="RRULE:FREQ=DAILY;COUNT=100000"
            ),
            vevent("sec@p", "Every second", start="20300101T090000", extra="RRULE:FREQ=SECONDLY"),
        ),
    )
    huge = EventPage.objects.get(import_uid="huge@p")
    assert huge.recurrence_rule == "FREQ=DAILY;COUNT=100000"
    assert Occurrence.objects.filter(event=huge).count() == MAX_OCCURRENCES
    every_second = EventPage.objects.get(import_uid="sec@p")
    assert every_second.recurrence_rule == "" and every_second.occurrences.count() == 1
    assert any("not support" in line for line in report.messages)


def test_moved_and_cancelled_occurrences_of_a_series(feed):
    data = ics(
        vevent(
            "s@p",
            "Monthly call",
            start="20300107T100000",
            extra="RRULE:FREQ=MONTHLY;COUNT=4\r\nEXDATE;TZID=Europe/Paris:20300207T100000",
        ),
        "BEGIN:VEVENT\r\nUID:s@p\r\nRECURRENCE-ID;TZID=Europe/Paris:20300307T100000\r\nSUMMARY:Monthly call (moved)\r\n"
        "DTSTART;TZID=Europe/Paris:20300308T150000\r\nDURATION:PT1H30M\r\nEND:VEVENT",
    )
    run(feed, data)
    event = EventPage.objects.get(import_uid="s@p")
    occurrences = list(event.occurrences.order_by("recurrence_id"))
    assert len(occurrences) == 4
    assert occurrences[1].is_cancelled
    assert occurrences[2].is_moved
    assert occurrences[2].start_utc == dt.datetime(2030, 3, 8, 14, 0, tzinfo=dt.UTC)


def test_thousands_of_events_are_capped_and_past_ones_skipped(feed, settings):
    settings.EVENTS_IMPORT_MAX_EVENTS = 15
    past = [
        vevent(f"old{i}@p", f"Old {i}", start=f"2005{1 + i % 12:02d}{1 + i % 28:02d}T100000")
        for i in range(3000)
    ]
    future = [
        vevent(f"new{i}@p", f"New {i}", start=f"2031{1 + i % 12:02d}{1 + i % 28:02d}T100000")
        for i in range(40)
    ]
    report = run(feed, ics(*past, *future), now=dt.datetime(2030, 6, 1, tzinfo=dt.UTC))
    assert report.created == 15
    assert any("only the first 15" in line for line in report.messages)


def test_invalid_bytes_are_replaced(feed):
    data = ics(vevent("bytes@p", "CafX")).replace(b"CafX", b"Caf\xff\xfe")
    report = run(feed, data)
    assert report.created == 1
    assert any("not UTF-8" in line for line in report.messages)


def test_not_a_calendar_fails_cleanly_and_changes_nothing(feed):
    run(feed, ics(vevent("keep@p", "Keep me")))
    report = run(feed, b"<html><body>Moved</body></html>")
    assert report.outcome == ImportOutcome.FAILED
    assert "not an iCalendar" in report.messages[0]
    assert EventPage.objects.filter(import_uid="keep@p").exists()


def test_a_failure_midway_keeps_the_saved_batches_removes_nothing_and_a_rerun_completes(
    feed, monkeypatch, settings
):
    settings.EVENTS_IMPORT_BATCH_SIZE = 2
    run(feed, ics(vevent("old@p", "Old")))
    data = ics(*(vevent(f"n{i}@p", f"New {i}", start=f"203003{10 + i}T100000") for i in range(4)))
    real_create = services.event_create
    calls = {"n": 0}

    def flaky_create(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return real_create(**kwargs)

    monkeypatch.setattr(event_services, "event_create", flaky_create)
    report = run(feed, data)
    assert report.outcome == ImportOutcome.STOPPED
    assert "after 2 of 4 events; nothing was removed" in report.messages[0]
    # The first batch is saved, the failing one rolled back, and the event gone from the feed kept.
    uids = set(EventPage.objects.filter(import_feed=feed).values_list("import_uid", flat=True))
    assert uids == {"old@p", "n0@p", "n1@p"}
    feed.refresh_from_db()
    assert feed.status == "failed" and feed.running_since is None
    monkeypatch.setattr(event_services, "event_create", real_create)
    report = run(feed, data)
    assert (report.created, report.unchanged, report.removed) == (2, 2, 1)
    assert sorted(EventPage.objects.filter(import_feed=feed).values_list("import_uid", flat=True)) == [
        "n0@p",
        "n1@p",
        "n2@p",
        "n3@p",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/cal.ics",
        "http://localhost/cal.ics",
        "http://10.1.2.3/cal.ics",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/cal.ics",
        "http://192.168.1.5/cal.ics",
        "file:///etc/passwd",
        "ftp://partner.example/cal.ics",
        "http://user:secret@partner.example/cal.ics",
    ],
)
def test_private_and_odd_addresses_are_refused(url):
    with pytest.raises(ValidationError):
        addresses.check_url(url)


class _Handler(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):  # noqa: N802
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/secret")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_fetch_real_http_with_allow_list_size_limit_and_redirect_check(local_server, settings, feed):
    _Handler.body = ics(vevent("net@p", "Over the network"))
    base = f"http://127.0.0.1:{local_server.server_port}"
    with pytest.raises(common.FeedError):
        download.fetch(f"{base}/cal.ics")  # loopback is refused by default
    settings.EVENTS_IMPORT_ALLOWED_HOSTS = ["127.0.0.1"]
    assert b"Over the network" in download.fetch(f"{base}/cal.ics")
    with pytest.raises(common.FeedError, match="private or local"):
        download.fetch(f"{base}/redirect")
    settings.EVENTS_IMPORT_MAX_BYTES = 100
    with pytest.raises(common.FeedError, match="larger than"):
        download.fetch(f"{base}/cal.ics")
    settings.EVENTS_IMPORT_MAX_BYTES = 10_000
    feed.url = f"{base}/cal.ics"
    feed.save()
    tasks.import_all_feeds.delay()
    assert EventPage.objects.filter(import_uid="net@p").exists()
    assert feed.reports.get().outcome == ImportOutcome.OK


def test_facilitator_subscribes_and_reads_the_report(
    client, community, facilitator, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(download, "fetch", lambda url: ics(vevent("v@p", "Via the form")))
    monkeypatch.setattr(imported_feeds, "check_url", lambda url: None)
    client.force_login(facilitator)
    url = reverse("events:imports", args=[community.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"title": "CBD Secretariat", "url": "https://cbd.example/km4b.ics", "keep_local_edits": "on"}
        )
    assert response.status_code == 302
    feed = ImportedFeed.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "1 created" in page
    assert EventPage.objects.filter(import_uid="v@p", community=community).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:import_feed", args=[feed.pk]), {"action": "run"})
    assert feed.reports.count() == 2


def test_subscribing_to_a_local_address_is_refused(client, community, facilitator):
    client.force_login(facilitator)
    response = client.post(
        reverse("events:imports", args=[community.pk]), {"title": "Sneaky", "url": "http://127.0.0.1:6379/"}
    )
    assert response.status_code == 400
    assert "private or local address" in response.content.decode()
    assert not ImportedFeed.objects.exists()


def test_outsider_cannot_manage_imports(client, community):
    client.force_login(UserFactory())
    assert client.get(reverse("events:imports", args=[community.pk])).status_code == 403
    assert (
        client.post(
            reverse("events:imports", args=[community.pk]), {"title": "x", "url": "https://cbd.example/x.ics"}
        ).status_code
        == 403
    )
    assert not ImportedFeed.objects.exists()
