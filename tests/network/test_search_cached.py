"""The network's hits of the site search kept per words, language and kind of viewer (cop.network.search):
every write to what the search reads or shows, through its normal path, shows on the next search."""

import time
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cop.network import search as network_search
from cop.network.models import ExchangeStatus, Need, Organisation, Profile
from cop.network.search import site_search
from cop.network.services.data_rights import account_delete
from cop.network.services.exchange import exchange_close, exchange_moderate, exchanges_expire
from cop.network.services.profiles import profile_update
from tests.factories import UserFactory
from tests.network.conftest import make_exchange

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def titles(viewer, words):
    return [hit.title for hit in site_search(viewer=viewer, words=words.split())]


def summaries(viewer, words):
    return {hit.title: hit.summary for hit in site_search(viewer=viewer, words=words.split())}


@pytest.fixture
def record():
    return Organisation.objects.create(name="Sphagnum Bog Alliance", kind="network", mission="Bogs")


@pytest.fixture
def person(record):
    user = UserFactory(display_name="Tove Peat", password="keep-me-secret-1")
    Profile.objects.create(
        user=user, headline="Bog restoration", organisation_record=record, organisation_visibility="public"
    )
    return user


@pytest.fixture
def member():
    return UserFactory(display_name="Uma Reader")


def test_kept_hits_ask_nothing_again(person, member):
    other = UserFactory(display_name="Vic Other")  # (a new account replaces the version)
    for viewer in (ANONYMOUS, member):
        assert titles(viewer, "bog") == ["Tove Peat", "Sphagnum Bog Alliance"]
        with CaptureQueriesContext(connection) as queries:
            assert titles(viewer, "bog") == ["Tove Peat", "Sphagnum Bog Alliance"]
        assert len(queries) == 0
    # Another member without parts hidden from members shares the members' hits.
    with CaptureQueriesContext(connection) as queries:
        assert titles(other, "bog") == ["Tove Peat", "Sphagnum Bog Alliance"]
    assert len(queries) == 1  # whether their own headline or organisation is hidden (once per version)


def test_moderation_publishes_and_closing_and_expiry_remove_at_once(person, moderator, member):
    need = make_exchange("need", person, title="Peat corer on loan", status=ExchangeStatus.SUBMITTED)
    for viewer in (ANONYMOUS, member):
        assert "Peat corer on loan" not in titles(viewer, "corer")
    exchange_moderate(item=need, by=moderator, approve=True)
    for viewer in (ANONYMOUS, member):
        assert "Peat corer on loan" in titles(viewer, "corer")
    exchange_close(item=need, by=person)
    for viewer in (ANONYMOUS, member):
        assert "Peat corer on loan" not in titles(viewer, "corer")

    offer = make_exchange(
        "offer", person, title="Corer training", expires_on=date.today() - timedelta(days=1)
    )
    assert titles(ANONYMOUS, "corer") == ["Corer training"]
    assert exchanges_expire(today=date.today()) == 1
    assert titles(ANONYMOUS, "corer") == []
    offer.refresh_from_db()
    assert offer.status == ExchangeStatus.EXPIRED


def test_saved_and_deleted_needs_show_at_once(person):
    need = make_exchange("need", person, title="Hydrology survey")
    assert titles(ANONYMOUS, "hydrology") == ["Hydrology survey"]
    need.title = "Hydrology model"
    need.save()  # the admin's path
    assert titles(ANONYMOUS, "hydrology") == ["Hydrology model"]
    Need.objects.filter(pk=need.pk).delete()
    assert titles(ANONYMOUS, "hydrology") == []


def test_organisation_renamed_or_deleted_shows_at_once(person, record):
    assert summaries(ANONYMOUS, "sphagnum") == {
        "Tove Peat": "Bog restoration · Sphagnum Bog Alliance",
        "Sphagnum Bog Alliance": "Bogs",
    }
    record.name = "Sphagnum Fen Alliance"
    record.save()
    assert summaries(ANONYMOUS, "sphagnum")["Tove Peat"] == "Bog restoration · Sphagnum Fen Alliance"
    assert "Sphagnum Fen Alliance" in titles(ANONYMOUS, "fen")
    record.delete()
    assert titles(ANONYMOUS, "sphagnum") == []


def test_visibility_changes_show_at_once_for_each_kind_of_viewer(person, member):
    assert titles(ANONYMOUS, "restoration") == ["Tove Peat"]
    assert titles(member, "restoration") == ["Tove Peat"]
    assert titles(person, "restoration") == ["Tove Peat"]
    profile_update(user=person, values={"headline_visibility": "members"})
    assert titles(ANONYMOUS, "restoration") == []
    assert titles(member, "restoration") == ["Tove Peat"]
    profile_update(user=person, values={"headline_visibility": "nobody"})
    assert titles(member, "restoration") == []
    assert titles(person, "restoration") == ["Tove Peat"]  # their own hits: they see their headline
    assert summaries(person, "tove")["Tove Peat"] == "Bog restoration · Sphagnum Bog Alliance"
    assert summaries(member, "tove")["Tove Peat"] == "Sphagnum Bog Alliance"
    profile_update(user=person, values={"headline_visibility": "public"})
    assert titles(ANONYMOUS, "restoration") == ["Tove Peat"]
    assert titles(member, "restoration") == ["Tove Peat"]


def test_opting_out_and_leaving_show_at_once(client, person, member):
    need = make_exchange("need", person, title="Bog ecologist wanted")
    assert "Tove Peat" in client.get(reverse("search"), {"q": "Tove"}).content.decode()
    profile_update(user=person, values={"listed_in_directory": False})
    assert "Tove Peat" not in client.get(reverse("search"), {"q": "Tove"}).content.decode()
    assert titles(member, "tove") == []
    profile_update(user=person, values={"listed_in_directory": True})
    assert titles(member, "tove") == ["Tove Peat"]
    assert titles(ANONYMOUS, "ecologist") == ["Bog ecologist wanted"]
    account_delete(user=person, password="keep-me-secret-1")
    for viewer in (ANONYMOUS, member):
        assert titles(viewer, "tove") == []
        assert titles(viewer, "ecologist") == []  # their own open need closed with the account
    need.refresh_from_db()
    assert need.status == ExchangeStatus.CLOSED


def test_an_account_renamed_or_deleted_shows_at_once(person, member):
    assert titles(member, "tove") == ["Tove Peat"]
    person.display_name = "Tove Moss"
    person.save()
    assert titles(member, "tove") == ["Tove Moss"]
    person.delete()
    assert titles(member, "tove") == []


def test_accounts_marked_inactive_in_the_admin_show_at_once(client, person, member):
    """Wagtail's bulk action on users updates the rows without a signal."""
    client.force_login(UserFactory(is_superuser=True, is_staff=True))  # (a new account: a new version)
    assert titles(member, "tove") == ["Tove Peat"]
    url = reverse("wagtail_bulk_action", args=["cop", "user", "set_active_state"])
    response = client.post(f"{url}?id={person.pk}", {"mark_as_active": "False"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active
    assert titles(member, "tove") == []


def test_a_querys_kept_hits_live_an_hour_at_most(person):
    """The words are the client's to choose: a one-off query's hits must not hold the cache for a day."""
    cache.clear()
    for words in ("bog", "bog restoration", "peat x1"):
        titles(ANONYMOUS, words)
    kept = [key for key in cache._cache if ":fragment:network-search:" in key]
    assert len(kept) == 3
    for key in kept:
        assert cache._expire_info[key] - time.time() <= 3600
    assert network_search.SEARCH_SECONDS <= 3600
