"""Imports never lose what they had (issue #10, item 3): cut-off feeds change nothing, bad events are
named and skipped, mass removals wait for the organiser, batches, RDATE, and a fetcher pinned to the
address it checked."""

import datetime as dt
import http.server
import socket
import threading

import pytest
import urllib3
from django.db import connection
from django.urls import reverse

from events import services
from events.importer import apply, common, download, runs
from events.models import EventPage, ImportedFeed, ImportOutcome, ImportReport
from events.services import events as event_services
from tests.events.importer.test_runs import ics, run, vevent


@pytest.fixture
def feed(community):
    return ImportedFeed.objects.create(
        community=community, title="Partner calendar", url="https://partner.example/cal.ics"
    )


def three_events() -> bytes:
    return ics(
        vevent("a@p", "Seed exchange"),
        vevent("b@p", "Mangrove walk", start="20300311T100000"),
        vevent("c@p", "Pollinator count", start="20300312T100000"),
    )


def imported_uids(feed) -> set[str]:
    return set(EventPage.objects.filter(import_feed=feed).values_list("import_uid", flat=True))


# A feed that is cut off, unterminated or unreadable changes nothing ----


def test_a_feed_cut_off_mid_event_changes_nothing_and_says_so(feed):
    full = three_events()
    assert run(feed, full).created == 3
    cut = full[: full.index(b"UID:c@p") + 10]
    report = run(feed, cut)
    assert report.outcome == ImportOutcome.FAILED
    assert report.removed == 0
    assert "cut off" in report.messages[0] and "VEVENT" in report.messages[0]
    assert "Nothing was changed" in report.messages[1]
    assert imported_uids(feed) == {"a@p", "b@p", "c@p"}
    feed.refresh_from_db()
    assert feed.status == "failed" and "cut off" in feed.status_message


def test_an_unterminated_feed_imports_nothing_and_says_so(feed):
    report = run(feed, three_events().replace(b"END:VCALENDAR", b""))
    assert report.outcome == ImportOutcome.FAILED
    assert "does not end with END:VCALENDAR" in report.messages[0]
    assert not EventPage.objects.filter(import_feed=feed).exists()
    feed.refresh_from_db()
    assert feed.status == "failed"


def test_a_damaged_feed_changes_nothing(feed):
    run(feed, three_events())
    damaged = three_events().replace(b"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:b@p", b"BEGIN:VEVENT\r\nUID:b@p", 1)
    report = run(feed, damaged)
    assert report.outcome == ImportOutcome.FAILED
    assert imported_uids(feed) == {"a@p", "b@p", "c@p"}


def test_a_download_shorter_than_announced_is_refused(settings):
    body = three_events()

    class Short(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Short)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.EVENTS_IMPORT_ALLOWED_HOSTS = ["127.0.0.1"]
        with pytest.raises(common.FeedError, match="could not be downloaded whole"):
            download.fetch(f"http://127.0.0.1:{server.server_port}/cal.ics")
    finally:
        server.shutdown()
        server.server_close()


# Events leave only when a complete feed no longer has them; mass removals are held ----


def test_removing_more_than_half_is_held_until_the_organiser_confirms(
    client, feed, facilitator, django_capture_on_commit_callbacks
):
    run(feed, three_events())
    report = run(feed, ics(vevent("a@p", "Seed exchange")))
    assert report.outcome == ImportOutcome.HELD and report.removed == 0
    assert "2 of the 3 events" in report.messages[0]
    assert imported_uids(feed) == {"a@p", "b@p", "c@p"}
    feed.refresh_from_db()
    assert feed.status == "held" and sorted(feed.held_removals) == ["b@p", "c@p"] and feed.held_count == 2
    # A rerun of the same feed holds the same removals, still removing nothing.
    assert run(feed, ics(vevent("a@p", "Seed exchange"))).removed == 0
    client.force_login(facilitator)
    url = reverse("events:import_feed", args=[feed.pk])
    page = client.get(url).content.decode()
    assert "2 events are no longer in the partner" in page and "confirm_removals" in page
    listing = client.get(reverse("events:imports", args=[feed.community_id])).content.decode()
    assert "2 removals await your confirmation" in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "confirm_removals"})
    assert response.status_code == 302
    assert imported_uids(feed) == {"a@p"}
    feed.refresh_from_db()
    assert feed.held_removals == [] and feed.status == "ok"
    confirmation = feed.reports.first()
    assert confirmation.removed == 2 and "confirmed the removal of 2 events" in confirmation.messages[0]
    # Confirming again has nothing to do and says so.
    response = client.post(url, {"action": "confirm_removals"}, follow=True)
    assert "No removal is waiting" in response.content.decode()


