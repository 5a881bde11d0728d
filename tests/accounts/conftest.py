import re
import types

import pytest
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache

from tests.clock import FrozenClock

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _clear_cache():
    """allauth keeps rate-limit counters and used TOTP codes in the cache: start every test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def totp_clock(monkeypatch):
    """allauth checks a code against the current 30-second period (no tolerance): a test computing a
    code at :29.9 and posting it at :30.0 would fail. Its clock is frozen mid-period instead."""
    clock = FrozenClock(1_767_268_815.0)
    monkeypatch.setattr(totp_auth, "time", types.SimpleNamespace(time=clock))
    return clock


def link_in(message) -> str:
    """The one http(s) link in an e-mail body."""
    links = re.findall(r"https?://\S+", message.body)
    assert len(links) == 1, message.body
    return links[0]


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now (on the frozen clock of `totp_clock`) for this secret."""
    return format_hotp_value(hotp_value(secret, int(totp_auth.time.time()) // 30))


def log_in(client, email: str, password: str = PASSWORD):
    """Log in through the real form (allauth then counts the session as freshly authenticated)."""
    return client.post("/en/accounts/login/", {"login": email, "password": password})


def reauthenticate(client, password: str = PASSWORD):
    """Confirm the password again, as allauth asks before two-factor settings change."""
    response = client.post("/en/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content.decode()
    return response
