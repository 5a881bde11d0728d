"""The feed fetcher's limits under a hostile server (security review F3, F4): the overall download time
holds however slowly the bytes come (headers or body), an import task that runs out of time reports it
cleanly, and IPv6 addresses that wrap a private IPv4 address are refused."""

import socketserver
import threading
import time

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError

from events import feed_addresses as addresses
from events import tasks
from events.importer import apply, common, download, runs
from events.models import EventPage, ImportedFeed, ImportOutcome
from tests.events.importer.test_runs import ics, run, vevent

DEADLINE = 1  # seconds, instead of the 60 of download.TOTAL_TIME
MARGIN = 0.5  # how late after the deadline the fetch may give up
PACE = 0.1  # seconds between two bytes the server trickles: well within any socket timeout

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\n"


class Trickle(socketserver.BaseRequestHandler):
    """Sends `quickly` at once, then `slowly` a byte at a time, PACE seconds apart, until the client
    hangs up (or 30 s have passed); with nothing to trickle, it waits for the client to hang up."""

    quickly = b""
    slowly = b""

    def handle(self):
        self.request.recv(4096)
        try:
            self.request.sendall(self.quickly)
            for index in range(min(len(self.slowly), int(30 / PACE))):
                self.request.sendall(self.slowly[index : index + 1])
                time.sleep(PACE)
            if not self.slowly:
                self.request.settimeout(30)
                self.request.recv(1)
        except OSError:
            pass  # the fetcher hung up


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False


@pytest.fixture
def trickle(settings, monkeypatch):
    """Serves Trickle on 127.0.0.1 (allowed for the test) with the overall time cut to DEADLINE."""
    settings.EVENTS_IMPORT_ALLOWED_HOSTS = ["127.0.0.1"]
    monkeypatch.setattr(download, "TOTAL_TIME", DEADLINE)
    servers = []

    def start(quickly: bytes, slowly: bytes) -> str:
        handler = type("Handler", (Trickle,), {"quickly": quickly, "slowly": slowly})
        server = Server(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/cal.ics"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def fetch_time(url: str) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(common.FeedError) as caught:
        download.fetch(url)
    return caught.value.message, time.monotonic() - started


TOO_SLOW = f"The feed took more than {DEADLINE} seconds to download."


@pytest.mark.parametrize(
    ("quickly", "slowly"),
    [
        pytest.param(HEAD + b"Content-Length: 100000\r\n\r\n", b"B" * 1000, id="body-with-length"),
        pytest.param(HEAD + b"Connection: close\r\n\r\n", b"B" * 1000, id="body-without-length"),
        pytest.param(b"", HEAD + b"X-Slow: " + b"s" * 1000, id="status-and-headers"),
        pytest.param(HEAD, b"X-Slow: " + b"s" * 1000, id="one-header-line"),
        pytest.param(b"", b"", id="silent"),
    ],
)
def test_a_trickling_server_cannot_hold_the_fetch_past_its_deadline(trickle, quickly, slowly):
    message, elapsed = fetch_time(trickle(quickly, slowly))
    assert message == TOO_SLOW
    assert elapsed < DEADLINE + MARGIN


def test_a_body_cut_at_the_deadline_is_not_taken_for_the_whole_feed(trickle):
    # No Content-Length: the end of the connection is the end of the body, so the part received when
    # time ran out would look like a complete (shorter) feed.
    body = ics(vevent("slow@p", "Slow partner"))
    message, elapsed = fetch_time(trickle(HEAD + b"Connection: close\r\n\r\n" + body[:-40], body[-40:]))
    assert message == TOO_SLOW
    assert elapsed < DEADLINE + MARGIN


def test_a_redirect_does_not_restart_the_clock(trickle):
    target = trickle(HEAD + b"Content-Length: 100000\r\n\r\n", b"B" * 1000)
    redirect = trickle(
        b"HTTP/1.1 302 Found\r\nLocation: " + target.encode() + b"\r\nContent-Length: 0\r\n\r\n", b""
    )
    message, elapsed = fetch_time(redirect)
    assert message == TOO_SLOW
    assert elapsed < DEADLINE + MARGIN


def test_a_feed_that_comes_in_time_is_read_whole_in_small_reads(trickle, monkeypatch):
    monkeypatch.setattr(download, "READ_SIZE", 7)
    body = ics(vevent("quick@p", "Quick partner"))
    url = trickle(HEAD + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:-3], body[-3:])
    assert download.fetch(url) == body


# The import task's time limit ----


@pytest.fixture
def feed(community):
    return ImportedFeed.objects.create(
        community=community, title="Partner calendar", url="https://partner.example/cal.ics"
    )