def test_an_empty_feed_is_held_not_applied(feed):
    run(feed, three_events())
    assert run(feed, ics()).outcome == ImportOutcome.HELD
    assert imported_uids(feed) == {"a@p", "b@p", "c@p"}


def test_removing_half_or_less_is_applied(feed):
    run(feed, ics(*(vevent(f"{i}@p", f"E{i}", start=f"203003{10 + i}T100000") for i in range(4))))
    report = run(feed, ics(*(vevent(f"{i}@p", f"E{i}", start=f"203003{10 + i}T100000") for i in range(2))))
    assert report.outcome == ImportOutcome.OK and report.removed == 2
    assert imported_uids(feed) == {"0@p", "1@p"}


def test_kept_events_become_the_communitys_own_and_are_taken_back_without_duplicates(
    client, feed, facilitator
):
    run(feed, three_events())
    run(feed, ics(vevent("a@p", "Seed exchange")))
    client.force_login(facilitator)
    response = client.post(reverse("events:import_feed", args=[feed.pk]), {"action": "keep_removed"})
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.held_removals == [] and feed.status == "ok"
    kept = EventPage.objects.filter(import_uid__in=["b@p", "c@p"])
    assert kept.count() == 2 and all(page.import_feed_id is None for page in kept)
    assert run(feed, ics(vevent("a@p", "Seed exchange"))).outcome == ImportOutcome.OK
    # The partner lists them again: linked to the feed again, not imported twice.
    report = run(feed, three_events())
    assert report.created == 0
    assert EventPage.objects.filter(import_uid__in=["b@p", "c@p"]).count() == 2
    assert imported_uids(feed) == {"a@p", "b@p", "c@p"}


def test_only_facilitators_answer_held_removals(client, feed):
    from tests.factories import UserFactory

    run(feed, three_events())
    run(feed, ics())
    client.force_login(UserFactory())
    for action in ("confirm_removals", "keep_removed"):
        response = client.post(reverse("events:import_feed", args=[feed.pk]), {"action": action})
        assert response.status_code == 403
    with pytest.raises(common.ImportNotAllowed):
        runs.feed_removals_dismiss(feed=feed, by=UserFactory())
    assert imported_uids(feed) == {"a@p", "b@p", "c@p"}


def test_events_still_in_the_feed_are_not_removed_when_they_pass(feed):
    start = dt.datetime(2030, 3, 10, tzinfo=dt.UTC)
    data = ics(
        vevent("a@p", "Seed exchange"),
        vevent("b@p", "Mangrove walk", start="20300511T100000"),
        vevent("c@p", "Pollinator count", start="20300512T100000"),
    )
    run(feed, data, now=start)
    # Two months later the first is past the import window, but the feed still has it: it stays.
    report = run(feed, data, now=start + dt.timedelta(days=60))
    assert report.removed == 0 and report.outcome != ImportOutcome.HELD
    assert imported_uids(feed) == {"a@p", "b@p", "c@p"}


# One bad event is named and skipped; the rest is imported ----


@pytest.mark.parametrize(
    ("rule", "reason"),
    [("FREQ=DAILY;INTERVAL=0", "INTERVAL"), ("FREQ=YEARLY;BYMONTH=13", "BYMONTH")],
)
def test_an_invalid_rule_is_named_and_skipped_and_the_rest_imported(feed, rule, reason):
    report = run(
        feed,
        ics(
            vevent("bad@p", "Broken series", extra=f"RRULE:{rule}"),
            vevent("good@p", "Good one", start="20300311T100000"),
        ),
    )
    assert report.outcome == ImportOutcome.WITH_WARNINGS
    assert report.created == 1 and report.skipped == 1
    assert imported_uids(feed) == {"good@p"}
    line = next(line for line in report.messages if "Broken series" in line)
    assert "(UID bad@p)" in line and "skipped" in line and reason in line and rule in line


