"""Import of partners' iCalendar feeds into a community's calendar.

Fetching is guarded (http/https only, a timeout and an overall time limit, a size limit, no private,
loopback or link-local address after DNS resolution, redirects re-checked) and connects to the very
address it checked: the host is resolved once, and the connection goes to that address with the original
Host header and TLS server name, so a second DNS answer cannot point it elsewhere (DNS rebinding).

Parsing copes with what real feeds contain: a byte-order mark or invalid bytes, several VCALENDARs in one
file, unknown or custom time zones, floating times, missing or duplicate UIDs, moved occurrences, extra
dates (RDATE), rules that repeat for ever, thousands of events. A feed that is cut off, unterminated or
unreadable changes nothing; one bad event is skipped and named in the report with its reason.

Applying runs in a Celery task, in batches, each batch its own short transaction (a large feed never
holds the database's write lock for long); a retry matches events on UID and subscription, so it never
duplicates them. Events leave a subscription only when a complete, valid feed no longer has them, and a
run that would remove more than half of them holds the removals for the organiser to confirm."""

import contextlib
import hashlib
import ipaddress
import json
import logging
import re
import socket
import threading
import time as monotonic_time
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

import certifi
import urllib3
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from icalendar import Calendar

from cop.errors import DomainError
from events import permissions, services
from events.models import (
    EventFormat,
    EventPage,
    EventType,
    ImportedFeed,
    ImportOutcome,
    ImportReport,
    OccurrenceChange,
    RegistrationMode,
)
from events.models.imports import FeedStatus
from events.recurrence import HORIZON, MAX_OCCURRENCES, expand, normalise_rule, parse_rule
from events.timezones import is_known_time_zone, utc_to_local, zone
from events.validation import InvalidEventData, check_date, check_event_dates, check_recurrence_rule

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = (5, 20)  # connect, read (each socket read), both cut to what is left of TOTAL_TIME
TOTAL_TIME = 60  # seconds for a whole download: connection, TLS, headers and body
READ_SIZE = 16 * 1024  # at most this much per read of the body; the time left is checked after each
MAX_REDIRECTS = 3
PAST_WINDOW = timedelta(days=30)
MAX_MESSAGES = 200
SIX_PLACES = Decimal("0.000001")
# Events written per transaction: creating one (page, revision, occurrences, indexes) takes 0.1-0.25 s,
# so a batch holds the database's write lock for about a second at most.
BATCH_SIZE = 5
# A run that has not finished after this long is taken for dead: another run may start.
RUN_LOCK = timedelta(minutes=15)
# More than this share of a subscription's events gone from one download: the removals are held.
HOLD_SHARE = 0.5
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


def _setting(name: str, default):
    return getattr(settings, name, default)


class FeedError(Exception):
    """The feed could not be fetched or read; `message` says why in words for the organiser."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class ImportNotAllowed(DomainError):
    status = 403
    default_message = gettext_lazy("Only the community's facilitators can manage imported calendars.")


class FeedBusy(Exception):
    """Another run is working on this feed; try again in a while."""


class NoRemovalsHeld(DomainError):
    status = 409
    default_message = gettext_lazy("No removal is waiting for your confirmation.")


# Fetching ----


# IPv6 ranges refused outright, all of which Python's is_global (3.11) counts as global: IPv4-compatible
# (::/96), SIIT's IPv4-translated (::ffff:0:0:0/96), the deprecated site-local fec0::/10, and the local-use
# NAT64 prefix 64:ff9b:1::/48 (RFC 8215: a network's own, never global; where its IPv4 address sits
# depends on the network's prefix length, so it cannot be read reliably; newer Pythons refuse it too).
_REFUSED_IPV6 = tuple(
    ipaddress.ip_network(net) for net in ("::/96", "::ffff:0:0:0/96", "fec0::/10", "64:ff9b:1::/48")
)
# The well-known NAT64 prefix (RFC 6052): the IPv4 address the gateway connects to is the last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: IPv4-mapped, NAT64, 6to4, Teredo (server and client)."""
    found = []
    if ip.ipv4_mapped:
        found.append(ip.ipv4_mapped)
    if ip in _NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour:
        found.append(ip.sixtofour)
    if ip.teredo:
        found.extend(ip.teredo)
    return found


def _address_is_public(address: str) -> bool:
    """True only for globally routable unicast addresses (not private, loopback, link-local, reserved…),
    and, for an IPv6 address that wraps an IPv4 one (NAT64, 6to4, Teredo, IPv4-mapped), only when that
    IPv4 address is public too."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        else:
            refused = any(ip in net for net in _REFUSED_IPV6)
            if refused or not all(_address_is_public(str(inner)) for inner in _embedded_ipv4(ip)):
                return False
    return ip.is_global and not ip.is_multicast


def _checked_address(url: str) -> str:
    """Resolves the URL's host once and returns the address to connect to; raises ValidationError with a
    readable message for addresses the server must not fetch."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("Give an http:// or https:// address of an iCalendar feed."))
    if parts.username or parts.password:
        raise ValidationError(_("Addresses with a user name or password are not accepted."))
    host = parts.hostname
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ValidationError(_("Give an http:// or https:// address of an iCalendar feed.")) from exc
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise ValidationError(_("The host %(host)s could not be found.") % {"host": host}) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise ValidationError(_("The host %(host)s could not be found.") % {"host": host})
    if host not in _setting("EVENTS_IMPORT_ALLOWED_HOSTS", ()) and not all(
        _address_is_public(address) for address in addresses
    ):
        raise ValidationError(
            _("%(host)s is a private or local address; only public calendars can be imported.")
            % {"host": host}
        )
    return addresses[0]


