"""A need or offer nobody can answer for (#13, bad input): its author has left the platform and no focal
point of its organisation remains. It is not published, no conversation opens on it, and an account
deletion that leaves it so closes it (nothing is deleted)."""

import pytest

from cop.network.exceptions import NobodyToReach
from cop.network.models import ExchangeStatus, Match, Organisation
from cop.network.services.data_rights import account_delete
from cop.network.services.exchange import exchange_moderate
from tests.factories import UserFactory

from .conftest import make_exchange

pytestmark = pytest.mark.django_db

PASSWORD = "keep-me-secret-1"


@pytest.fixture
def trust():
    return Organisation.objects.create(name="Andean Wetlands Trust", kind="organisation")


def _offer():
    return make_exchange("offer", UserFactory(), title="Wetland courses", language="es", targets=[3])


def test_interest_in_a_need_nobody_can_answer_is_refused_clearly(client):
    author = UserFactory()
    need = make_exchange("need", author, title="Monitoring training", language="es", targets=[3])
    offer = _offer()
    author.is_active = False  # deactivated by staff: no one left to answer for the need
    author.save()
    client.force_login(offer.author)
    response = client.post(
        f"/en/network/needs/{need.pk}/interest/",
        {"interest-mine": offer.pk, "interest-message": "We can help"},
    )
    assert response.status_code == 409
    assert "Nobody can answer for this need or offer any more" in response.content.decode()
    assert not Match.objects.exists()
    response = client.post(
        f"/fr/network/needs/{need.pk}/interest/", {"interest-mine": offer.pk, "interest-message": "Oui"}
    )
    assert response.status_code == 409 and "Plus personne ne peut répondre" in response.content.decode()


def test_a_focal_point_still_answers_for_their_organisations_need(client, trust):
    author, focal = UserFactory(), UserFactory()
    trust.focal_points.add(author, focal)
    need = make_exchange("need", author, title="Monitoring training", organisation=trust, targets=[3])
    offer = _offer()
    author.is_active = False
    author.save()
    client.force_login(offer.author)
    response = client.post(
        f"/en/network/needs/{need.pk}/interest/",
        {"interest-mine": offer.pk, "interest-message": "We can help"},
    )
    assert response.status_code == 302 and Match.objects.filter(need=need, offer=offer).exists()


def test_a_moderator_cannot_publish_what_nobody_can_answer_for(moderator):
    author = UserFactory()
    need = make_exchange("need", author, title="Seed bank advice", status=ExchangeStatus.SUBMITTED)
    author.is_active = False
    author.save()
    with pytest.raises(NobodyToReach):
        exchange_moderate(item=need, by=moderator, approve=True)
    need.refresh_from_db()
    assert need.status == ExchangeStatus.SUBMITTED
    exchange_moderate(item=need, by=moderator, approve=False, note="The author has left")
    need.refresh_from_db()
    assert need.status == ExchangeStatus.REJECTED


def test_deleting_the_last_focal_points_account_closes_the_organisations_needs(trust):
    author = UserFactory(password=PASSWORD)
    trust.focal_points.add(author)
    alone = make_exchange("need", author, title="Drone survey", organisation=trust)
    shared_trust = Organisation.objects.create(name="Coastal Alliance", kind="network")
    shared_trust.focal_points.add(author, UserFactory())
    kept = make_exchange("offer", author, title="Mangrove mapping", organisation=shared_trust)
    account_delete(user=author, password=PASSWORD)
    alone.refresh_from_db()
    kept.refresh_from_db()
    assert alone.status == ExchangeStatus.CLOSED  # closed, not deleted
    assert kept.status == ExchangeStatus.PUBLISHED  # another focal point answers for it