def test_the_import_task_has_time_limits_within_the_run_lock():
    assert tasks.import_feed.soft_time_limit == tasks.IMPORT_SOFT_TIME_LIMIT
    assert tasks.import_feed.time_limit == tasks.IMPORT_TIME_LIMIT
    assert tasks.IMPORT_SOFT_TIME_LIMIT < tasks.IMPORT_TIME_LIMIT
    assert runs.RUN_LOCK.total_seconds() > tasks.IMPORT_TIME_LIMIT


def test_running_out_of_time_while_fetching_changes_nothing_and_says_so(feed):
    assert run(feed, ics(vevent("a@p", "Seed exchange"))).created == 1

    def slow_fetcher(url):
        raise SoftTimeLimitExceeded()

    report = runs.feed_import(feed=feed, fetcher=slow_fetcher)
    assert report.outcome == ImportOutcome.FAILED
    assert report.messages == [
        "The import was stopped because it took more than 10 minutes.",
        "Nothing was changed: the events imported before are kept.",
    ]
    assert set(EventPage.objects.filter(import_feed=feed).values_list("import_uid", flat=True)) == {"a@p"}
    feed.refresh_from_db()
    assert feed.running_since is None and feed.status == "failed"


def test_running_out_of_time_while_applying_keeps_what_was_saved_and_removes_nothing(
    feed, settings, monkeypatch
):
    settings.EVENTS_IMPORT_BATCH_SIZE = 2
    old = [vevent(f"old{n}@p", f"Old {n}", start=f"203003{10 + n}T100000") for n in range(2)]
    assert run(feed, ics(*old)).created == 2
    real_apply_batch = apply.apply_batch
    batches = []

    def apply_batch(feed, items, report):
        if batches:
            raise SoftTimeLimitExceeded()
        batches.append(items)
        real_apply_batch(feed, items, report)

    monkeypatch.setattr(apply, "apply_batch", apply_batch)
    new = [vevent(f"new{n}@p", f"New {n}", start=f"203004{10 + n}T100000") for n in range(4)]
    report = run(feed, ics(*new))  # the old events are gone from the feed: they would be removed
    assert report.outcome == ImportOutcome.STOPPED
    assert report.messages[0] == (
        "The import was stopped because it took more than 10 minutes, after 2 of 4 events; nothing was "
        "removed. The next run completes it."
    )
    assert report.created == 2 and report.removed == 0
    uids = set(EventPage.objects.filter(import_feed=feed).values_list("import_uid", flat=True))
    assert uids == {"old0@p", "old1@p", "new0@p", "new1@p"}
    feed.refresh_from_db()
    assert feed.running_since is None


# IPv6 forms that wrap an IPv4 address (F4) ----


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (cloud metadata)
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b:1::7f00:1",  # local-use NAT64 of 127.0.0.1
        "64:ff9b:1:2:3::5db8:d70e",  # local-use NAT64 (RFC 8215): refused outright
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:c0a8:105::1",  # 6to4 of 192.168.1.5
        "2001:0:5db8:d70e:8000:63bf:80ff:fffe",  # Teredo with client 127.0.0.1
        "::7f00:1",  # IPv4-compatible 127.0.0.1
        "::5db8:d70e",  # IPv4-compatible, even of a public address
        "::ffff:0:7f00:1",  # SIIT IPv4-translated 127.0.0.1
        "::ffff:0:5db8:d70e",  # SIIT, even of a public address
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.1.2.3",
        "fec0::1",  # site-local
        "fe80::1%eth0",
        "::1",
        "127.0.0.1",
        "100.64.0.1",
    ],
)
def test_addresses_that_lead_to_a_private_one_are_refused(address):
    assert not addresses._address_is_public(address)


@pytest.mark.parametrize(
    "address",
    [
        "93.184.215.14",
        "1.1.1.1",
        "2606:4700:4700::1111",
        "2a00:1450:4007:80c::200e",
        "::ffff:93.184.215.14",  # IPv4-mapped public
        "64:ff9b::5db8:d70e",  # NAT64 of 93.184.215.14
        "2002:5db8:d70e::1",  # 6to4 of 93.184.215.14
    ],
)
def test_public_addresses_pass(address):
    assert addresses._address_is_public(address)


def test_a_host_resolving_to_a_nat64_loopback_is_refused(monkeypatch):
    def resolver(host, port, *args, **kwargs):
        return [(10, 1, 6, "", ("64:ff9b::7f00:1", port, 0, 0))]

    monkeypatch.setattr(download.socket, "getaddrinfo", resolver)
    with pytest.raises(ValidationError, match="private or local address"):
        addresses.check_url("https://partner.example/cal.ics")
