"""forums.services.limits: new accounts post only so often (a sliding window, on a frozen clock), and
are told how long to wait; established accounts post freely."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cop import ratelimit
from forums import services
from forums.exceptions import RateLimited
from forums.models import Post
from tests.clock import FrozenClock
from tests.factories import forums_thread

pytestmark = pytest.mark.django_db

NO_FILES = {"attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"}


@pytest.fixture
def clock(monkeypatch):
    """Half a second before a minute begins: a fixed-window limit would count afresh in a second."""
    frozen = FrozenClock(1_767_268_859.5)
    monkeypatch.setattr(ratelimit, "wall_clock", frozen)
    return frozen


def test_rate_limit_for_new_accounts(client, board, people, settings, clock):
    settings.FORUMS_NEW_ACCOUNT_DAYS = 7
    settings.FORUMS_NEW_ACCOUNT_RATE_LIMITS = {"minute": (60, 2), "hour": (3600, 20)}
    thread = forums_thread(board=board, author=people["moderator"])
    client.force_login(people["member"])
    url = reverse("forums:reply", args=[thread.pk])
    assert client.post(url, {"body": "one", **NO_FILES}).status_code == 302
    assert client.post(url, {"body": "two", **NO_FILES}).status_code == 302
    clock.advance(1)  # into the next minute: still two posts within the last 60 seconds
    response = client.post(url, {"body": "three", **NO_FILES})
    assert response.status_code == 429
    assert "posting too fast for a new account. Please wait 1 minute and try again." in response.text
    assert 59 <= int(response["Retry-After"]) <= 60
    assert not Post.objects.filter(body="three").exists()
    clock.advance(int(response["Retry-After"]))
    assert client.post(url, {"body": "three", **NO_FILES}).status_code == 302


def test_rate_limit_spares_established_accounts(client, board, people, settings, clock):
    settings.FORUMS_NEW_ACCOUNT_DAYS = 7
    settings.FORUMS_NEW_ACCOUNT_RATE_LIMITS = {"minute": (60, 1)}
    veteran = people["other_member"]
    veteran.date_joined = timezone.now() - datetime.timedelta(days=30)
    veteran.save()
    newcomer = people["member"]
    newcomer.date_joined = timezone.now() - datetime.timedelta(days=1)
    newcomer.save()
    thread = forums_thread(board=board, author=people["moderator"])
    for i in range(3):
        services.post_create(thread=thread, author=veteran, body=f"reply {i}")
    assert thread.posts.filter(author=veteran).count() == 3
    services.post_create(thread=thread, author=newcomer, body="first")
    with pytest.raises(RateLimited):  # the same limit does apply to an account a day old
        services.post_create(thread=thread, author=newcomer, body="second")


def test_rate_limit_says_how_long_to_wait(board, people, settings, clock):
    settings.FORUMS_NEW_ACCOUNT_DAYS = 7
    settings.FORUMS_NEW_ACCOUNT_RATE_LIMITS = {"minute": (60, 3), "hour": (3600, 3)}
    thread = forums_thread(board=board, author=people["moderator"])
    for i in range(3):
        services.post_create(thread=thread, author=people["member"], body=f"reply {i}")
        clock.advance(61)
    with pytest.raises(RateLimited) as refused:
        services.post_create(thread=thread, author=people["member"], body="fourth")
    assert refused.value.retry_after > 3000  # the first post leaves the hour in about 57 minutes
    assert "Please wait 57 minutes and try again." in str(refused.value.message)