def test_dates_outside_the_bounds_are_named_and_skipped(feed):
    report = run(
        feed,
        ics(
            vevent("far@p", "Far future", start="99991231T230000", tzid="Pacific/Pago_Pago"),
            vevent("good@p", "Good one", start="20300311T100000"),
        ),
    )
    assert imported_uids(feed) == {"good@p"} and report.skipped == 1
    line = next(line for line in report.messages if "Far future" in line)
    assert "(UID far@p)" in line and "1900" in line and "2200" in line


def test_an_unknown_tzid_is_named(feed):
    report = run(feed, ics(vevent("mars@p", "Olympus Mons walk", tzid="Mars/Olympus")))
    line = next(line for line in report.messages if "Olympus Mons walk" in line)
    assert "Mars/Olympus" in line and "(UID mars@p)" in line


def test_an_event_the_site_refuses_is_skipped_by_name_and_the_rest_saved(feed, monkeypatch):
    from django.db import IntegrityError

    real_create = services.event_create

    def create(*, page, **kwargs):
        if page.import_uid == "b@p":
            raise IntegrityError("UNIQUE constraint failed: events_occurrence")
        return real_create(page=page, **kwargs)

    monkeypatch.setattr(event_services, "event_create", create)
    report = run(feed, three_events())
    assert imported_uids(feed) == {"a@p", "c@p"}
    assert report.skipped == 1
    assert any("“Mangrove walk” (UID b@p) was skipped" in line for line in report.messages)


# Batches, idempotence, the run lock ----


def test_large_feeds_are_applied_in_batches_each_its_own_transaction(feed, settings, monkeypatch):
    settings.EVENTS_IMPORT_BATCH_SIZE = 3
    outside = len(connection.savepoint_ids)  # the test's own transaction
    depths = []
    real_apply_event = apply.apply_event

    def apply_event(*args, **kwargs):
        depths.append(len(connection.savepoint_ids) - outside)
        return real_apply_event(*args, **kwargs)

    monkeypatch.setattr(apply, "apply_event", apply_event)
    batches = []
    real_batch = apply.apply_batch

    def apply_batch(feed, items, report):
        batches.append(len(items))
        # Each batch starts outside any transaction of the run: no lock is carried from one to the next.
        assert len(connection.savepoint_ids) == outside
        return real_batch(feed, items, report)

    monkeypatch.setattr(apply, "apply_batch", apply_batch)
    data = ics(*(vevent(f"{i}@p", f"E{i}", start=f"203004{10 + i}T100000") for i in range(7)))
    report = run(feed, data)
    assert batches == [3, 3, 1]
    assert set(depths) == {2}  # the batch's transaction and the event's own savepoint
    assert report.created == 7
    # Second run: a retry matches on UID and subscription and creates nothing.
    assert run(feed, data).unchanged == 7
    assert EventPage.objects.filter(import_uid__endswith="@p").count() == 7


def test_a_run_under_way_is_not_doubled(feed):
    from django.utils import timezone

    type(feed).objects.filter(pk=feed.pk).update(running_since=timezone.now())
    assert run(feed, three_events()) is None
    assert not EventPage.objects.filter(import_feed=feed).exists()
    # A run that died long ago does not block for ever.
    type(feed).objects.filter(pk=feed.pk).update(running_since=timezone.now() - dt.timedelta(hours=1))
    stale = ImportReport.objects.create(feed=feed, outcome=ImportOutcome.RUNNING)
    assert run(feed, three_events()).created == 3
    stale.refresh_from_db()
    assert stale.outcome == ImportOutcome.STOPPED


# RDATE ----


