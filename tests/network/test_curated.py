"""Curated entries: organisers add practitioners not yet on the platform; the claim link sent to the
entry's address merges it into a new or an existing account; forged, expired, re-addressed and reused
links are clear 4xx."""

from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail, signing
from django.utils import timezone

from cop.models import GBFTarget, Language
from cop.network.models import CuratedEntry, Need, Organisation, Profile
from cop.network.services.curated import CLAIM_SALT, claim_token, curated_entry_create
from tests.factories import UserFactory

from .conftest import make_exchange

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(moderator):
    organisation = Organisation.objects.create(name="Red de Humedales", kind="network")
    return curated_entry_create(
        by=moderator,
        values={
            "name": "Ana Rojas",
            "email": "Ana.Rojas@Humedales.example",
            "headline": "Peatland restoration advisor",
            "organisation": "Red de Humedales",
            "organisation_record": organisation,
            "country": "PE",
            "gbf_targets": GBFTarget.objects.filter(number__in=[2, 11]),
            "languages": Language.objects.filter(code="es"),
        },
        invite=False,
    )


def test_organiser_adds_an_entry_and_the_link_goes_to_its_address_only(
    client, moderator, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/en/network/curated/",
            {
                "name": "Kofi Mensah",
                "email": "kofi@example.org",
                "headline": "Forest monitoring",
                "invite": "on",
            },
        )
    assert response.status_code == 302
    entry = CuratedEntry.objects.get(name="Kofi Mensah")
    assert entry.invited_at is not None and entry.added_by == moderator
    (message,) = mail.outbox
    assert message.to == ["kofi@example.org"]
    assert "/network/claim/" in message.body and "Kofi Mensah" in message.body
    page = client.get("/en/network/curated/").content.decode()
    assert "Kofi Mensah" in page and "kofi@example.org" not in page


def test_only_organisers_see_and_add_curated_entries(client, entry):
    assert client.get("/en/network/curated/").status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.get("/en/network/curated/").status_code == 403
    assert client.post(f"/en/network/curated/{entry.pk}/invite/").status_code == 403
    assert "Ana Rojas" not in client.get("/en/network/").content.decode()


def test_an_existing_account_claims_and_the_entry_merges_into_it(client, entry, moderator):
    need = make_exchange("need", moderator, title="Peat mapping training")
    Need.objects.filter(pk=need.pk).update(curated_entry=entry)
    person = UserFactory(display_name="", email="ana.personal@example.org", organisation="", country="")
    person.expertise.set(GBFTarget.objects.filter(number=2))
    Profile.objects.create(user=person, headline="Already my own headline")
    client.force_login(person)
    url = f"/en/network/claim/{claim_token(entry)}/"
    page = client.get(url).content.decode()
    assert "Ana Rojas" in page and "ana.rojas@humedales.example" not in page
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].endswith("/me/network-profile/")
    person.refresh_from_db()
    profile = Profile.objects.get(user=person)
    entry.refresh_from_db()
    assert person.display_name == "Ana Rojas" and str(person.country) == "PE"
    assert person.organisation == "Red de Humedales"
    assert profile.headline == "Already my own headline"  # filled only where empty
    assert profile.organisation_record == entry.organisation_record
    assert sorted(person.expertise.values_list("number", flat=True)) == [2, 11]
    assert list(person.languages.values_list("code", flat=True)) == ["es"]
    need.refresh_from_db()
    assert need.author == person and need.curated_entry is None
    assert entry.claimed_by == person and entry.claimed_at is not None
    actions = {(item["action"], item["on"]) for item in entry.merge_log}
    assert {
        ("filled", "account"),
        ("filled", "profile"),
        ("added", "expertise"),
        ("moved", "need"),
    } <= actions
    # A claimed entry cannot be claimed again, by anyone.
    client.force_login(UserFactory())
    assert client.get(url).status_code == 409
    assert client.post(url).status_code == 409


def test_a_new_sign_up_claims_through_the_link(client, entry):
    url = f"/en/network/claim/{claim_token(entry)}/"
    page = client.get(url).content.decode()
    assert "/accounts/signup/?next=" in page.replace("/en/accounts", "/accounts")
    assert client.post(url).status_code == 302  # anonymous: to sign in, back to the link
    newcomer = UserFactory(email="ana.rojas@humedales.example", display_name="")
    EmailAddress.objects.update_or_create(
        user=newcomer, email=newcomer.email, defaults={"verified": False, "primary": True}
    )
    client.force_login(newcomer)
    assert client.post(url).status_code == 302
    entry.refresh_from_db()
    assert entry.claimed_by == newcomer
    # The link reached that address: the account's address is verified by it.
    assert EmailAddress.objects.get(user=newcomer).verified
    assert ("verified", "email") in {(item["action"], item["on"]) for item in entry.merge_log}


def test_forged_and_mangled_links_are_400(client, entry):
    client.force_login(UserFactory())
    forged = signing.dumps({"e": entry.pk, "a": "0" * 16}, salt=CLAIM_SALT)
    other_salt = signing.dumps({"e": entry.pk, "a": "x"}, salt="another")
    for token in (forged, other_salt, claim_token(entry)[:-3] + "abc", "nonsense"):
        response = client.post(f"/en/network/claim/{token}/")
        assert response.status_code == 400
        assert "not valid" in response.content.decode()
    entry.refresh_from_db()
    assert not entry.is_claimed


def test_a_link_for_an_earlier_address_is_400(client, entry):
    token = claim_token(entry)
    CuratedEntry.objects.filter(pk=entry.pk).update(email="someone.else@example.org")
    client.force_login(UserFactory())
    assert client.get(f"/en/network/claim/{token}/").status_code == 400


def test_an_expired_link_is_410_with_what_to_do(client, entry, settings):
    settings.NETWORK_CLAIM_LINK_DAYS = 14
    sent = 1_780_000_000
    day = 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=sent):
        token = claim_token(entry)
    client.force_login(UserFactory())
    with mock.patch("django.core.signing.time.time", return_value=sent + 15 * day):
        response = client.post(f"/en/network/claim/{token}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    with mock.patch("django.core.signing.time.time", return_value=sent + 13 * day):
        assert client.get(f"/en/network/claim/{token}/").status_code == 200


def test_reinviting_sends_a_new_mail_and_a_claimed_entry_is_not_reinvited(
    client, entry, moderator, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/en/network/curated/{entry.pk}/invite/").status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana.rojas@humedales.example"]
    CuratedEntry.objects.filter(pk=entry.pk).update(claimed_at=timezone.now())
    assert client.post(f"/en/network/curated/{entry.pk}/invite/").status_code == 409