def check_url(url: str) -> None:
    """Refuses addresses the server must not fetch; raises ValidationError with a readable message."""
    _checked_address(url)


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
    max_bytes = _setting("EVENTS_IMPORT_MAX_BYTES", MAX_BYTES)
    too_large = _("The feed is larger than %(size)s MB.") % {"size": max(1, max_bytes // (1024 * 1024))}
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            address = _checked_address(url)
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


# Parsing ----


class SkipEvent(Exception):
    """This event cannot be imported; `reason` says why (the rest of the feed goes on)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass
class ParsedChange:
    original_date: str
    cancelled: bool
    new_start_date: str | None = None
    new_start_time: str | None = None


@dataclass
class ParsedEvent:
    uid: str
    title: str
    description: str
    location: str
    url: str
    time_zone: str
    all_day: bool
    start_date: str
    start_time: str | None
    end_date: str
    end_time: str | None
    rrule: str = ""
    cancelled: bool = False
    sequence: int = 0
    latitude: float | None = None
    longitude: float | None = None
    changes: list[ParsedChange] = field(default_factory=list)

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True, default=str).encode()).hexdigest()

    @property
    def local_start(self) -> datetime:
        return datetime.combine(
            date.fromisoformat(self.start_date), time.fromisoformat(self.start_time or "00:00")
        )

    @property
    def local_end(self) -> datetime:
        return datetime.combine(
            date.fromisoformat(self.end_date), time.fromisoformat(self.end_time or "00:00")
        )

    @property
    def label(self) -> str:
        return event_label(self.title, self.uid)


@dataclass
class ParsedFeed:
    events: list[ParsedEvent]
    messages: list[str]
    # Events the feed holds that could not be imported, each named with its reason.
    skipped: list[str] = field(default_factory=list)
    # Every UID the feed still has, imported or not (past, skipped, beyond the limit): none is removed.
    present_uids: set[str] = field(default_factory=set)


def event_label(title: str, uid: str) -> str:
    """How the report names an event: its SUMMARY and its UID."""
    title = (title or "")[:80] or _("Untitled event")
    if not uid or uid.startswith("generated-"):
        return _("“%(title)s” (no UID)") % {"title": title}
    return _("“%(title)s” (UID %(uid)s)") % {"title": title, "uid": uid[:80]}


def _text(component, name: str, limit: int) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).replace("\x00", "").strip()[:limit]


def _decode(data: bytes, messages: list[str]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        messages.append(_("The feed contains bytes that are not UTF-8 text; they were replaced."))
        return data.decode("utf-8", errors="replace")


_COMPONENT_LINE = re.compile(r"^(BEGIN|END)[ \t]*:[ \t]*([A-Za-z0-9-]+)[ \t]*$", re.IGNORECASE)
NOTHING_CHANGED = gettext_lazy("Nothing was changed: the events imported before are kept.")


def check_complete(text: str) -> None:
    """Raises FeedError when the file is cut off or damaged: a component opened and never closed (a
    download cut short ends inside an event, or without END:VCALENDAR) or closed in the wrong order."""
    stack: list[tuple[str, int]] = []
    calendars = 0
    number = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line[0] in " \t":
            continue  # folded continuation lines and blank lines
        match = _COMPONENT_LINE.match(line.strip())
        if match is None:
            continue
        kind, name = match.group(1).upper(), match.group(2).upper()
        if kind == "BEGIN":
            stack.append((name, number))
            continue
        if not stack or stack[-1][0] != name:
            raise FeedError(
                _(
                    "The feed is damaged: line %(line)s closes %(closed)s, but %(open)s is the part that is open."
                )
                % {"line": number, "closed": name, "open": stack[-1][0] if stack else "—"}
            )
        stack.pop()
        if name == "VCALENDAR" and not stack:
            calendars += 1
    if len(stack) > 1:
        name, line = stack[-1]
        raise FeedError(
            _(
                "The feed is cut off: it ends inside a %(component)s that begins on line %(line)s, "
                "without END:VCALENDAR. It was probably interrupted during the download."
            )
            % {"component": name, "line": line}
        )
    if stack or not calendars:
        raise FeedError(
            _(
                "The feed is unfinished: it does not end with END:VCALENDAR (it stops after line %(line)s). "
                "It was probably interrupted during the download."
            )
            % {"line": number}
        )


def _zone_of(value: datetime, param_tzid: str, default_tz: str) -> tuple[datetime, str, str | None]:
    """(wall-clock naive datetime, IANA zone, warning) for a DTSTART/DTEND value."""
    if value.tzinfo is None:
        if param_tzid and not is_known_time_zone(param_tzid):
            return value, default_tz, "unknown-tzid"
        return value, default_tz, "floating"
    key = getattr(value.tzinfo, "key", None) or getattr(value.tzinfo, "zone", None)
    if key and is_known_time_zone(key):
        return value.replace(tzinfo=None), key, None
    if param_tzid and is_known_time_zone(param_tzid):
        return value.replace(tzinfo=None), param_tzid, None
    if value.utcoffset() == timedelta(0) and (param_tzid in ("", "UTC", "Z") or key in ("UTC", "Z")):
        return value.astimezone(UTC).replace(tzinfo=None), "UTC", None
    try:
        return value.astimezone(UTC).replace(tzinfo=None), "UTC", "converted"
    except (ValueError, OverflowError, TypeError):
        return value.replace(tzinfo=None), default_tz, "floating"


def _dt_value(component, name: str):
    prop = component.get(name)
    if prop is None:
        return None, ""
    if isinstance(prop, list):
        prop = prop[0]
    tzid = str(prop.params.get("TZID", "")) if hasattr(prop, "params") else ""
    return prop.dt, tzid


def _zone_name(value, param_tzid: str) -> str:
    if param_tzid:
        return param_tzid
    tzinfo = getattr(value, "tzinfo", None)
    name = getattr(tzinfo, "key", None) or getattr(tzinfo, "zone", None)
    if name:
        return str(name)
    try:
        return value.tzname() or "?"
    except (AttributeError, ValueError):
        return "?"


_LOW_FREQUENCIES = {"SECONDLY", "MINUTELY", "HOURLY"}


def _rule_frequency(rule_text: str) -> str:
    for part in rule_text.split(";"):
        name, _sep, value = part.partition("=")
        if name.strip() == "FREQ":
            return value.strip()
    return ""


def _parse_event(component, default_tz: str, messages: list[str], label: str):
    """(ParsedEvent, extra dates from RDATE as [(naive local start, length or None)], EXDATE days);
    raises SkipEvent with the reason when the event cannot be imported."""
    start, start_tzid = _dt_value(component, "DTSTART")
    if start is None:
        raise SkipEvent(_("it has no start date (DTSTART)"))
    if not isinstance(start, date):
        raise SkipEvent(_("its start date (DTSTART) cannot be read"))
    try:
        check_date(start)
    except InvalidEventData as exc:
        raise SkipEvent(str(exc.message)) from exc
    end, _end_tzid = _dt_value(component, "DTEND")
    duration = component.get("DURATION")
    all_day = isinstance(start, date) and not isinstance(start, datetime)
    if all_day:
        first_day = start
        if isinstance(end, date) and not isinstance(end, datetime) and end > start:
            last_day = end - timedelta(days=1)
        elif duration is not None and getattr(duration, "dt", None) and duration.dt.days >= 1:
            last_day = start + duration.dt - timedelta(days=1)
        else:
            last_day = start
        if (last_day - first_day) > timedelta(days=60):
            messages.append(_("%(event)s lasts more than 60 days: shortened to one day.") % {"event": label})
            last_day = first_day
        tz_name = default_tz
        start_local = datetime.combine(first_day, time(0))
        end_local = datetime.combine(last_day, time(0))
        length = timedelta(days=(last_day - first_day).days)
    else:
        start_local, tz_name, warning = _zone_of(start, start_tzid, default_tz)
        if warning == "floating":
            messages.append(
                _("%(event)s has a floating time: read in %(zone)s.") % {"event": label, "zone": tz_name}
            )
        elif warning == "unknown-tzid":
            messages.append(
                _(
                    "%(event)s uses the time zone “%(tzid)s”, which is neither a known zone nor defined "
                    "in the feed: its times were read in %(zone)s."
                )
                % {"event": label, "tzid": start_tzid[:80], "zone": tz_name}
            )
        elif warning == "converted":
            messages.append(
                _("%(event)s uses an unknown time zone (%(tzid)s): times converted to UTC.")
                % {"event": label, "tzid": _zone_name(start, start_tzid)[:80]}
            )
        if isinstance(end, datetime):
            end_aware = end if end.tzinfo else end.replace(tzinfo=start.tzinfo)
            try:
                length = end_aware - start
            except (TypeError, OverflowError):
                length = timedelta(hours=1)
        elif duration is not None and isinstance(getattr(duration, "dt", None), timedelta):
            length = duration.dt
        else:
            length = timedelta(hours=1)
        if length <= timedelta(0):
            messages.append(_("%(event)s ends before it starts: given one hour.") % {"event": label})
            length = timedelta(hours=1)
        if length > timedelta(days=60):
            messages.append(_("%(event)s lasts more than 60 days: shortened to one day.") % {"event": label})
            length = timedelta(days=1)
        try:
            end_local = start_local + length
        except OverflowError as exc:
            raise SkipEvent(str(_("its end date cannot be expressed"))) from exc
    try:
        check_event_dates(start=start_local, end=end_local)
    except InvalidEventData as exc:
        raise SkipEvent(str(exc.message)) from exc
    rrule_text = ""
    rrule_prop = component.get("RRULE")
    if rrule_prop is not None:
        if isinstance(rrule_prop, list):
            rrule_prop = rrule_prop[0]
        rrule_text = normalise_rule(rrule_prop.to_ical().decode("ascii", "replace"))
        if _rule_frequency(rrule_text) in _LOW_FREQUENCIES:
            messages.append(
                _(
                    "%(event)s repeats with a rule we do not support (%(rule)s): only its first date is imported."
                )
                % {"event": label, "rule": rrule_text[:80]}
            )
            rrule_text = ""
        else:
            try:
                check_recurrence_rule(rule=rrule_text, start=start_local, end=end_local)
            except InvalidEventData as exc:
                raise SkipEvent(
                    _("its recurrence rule %(rule)s is not valid: %(reason)s")
                    % {"rule": rrule_text[:80], "reason": exc.message}
                ) from exc
    excluded_days = set()
    for exdate_prop in _as_list(component.get("EXDATE")):
        for item in getattr(exdate_prop, "dts", []):
            value = item.dt
            excluded_days.add(_wall_clock(value, tz_name).date() if isinstance(value, datetime) else value)
    changes = []
    if rrule_text:
        changes = [
            ParsedChange(original_date=day.isoformat(), cancelled=True) for day in sorted(excluded_days)
        ]
    extra_dates = _rdates(component, tz_name, start_local, excluded_days)
    geo = component.get("GEO")
    latitude = longitude = None
    if geo is not None:
        try:
            latitude, longitude = round(float(geo.latitude), 6), round(float(geo.longitude), 6)
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                messages.append(
                    _("%(event)s has a position outside the globe (GEO): it was left out.") % {"event": label}
                )
                latitude = longitude = None
        except (AttributeError, TypeError, ValueError):
            latitude = longitude = None
    title = _text(component, "SUMMARY", 255) or _("Untitled event")
    try:
        sequence = int(str(component.get("SEQUENCE", 0)))
    except ValueError:
        sequence = 0
    parsed = ParsedEvent(
        uid="",
        title=title,
        description=_text(component, "DESCRIPTION", 5000),
        location=_text(component, "LOCATION", 500),
        url=_text(component, "URL", 1000),
        time_zone=tz_name,
        all_day=all_day,
        start_date=start_local.date().isoformat(),
        start_time=None if all_day else start_local.time().replace(microsecond=0).isoformat(),
        end_date=end_local.date().isoformat(),
        end_time=None if all_day else end_local.time().replace(microsecond=0).isoformat(),
        rrule=rrule_text,
        cancelled=_text(component, "STATUS", 20).upper() == "CANCELLED",
        sequence=sequence,
        latitude=latitude,
        longitude=longitude,
        changes=changes,
    )
    return parsed, extra_dates


def _rdates(component, tz_name: str, start_local: datetime, excluded_days: set) -> list:
    """The extra dates of RDATE as (naive local start, own length or None), without DTSTART's and
    EXDATE's dates, at most MAX_OCCURRENCES of them."""
    found = {}
    for prop in _as_list(component.get("RDATE")):
        for item in getattr(prop, "dts", []):
            value, length = item.dt, None
            if isinstance(value, tuple):  # VALUE=PERIOD: (start, end) or (start, duration)
                value, second = value
                if isinstance(second, timedelta):
                    length = second
                elif isinstance(second, datetime) and isinstance(value, datetime):
                    try:
                        length = second - value
                    except TypeError:
                        length = None
            if isinstance(value, datetime):
                local = _wall_clock(value, tz_name).replace(microsecond=0)
            elif isinstance(value, date):
                local = datetime.combine(value, start_local.time())
            else:
                continue
            if local == start_local or local.date() in excluded_days:
                continue
            found.setdefault(local, length)
            if len(found) >= MAX_OCCURRENCES:
                break
    return sorted(found.items())


def _regular_rule(starts: list[datetime]) -> str:
    """An RRULE giving exactly these starts (the first is DTSTART), when they are evenly spaced by days,
    weeks or months at one time of day; "" otherwise."""
    if len(starts) < 2 or len({start.time() for start in starts}) != 1:
        return ""
    gaps = {(b.date() - a.date()).days for a, b in zip(starts, starts[1:], strict=False)}
    if len(gaps) == 1:
        gap = gaps.pop()
        frequency, interval = ("WEEKLY", gap // 7) if gap % 7 == 0 else ("DAILY", gap)
    else:
        months = {
            (b.year - a.year) * 12 + b.month - a.month for a, b in zip(starts, starts[1:], strict=False)
        }
        if len(months) != 1 or len({start.day for start in starts}) != 1 or starts[0].day > 28:
            return ""
        frequency, interval = "MONTHLY", months.pop()
    if interval < 1:
        return ""
    parts = [f"FREQ={frequency}"]
    if interval > 1:
        parts.append(f"INTERVAL={interval}")
    parts.append(f"COUNT={len(starts)}")
    return ";".join(parts)


def _with_rdates(item: ParsedEvent, extra_dates: list, messages: list[str]) -> list[ParsedEvent]:
    """Folds RDATE into the event the way the calendar stores series (one rule, exceptions by date):
    evenly spaced dates of a single event become its rule; other extra dates (and those a rule lacks)
    become events of their own, with the UID `<uid>#RDATE<date>`. Returns those extra events."""
    if not extra_dates:
        return []
    start = item.local_start
    length = item.local_end - start
    if item.rrule:
        produced = set(expand(parse_rule(item.rrule, start), until=start + HORIZON))
        extra_dates = [(when, own) for when, own in extra_dates if when not in produced]
    elif all(own is None or own == length for _when, own in extra_dates):
        starts = sorted([start, *(when for when, _own in extra_dates)])
        rule = _regular_rule(starts) if starts[0] == start else ""
        if rule:
            try:
                check_recurrence_rule(rule=rule, start=start, end=item.local_end)
            except InvalidEventData:
                rule = ""
        if rule:
            item.rrule = rule
            messages.append(
                _("%(event)s lists %(count)s extra dates (RDATE): imported as a series (%(rule)s).")
                % {"event": item.label, "count": len(extra_dates), "rule": rule}
            )
            return []
    if not extra_dates:
        return []
    extras = []
    for when, own in extra_dates:
        span = own if own is not None and own > timedelta(0) else length
        end = when + span
        extras.append(
            replace(
                item,
                uid=f"{item.uid[:220]}#RDATE{when:%Y%m%dT%H%M%S}",
                start_date=when.date().isoformat(),
                start_time=None if item.all_day else when.time().isoformat(),
                end_date=end.date().isoformat(),
                end_time=None if item.all_day else end.time().isoformat(),
                rrule="",
                changes=[],
            )
        )
    messages.append(
        ngettext(
            "%(event)s lists %(count)s extra date (RDATE): imported as an event of its own.",
            "%(event)s lists %(count)s extra dates (RDATE): each is imported as an event of its own.",
            len(extras),
        )
        % {"event": item.label, "count": len(extras)}
    )
    return extras


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _wall_clock(value: datetime, tz_name: str) -> datetime:
    if value.tzinfo is None:
        return value
    return utc_to_local(value.astimezone(UTC), tz_name).replace(tzinfo=None)


def _still_relevant(item: ParsedEvent, now: datetime) -> bool:
    """Past events older than the window are not imported (real feeds carry years of history)."""
    cutoff = utc_to_local(now - PAST_WINDOW, item.time_zone).replace(tzinfo=None)
    if item.rrule:
        rule = parse_rule(item.rrule, item.local_start)
        return rule.after(cutoff, inc=True) is not None
    return (
        datetime.combine(date.fromisoformat(item.end_date), time.fromisoformat(item.end_time or "23:59"))
        >= cutoff
    )


def _generated_uid(item: ParsedEvent) -> str:
    return (
        "generated-"
        + hashlib.sha1(  # noqa: S324 - a stable name, not security
            f"{item.title}|{item.start_date}|{item.start_time}".encode()
        ).hexdigest()
    )


def parse(data: bytes, *, now: datetime | None = None) -> ParsedFeed:
    """Reads a feed into ParsedEvents; raises FeedError when the file is not iCalendar at all, is cut
    off or cannot be read (then nothing may change). A bad event is skipped and named with its reason."""
    now = now or timezone.now()
    messages: list[str] = []
    skipped: list[str] = []
    present: set[str] = set()
    skipped_uids: set[str] = set()
    text = _decode(data, messages)
    if "BEGIN:VCALENDAR" not in text[:2048].upper():
        raise FeedError(_("This is not an iCalendar file (no BEGIN:VCALENDAR)."))
    check_complete(text)
    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # the icalendar parser raises many types on broken input
        raise FeedError(
            _("The feed could not be read as iCalendar: %(error)s") % {"error": str(exc)[:200]}
        ) from exc
    if not calendars:
        raise FeedError(_("The feed could not be read as iCalendar: it holds no calendar."))
    if len(calendars) > 1:
        messages.append(_("The file holds %(count)s calendars; all were read.") % {"count": len(calendars)})

    def skip(label: str, reason) -> None:
        skipped.append(_("%(event)s was skipped: %(reason)s.") % {"event": label, "reason": reason})

    masters: dict[str, ParsedEvent] = {}
    overrides: list[tuple] = []
    for calendar in calendars:
        default_tz = str(calendar.get("X-WR-TIMEZONE", "")).strip()
        if not is_known_time_zone(default_tz):
            default_tz = "UTC"
        for index, component in enumerate(calendar.walk("VEVENT"), start=1):
            raw_uid = _text(component, "UID", 255)
            title = _text(component, "SUMMARY", 80) or _("Event %(number)s") % {"number": index}
            label = event_label(title, raw_uid)
            if raw_uid:
                present.add(raw_uid)
            try:
                if component.get("RECURRENCE-ID") is not None and raw_uid:
                    overrides.append((raw_uid, component, default_tz, label))
                    continue
                item, extra_dates = _parse_event(component, default_tz, messages, label)
                if not raw_uid:
                    raw_uid = _generated_uid(item)
                    present.add(raw_uid)
                    messages.append(_("%(event)s has no UID: matched by title and start.") % {"event": label})
                item.uid = raw_uid
                previous = masters.get(raw_uid)
                if previous is not None:
                    messages.append(
                        _("%(event)s: the UID %(uid)s appears twice; the latest version was kept.")
                        % {"event": label, "uid": raw_uid[:80]}
                    )
                    if previous.sequence > item.sequence:
                        continue
                masters[raw_uid] = item
                for extra in _with_rdates(item, extra_dates, messages):
                    present.add(extra.uid)
                    masters[extra.uid] = extra
            except SkipEvent as exc:
                if raw_uid:
                    skipped_uids.add(raw_uid)
                skip(label, exc.reason)
            except Exception as exc:  # one broken VEVENT must not sink the whole feed
                logger.info("ical import: skipped a VEVENT", exc_info=True)
                if raw_uid:
                    skipped_uids.add(raw_uid)
                skip(
                    label,
                    _("it could not be read (%(error)s)") % {"error": str(exc)[:120] or type(exc).__name__},
                )
    for uid, component, default_tz, label in overrides:
        if uid in skipped_uids and uid not in masters:
            continue  # its series was skipped and named already
        try:
            moved_uid = _apply_override(uid, component, default_tz, label, masters, messages)
            if moved_uid:
                present.add(moved_uid)
        except SkipEvent as exc:
            skip(label, exc.reason)
        except Exception as exc:  # same: a broken override is reported, not fatal
            logger.info("ical import: skipped an override", exc_info=True)
            skip(
                label, _("it could not be read (%(error)s)") % {"error": str(exc)[:120] or type(exc).__name__}
            )
    events = []
    for item in masters.values():
        try:
            if _still_relevant(item, now):
                events.append(item)
        except (ValidationError, ValueError, OverflowError):
            skip(item.label, _("its dates cannot be read"))
    events.sort(key=lambda item: (item.start_date, item.start_time or ""))
    limit = _setting("EVENTS_IMPORT_MAX_EVENTS", 500)
    if len(events) > limit:
        messages.append(
            _("The feed has %(count)s current events; only the first %(limit)s were imported.")
            % {"count": len(events), "limit": limit}
        )
        events = events[:limit]
    return ParsedFeed(events=events, messages=messages, skipped=skipped, present_uids=present)


def _apply_override(uid, component, default_tz, label, masters, messages) -> str:
    """A VEVENT with RECURRENCE-ID: a moved or cancelled occurrence of its series. Returns the UID of
    the event of its own it becomes when its series is not in the feed, else ""."""
    master = masters.get(uid)
    rid_value, _rid_tzid = _dt_value(component, "RECURRENCE-ID")
    try:
        moved, _extra = _parse_event(component, default_tz, messages, label)
    except SkipEvent:
        if master is None or not master.rrule or component.get("DTSTART") is not None:
            raise
        moved = None  # an override without its own start: the occurrence is cancelled
    if master is None or not master.rrule:
        moved.uid = f"{uid}#{rid_value.isoformat() if rid_value else 'override'}"[:255]
        masters[moved.uid] = moved
        return moved.uid
    if isinstance(rid_value, datetime):
        original_day = _wall_clock(rid_value, master.time_zone).date()
    else:
        original_day = rid_value
    if moved is None or moved.cancelled:
        master.changes.append(ParsedChange(original_date=original_day.isoformat(), cancelled=True))
        return ""
    new_start = datetime.combine(
        date.fromisoformat(moved.start_date), time.fromisoformat(moved.start_time or "00:00")
    )
    if moved.time_zone != master.time_zone and moved.start_time:
        new_start = _wall_clock(new_start.replace(tzinfo=zone(moved.time_zone)), master.time_zone)
    master.changes.append(
        ParsedChange(
            original_date=original_day.isoformat(),
            cancelled=False,
            new_start_date=new_start.date().isoformat(),
            new_start_time=None if master.all_day else new_start.time().isoformat(),
        )
    )
    return ""


# Applying ----


def _event_fields(item: ParsedEvent, feed) -> dict:
    description = item.description
    body = []
    if description:
        body.append({"type": "paragraph", "value": linebreaks(escape(description))})
    if item.url.startswith(("http://", "https://")):
        body.append(
            {
                "type": "paragraph",
                "value": f'<p><a href="{escape(item.url)}">{escape(_("More information"))}</a></p>',
            }
        )
    location_is_url = item.location.startswith(("http://", "https://"))
    return {
        "title": item.title,
        "summary": (description.split("\n", 1)[0] or item.title)[:300],
        "description": body,
        "event_type": EventType.OTHER,
        "event_format": EventFormat.ONLINE
        if (location_is_url or not item.location)
        else EventFormat.IN_PERSON,
        "venue_name": "" if location_is_url else item.location[:200],
        "venue_address": "",
        "online_url": item.location[:200] if location_is_url else "",
        "latitude": None if item.latitude is None else Decimal(str(item.latitude)).quantize(SIX_PLACES),
        "longitude": None if item.longitude is None else Decimal(str(item.longitude)).quantize(SIX_PLACES),
        "time_zone": item.time_zone,
        "all_day": item.all_day,
        "start_date": date.fromisoformat(item.start_date),
        "start_time": time.fromisoformat(item.start_time) if item.start_time else None,
        "end_date": date.fromisoformat(item.end_date),
        "end_time": time.fromisoformat(item.end_time) if item.end_time else None,
        "recurrence_rule": item.rrule,
        "cancelled": item.cancelled,
        "cancellation_reason": _("Cancelled by %(partner)s.") % {"partner": feed.title}
        if item.cancelled
        else "",
        "community": feed.community,
    }


def _set_changes(page: EventPage, item: ParsedEvent) -> None:
    seen = set()
    changes = []
    for change in item.changes:
        if change.original_date in seen:
            continue
        seen.add(change.original_date)
        changes.append(
            OccurrenceChange(
                original_date=date.fromisoformat(change.original_date),
                cancelled=change.cancelled,
                new_start_date=date.fromisoformat(change.new_start_date) if change.new_start_date else None,
                new_start_time=time.fromisoformat(change.new_start_time) if change.new_start_time else None,
            )
        )
    page.occurrence_changes.set(changes)


def _batches(items: list, size: int):
    for index in range(0, len(items), size):
        yield items[index : index + size]


def _pages_for(feed, uids: list[str]) -> dict[str, EventPage]:
    """The subscription's pages for these UIDs, fresh from the database (a retry finds what an earlier
    run created). A page the organiser kept when the feed dropped it, or one left by an earlier
    subscription to this feed, is taken back instead of being imported twice."""
    pages: dict[str, EventPage] = {}
    candidates = EventPage.objects.filter(
        Q(import_feed=feed) | Q(import_feed__isnull=True, community=feed.community), import_uid__in=uids
    ).order_by("pk")
    for page in candidates:
        if page.import_uid not in pages or page.import_feed_id == feed.pk:
            pages[page.import_uid] = page
    return pages


def _apply_event(feed, item: ParsedEvent, page: EventPage | None, report: ImportReport) -> None:
    fingerprint = item.fingerprint()
    if page is not None and page.import_feed_id != feed.pk:
        EventPage.objects.filter(pk=page.pk).update(import_feed=feed)
        page.import_feed = feed
    if page is None:
        page = EventPage(
            **_event_fields(item, feed),
            registration_mode=RegistrationMode.CLOSED,
            import_feed=feed,
            import_uid=item.uid,
            import_hash=fingerprint,
        )
        _set_changes(page, item)
        services.event_create(page=page)
        report.created += 1
    elif page.import_hash == fingerprint:
        report.unchanged += 1
    elif page.locally_edited and feed.keep_local_edits:
        report.kept_local += 1
    else:
        page = page.get_latest_revision_as_object()
        for name, value in _event_fields(item, feed).items():
            setattr(page, name, value)
        page.import_hash = fingerprint
        page.locally_edited = False
        _set_changes(page, item)
        services.event_update(page=page)
        EventPage.objects.filter(pk=page.pk).update(locally_edited=False)
        report.updated += 1


# What one bad event may raise while it is saved; anything else stops the run.
EVENT_ERRORS = (ValidationError, DomainError, IntegrityError, ValueError, OverflowError)


def _apply_batch(feed, items: list[ParsedEvent], report: ImportReport) -> None:
    """One short transaction: the batch's events created or updated, each in its own savepoint so that
    a bad one is skipped and named while the others are saved."""
    with transaction.atomic():
        token = services.importing.set(True)
        try:
            pages = _pages_for(feed, [item.uid for item in items])
            for item in items:
                try:
                    with transaction.atomic():
                        _apply_event(feed, item, pages.get(item.uid), report)
                except EVENT_ERRORS as exc:
                    reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                    report.skipped += 1
                    report.messages.append(
                        _("%(event)s was skipped: %(reason)s.")
                        % {"event": item.label, "reason": reason[:200]}
                    )
        finally:
            services.importing.reset(token)
        ImportReport.objects.filter(pk=report.pk).update(**_counts(report))


def _counts(report: ImportReport) -> dict:
    names = ("created", "updated", "unchanged", "removed", "kept_local", "skipped")
    return {name: getattr(report, name) for name in names}


def _remove_page(feed, page: EventPage) -> None:
    """Cancels an event people registered for (they are told), deletes the others."""
    if page.occurrences.filter(registrations__status__in=["registered", "offered", "waitlisted"]).exists():
        if not page.cancelled:
            services.event_cancel(
                event=page.get_latest_revision_as_object(),
                reason=_("%(partner)s removed this event from its calendar.") % {"partner": feed.title},
            )
        return
    page.delete()


def _remove(feed, page_ids: list[int], report: ImportReport) -> None:
    """Removes the pages in batches, each its own short transaction."""
    for batch in _batches(page_ids, _setting("EVENTS_IMPORT_BATCH_SIZE", BATCH_SIZE)):
        with transaction.atomic():
            token = services.importing.set(True)
            try:
                for page in EventPage.objects.filter(pk__in=batch, import_feed=feed):
                    _remove_page(feed, page)
                    report.removed += 1
            finally:
                services.importing.reset(token)
            ImportReport.objects.filter(pk=report.pk).update(**_counts(report))


def _removals(feed, parsed: ParsedFeed, subscribed_before: int, report: ImportReport) -> list[str]:
    """Removes the events a complete, valid feed no longer has, unless that is more than half of the
    subscription's events: then nothing is removed and their UIDs are returned, held for the organiser."""
    gone = [
        (pk, uid, edited)
        for pk, uid, edited in EventPage.objects.filter(import_feed=feed).values_list(
            "pk", "import_uid", "locally_edited"
        )
        if uid not in parsed.present_uids
    ]
    removable = []
    for pk, uid, edited in gone:
        if edited and feed.keep_local_edits:
            report.kept_local += 1
        else:
            removable.append((pk, uid))
    if removable and len(removable) > subscribed_before * HOLD_SHARE:
        return sorted(uid for _pk, uid in removable)
    _remove(feed, [pk for pk, _uid in removable], report)
    return []


def _claim(feed) -> bool:
    """Marks the feed as being worked on; False when another run holds it (and is not stale)."""
    now = timezone.now()
    return bool(
        ImportedFeed.objects.filter(pk=feed.pk)
        .filter(Q(running_since__isnull=True) | Q(running_since__lt=now - RUN_LOCK))
        .update(running_since=now)
    )


def _release(feed) -> None:
    ImportedFeed.objects.filter(pk=feed.pk).update(running_since=None)


def _held_message(count: int, total: int) -> str:
    return ngettext(
        "%(count)s of the %(total)s events of this calendar is no longer in the partner's feed. "
        "Nothing was removed: confirm its removal, or keep it as the community's own event.",
        "%(count)s of the %(total)s events of this calendar are no longer in the partner's feed. "
        "Nothing was removed: confirm their removal, or keep them as the community's own events.",
        count,
    ) % {"count": count, "total": total}


_STATUS_OF = {
    ImportOutcome.OK: FeedStatus.OK,
    ImportOutcome.WITH_WARNINGS: FeedStatus.WARNINGS,
    ImportOutcome.HELD: FeedStatus.HELD,
    ImportOutcome.FAILED: FeedStatus.FAILED,
    ImportOutcome.STOPPED: FeedStatus.FAILED,
}


def _finish(feed, report: ImportReport, *, now: datetime, held: list[str] | None = None) -> ImportReport:
    report.messages = [str(line) for line in report.messages[:MAX_MESSAGES]]
    report.finished_at = timezone.now()
    report.save()
    update = {
        "last_run_at": now,
        "status": _STATUS_OF.get(report.outcome, FeedStatus.FAILED),
        "status_message": report.messages[0] if report.messages else "",
    }
    if held is not None:
        update["held_removals"] = held
        update["held_at"] = timezone.now() if held else None
    ImportedFeed.objects.filter(pk=feed.pk).update(**update)
    for name, value in update.items():
        setattr(feed, name, value)
    return report


def _out_of_time(*, done: int | None = None, total: int = 0, removed: int = 0) -> str:
    """The report's words when the import task's soft time limit stops a run."""
    from events.tasks import IMPORT_SOFT_TIME_LIMIT

    minutes = IMPORT_SOFT_TIME_LIMIT // 60
    if done is None:
        return _("The import was stopped because it took more than %(minutes)s minutes.") % {
            "minutes": minutes
        }
    if removed:  # it ran out of time while removing the events gone from the feed
        return _(
            "The import was stopped because it took more than %(minutes)s minutes, after all %(total)s "
            "events and %(removed)s of the removals. The next run completes it."
        ) % {"minutes": minutes, "total": total, "removed": removed}
    return _(
        "The import was stopped because it took more than %(minutes)s minutes, after %(done)s of "
        "%(total)s events; nothing was removed. The next run completes it."
    ) % {"minutes": minutes, "done": done, "total": total}


def feed_import(*, feed, fetcher=None, now: datetime | None = None) -> ImportReport | None:
    """Fetches, parses and applies one feed, in batches of short transactions, and stores the run's
    report and the subscription's status. Returns None when another run of this feed is under way."""
    now = now or timezone.now()
    fetcher = fetcher or fetch
    if not _claim(feed):
        logger.info("ical import: feed %s is already being imported", feed.pk)
        return None
    try:
        ImportReport.objects.filter(feed=feed, outcome=ImportOutcome.RUNNING).update(
            outcome=ImportOutcome.STOPPED, finished_at=timezone.now()
        )
        report = ImportReport.objects.create(feed=feed, outcome=ImportOutcome.RUNNING, messages=[])
        try:
            parsed = parse(fetcher(feed.url), now=now)
        except SoftTimeLimitExceeded:
            logger.warning("ical import: feed %s ran out of time before applying", feed.pk)
            report.outcome = ImportOutcome.FAILED
            report.messages = [_out_of_time(), str(NOTHING_CHANGED)]
            return _finish(feed, report, now=now)
        except FeedError as error:
            report.outcome = ImportOutcome.FAILED
            report.messages = [error.message, str(NOTHING_CHANGED)]
            return _finish(feed, report, now=now)
        except Exception as exc:  # a feed that crashes the parser changes nothing either
            logger.exception("ical import: feed %s could not be parsed", feed.pk)
            report.outcome = ImportOutcome.FAILED
            report.messages = [
                _("The feed could not be read (%(error)s).") % {"error": type(exc).__name__},
                str(NOTHING_CHANGED),
            ]
            return _finish(feed, report, now=now)
        report.skipped = len(parsed.skipped)
        subscribed_before = EventPage.objects.filter(import_feed=feed).count()
        done = 0
        try:
            for batch in _batches(parsed.events, _setting("EVENTS_IMPORT_BATCH_SIZE", BATCH_SIZE)):
                _apply_batch(feed, batch, report)
                done += len(batch)
            held = _removals(feed, parsed, subscribed_before, report)
        except SoftTimeLimitExceeded:  # as below, without a traceback: the task's time limit is up
            logger.warning("ical import: feed %s ran out of time after %s events", feed.pk, done)
            report.outcome = ImportOutcome.STOPPED
            report.messages = [
                _out_of_time(done=done, total=len(parsed.events), removed=report.removed),
                *report.messages,
            ]
            return _finish(feed, report, now=now)
        except Exception as exc:  # the batches saved so far stay; nothing is removed; a rerun completes
            logger.exception("ical import failed for feed %s", feed.pk)
            report.outcome = ImportOutcome.STOPPED
            report.messages = [
                _(
                    "The import stopped on an unexpected error (%(error)s) after %(done)s of %(total)s "
                    "events; nothing was removed. The next run completes it."
                )
                % {"error": type(exc).__name__, "done": done, "total": len(parsed.events)},
                *report.messages,
            ]
            return _finish(feed, report, now=now)
        report.messages = parsed.skipped + report.messages + parsed.messages
        if held:
            report.outcome = ImportOutcome.HELD
            report.messages.insert(0, _held_message(len(held), subscribed_before))
        elif report.messages or report.skipped:
            report.outcome = ImportOutcome.WITH_WARNINGS
        else:
            report.outcome = ImportOutcome.OK
        return _finish(feed, report, now=now, held=held)
    finally:
        _release(feed)


# The organiser's answer to held removals ----


def _check_organiser(feed, by) -> None:
    if not permissions.can_organise_in(by, feed.community):
        raise ImportNotAllowed()


def feed_removals_confirm(*, feed, by) -> None:
    """The organiser confirms the removal of the events held back; applied in the background."""
    from cop.commit import enqueue_after_commit
    from events import tasks

    _check_organiser(feed, by)
    feed.refresh_from_db(fields=["held_removals"])
    if not feed.held_removals:
        raise NoRemovalsHeld()
    enqueue_after_commit(tasks.apply_held_removals, feed.pk, list(feed.held_removals))


def feed_removals_apply(*, feed, uids: list[str]) -> ImportReport | None:
    """Removes the confirmed events that are still held (an import since then may have seen some of them
    back in the feed); idempotent. Raises FeedBusy while another run holds the feed."""
    if not _claim(feed):
        raise FeedBusy(feed.pk)
    try:
        feed.refresh_from_db()
        still_held = set(feed.held_removals) & set(uids)
        if not still_held:
            return None
        report = ImportReport.objects.create(feed=feed, outcome=ImportOutcome.RUNNING, messages=[])
        page_ids = [
            pk
            for pk, uid in EventPage.objects.filter(import_feed=feed).values_list("pk", "import_uid")
            if uid in still_held
        ]
        _remove(feed, page_ids, report)
        report.outcome = ImportOutcome.OK
        report.messages = [
            ngettext(
                "The organiser confirmed the removal of %(count)s event no longer in the partner's feed.",
                "The organiser confirmed the removal of %(count)s events no longer in the partner's feed.",
                report.removed,
            )
            % {"count": report.removed}
        ]
        remaining = [uid for uid in feed.held_removals if uid not in still_held]
        return _finish(feed, report, now=timezone.now(), held=remaining)
    finally:
        _release(feed)


@transaction.atomic
def feed_removals_dismiss(*, feed, by) -> int:
    """The organiser keeps the events held back: they become the community's own events (the feed no
    longer updates or removes them; if it lists them again, they are linked to it again)."""
    _check_organiser(feed, by)
    feed = ImportedFeed.objects.select_for_update().get(pk=feed.pk)
    uids = set(feed.held_removals)
    if not uids:
        raise NoRemovalsHeld()
    page_ids = [
        pk
        for pk, uid in EventPage.objects.filter(import_feed=feed).values_list("pk", "import_uid")
        if uid in uids
    ]
    EventPage.objects.filter(pk__in=page_ids).update(import_feed=None)
    report = ImportReport(feed=feed, outcome=ImportOutcome.OK, kept_local=len(page_ids))
    report.messages = [
        ngettext(
            "The organiser kept %(count)s event no longer in the partner's feed as the community's own.",
            "The organiser kept %(count)s events no longer in the partner's feed as the community's own.",
            len(page_ids),
        )
        % {"count": len(page_ids)}
    ]
    report.finished_at = timezone.now()
    report.save()
    ImportedFeed.objects.filter(pk=feed.pk).update(
        held_removals=[], held_at=None, status=FeedStatus.OK, status_message=report.messages[0]
    )
    return len(page_ids)
