"""The guarded download of a feed: pinned to the checked address, within a time and a size limit."""

import contextlib
import socket
import threading
import time as monotonic_time
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from events.feed_addresses import checked_address
from events.importer.common import FeedError, setting

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = (5, 20)  # connect, read (each socket read), both cut to what is left of TOTAL_TIME
TOTAL_TIME = 60  # seconds for a whole download: connection, TLS, headers and body
READ_SIZE = 16 * 1024  # at most this much per read of the body; the time left is checked after each
MAX_REDIRECTS = 3
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class DownloadTooSlow(Exception):
    """The overall time of a download is up."""


class _Watchdog:
    """Shuts the download's sockets down when its overall time is up. A socket timeout bounds each read
    only: a server trickling a byte now and then (in the TLS handshake, the headers or the body) would
    otherwise hold the fetch for as long as it likes. It holds a duplicate of each socket (shutting
    down a duplicate shuts the connection down, whatever wraps the original, TLS included)."""

    def __init__(self, seconds: float):
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock.dup())
            if self.fired:
                self._shut(self._sockets[-1])

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                self._shut(sock)

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets = []


class _WatchedConnection:
    """Hands each new socket to the download's watchdog, before TLS or any byte is exchanged."""

    def __init__(self, *args, watchdog: _Watchdog, **kwargs):
        self.watchdog = watchdog
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self.watchdog.watch(sock)
        return sock


class _WatchedHTTPConnection(_WatchedConnection, urllib3.connection.HTTPConnection):
    pass


class _WatchedHTTPSConnection(_WatchedConnection, urllib3.connection.HTTPSConnection):
    pass


class _WatchedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


def _time_left(deadline: float) -> float:
    """Seconds left before `deadline`; raises DownloadTooSlow when none are."""
    remaining = deadline - monotonic_time.monotonic()
    if remaining <= 0:
        raise DownloadTooSlow()
    return remaining


def _pinned_get(url: str, address: str, deadline: float, watchdog: _Watchdog):
    """GET `url` from `address` (the checked one), with the URL's host as Host header, TLS server name
    and certificate name: the connection cannot be sent elsewhere by a second DNS answer. Connecting
    and each read of the headers wait no longer than the time left; the watchdog bounds them all."""
    parts = urlsplit(url)
    host = parts.hostname
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    remaining = _time_left(deadline)
    timeout = urllib3.Timeout(connect=min(TIMEOUT[0], remaining), read=min(TIMEOUT[1], remaining))
    if https:
        pool = _WatchedHTTPSPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            watchdog=watchdog,
        )
    else:
        pool = _WatchedHTTPPool(address, port, timeout=timeout, retries=False, maxsize=1, watchdog=watchdog)
    host_header = f"[{host}]" if ":" in host else host
    if parts.port:
        host_header = f"{host_header}:{parts.port}"
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    response = pool.urlopen(
        "GET",
        path,
        headers={
            "Host": host_header,
            "User-Agent": "KM4B-Communities-calendar-import/1.0",
            "Accept": "text/calendar, */*",
            "Accept-Encoding": "gzip, deflate",
        },
        redirect=False,
        retries=False,
        preload_content=False,
        decode_content=True,
        assert_same_host=False,
    )
    return pool, response


def _read_body(response, deadline: float, max_bytes: int, too_large: str) -> bytes:
    """The body, read a little at a time: the time left is checked after each read, and each socket
    read waits no longer than the time left."""
    chunks, size = [], 0
    while True:
        remaining = _time_left(deadline)
        connection = response.connection
        if connection is not None and connection.sock is not None:
            connection.sock.settimeout(min(TIMEOUT[1], remaining))
        chunk = response.read1(READ_SIZE)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FeedError(too_large)
        chunks.append(chunk)


def fetch(url: str) -> bytes:
    """Downloads a feed with time and size limits, from the address it checked, re-checking every
    redirect's address. The whole download, redirects included, takes at most TOTAL_TIME seconds."""
    deadline = monotonic_time.monotonic() + TOTAL_TIME
    watchdog = _Watchdog(TOTAL_TIME)
    try:
        return _fetch(url, deadline, watchdog)
    except (DownloadTooSlow, FeedError) as exc:
        # A read timed out at the deadline, or the watchdog cut the connection: the time is up.
        if isinstance(exc, FeedError) and not watchdog.fired and monotonic_time.monotonic() < deadline:
            raise
        raise FeedError(
            _("The feed took more than %(seconds)s seconds to download.") % {"seconds": TOTAL_TIME}
        ) from exc
    finally:
        watchdog.stop()


def _fetch(url: str, deadline: float, watchdog: _Watchdog) -> bytes:
    max_bytes = setting("EVENTS_IMPORT_MAX_BYTES", MAX_BYTES)
    too_large = _("The feed is larger than %(size)s MB.") % {"size": max(1, max_bytes // (1024 * 1024))}
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            address = checked_address(url)
        except ValidationError as exc:
            raise FeedError(exc.messages[0]) from exc
        try:
            pool, response = _pinned_get(url, address, deadline, watchdog)
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            raise FeedError(
                _("The feed could not be reached (%(error)s).") % {"error": type(exc).__name__}
            ) from exc
        try:
            if response.status in REDIRECT_STATUSES and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            if response.status != 200:
                raise FeedError(
                    _("The feed answered with HTTP status %(status)s.") % {"status": response.status}
                )
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FeedError(too_large)
            try:
                body = _read_body(response, deadline, max_bytes, too_large)
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                raise FeedError(
                    _("The feed could not be downloaded whole (%(error)s).") % {"error": type(exc).__name__}
                ) from exc
            if watchdog.fired:  # cut off at the deadline: a body without a length may look whole
                raise DownloadTooSlow()
            return body
        finally:
            response.release_conn()
            pool.close()
    raise FeedError(_("The feed redirects too many times."))