def test_evenly_spaced_rdates_become_the_series_rule(feed):
    report = run(
        feed,
        ics(
            vevent(
                "r@p",
                "Weekly clinic",
                start="20300107T100000",
                extra="RDATE;TZID=Europe/Paris:20300114T100000,20300121T100000,20300128T100000",
            )
        ),
    )
    event = EventPage.objects.get(import_uid="r@p")
    assert event.recurrence_rule == "FREQ=WEEKLY;COUNT=4"
    starts = [occ.start_utc for occ in event.occurrences.order_by("start_utc")]
    assert starts == [dt.datetime(2030, 1, d, 9, 0, tzinfo=dt.UTC) for d in (7, 14, 21, 28)]
    assert any("RDATE" in line and "series" in line for line in report.messages)


def test_irregular_rdates_and_those_a_rule_lacks_become_events_of_their_own(feed):
    run(
        feed,
        ics(
            vevent(
                "i@p",
                "Field days",
                start="20300107T100000",
                extra="RDATE;TZID=Europe/Paris:20300109T100000,20300120T143000",
            ),
            vevent(
                "s@p",
                "Monthly call",
                start="20300107T100000",
                extra="RRULE:FREQ=MONTHLY;COUNT=3\r\nRDATE;TZID=Europe/Paris:20300207T100000,20300215T100000",
            ),
        ),
    )
    assert imported_uids(feed) == {
        "i@p",
        "i@p#RDATE20300109T100000",
        "i@p#RDATE20300120T143000",
        "s@p",
        "s@p#RDATE20300215T100000",
    }
    extra = EventPage.objects.get(import_uid="i@p#RDATE20300120T143000")
    assert extra.title == "Field days"
    assert extra.start_utc == dt.datetime(2030, 1, 20, 13, 30, tzinfo=dt.UTC)
    assert extra.end_utc - extra.start_utc == dt.timedelta(hours=1, minutes=30)
    assert EventPage.objects.get(import_uid="s@p").occurrences.count() == 3


# The fetcher connects to the address it checked ----


PUBLIC = "93.184.215.14"


def test_the_fetcher_connects_to_the_address_it_checked(monkeypatch):
    real_getaddrinfo = socket.getaddrinfo
    answers = {"n": 0}

    def rebinding_resolver(host, port, *args, **kwargs):
        if host != "partner.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        answers["n"] += 1
        address = PUBLIC if answers["n"] == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    connected = []

    def create_connection(address, *args, **kwargs):
        host, port = address
        # Resolve as the real one does: with the stub, a second lookup of the name gives 127.0.0.1.
        resolved = socket.getaddrinfo(host, port, socket.AF_UNSPEC, socket.SOCK_STREAM)[0][4][0]
        connected.append(resolved)
        raise ConnectionRefusedError("no network in tests")

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_resolver)
    monkeypatch.setattr(urllib3.util.connection, "create_connection", create_connection)
    with pytest.raises(common.FeedError, match="could not be reached"):
        download.fetch("http://partner.example/cal.ics")
    assert connected == [PUBLIC]
    assert answers["n"] == 1


def test_the_pinned_request_carries_the_original_host(monkeypatch, settings):
    seen = {}

    class Echo(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen["host"] = self.headers["Host"]
            self.send_response(200)
            self.end_headers()
            self.wfile.write(ics(vevent("h@p", "Hosted")))

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    real_getaddrinfo = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        if host == "calendar.partner.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    settings.EVENTS_IMPORT_ALLOWED_HOSTS = ["calendar.partner.example"]
    try:
        body = download.fetch(f"http://calendar.partner.example:{server.server_port}/cal.ics")
    finally:
        server.shutdown()
        server.server_close()
    assert b"Hosted" in body
    assert seen["host"] == f"calendar.partner.example:{server.server_port}"


def test_the_admin_list_shows_which_subscriptions_wait_for_an_answer(admin_client, feed):
    run(feed, three_events())
    run(feed, ics())
    listing = admin_client.get(reverse("wagtailsnippets_events_importedfeed:list")).content.decode()
    assert "Removals awaiting confirmation" in listing
    assert "Imported; removals await your confirmation" in listing
