"""Which addresses a partner feed may be fetched from: public ones only, after DNS resolution. Asked
when a community subscribes (events.services.imported_feeds) and by every download (events.importer)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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


def checked_address(url: str) -> str:
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
    if host not in getattr(settings, "EVENTS_IMPORT_ALLOWED_HOSTS", ()) and not all(
        _address_is_public(address) for address in addresses
    ):
        raise ValidationError(
            _("%(host)s is a private or local address; only public calendars can be imported.")
            % {"host": host}
        )
    return addresses[0]


def check_url(url: str) -> None:
    """Refuses addresses the server must not fetch; raises ValidationError with a readable message."""
    checked_address(url)
