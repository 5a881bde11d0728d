"""Organisations and networks: public pages in constant queries, edits by focal points and organisers
only, focal point claims decided once by organisers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cop.models import GBFTarget
from cop.network.models import ClaimStatus, FocalPointClaim, Organisation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alliance(db):
    organisation = Organisation.objects.create(
        name="Andean Páramo Alliance",
        kind="network",
        scope="regional",
        countries=["CO", "EC", "PE"],
        mission="Páramo restoration across the northern Andes.",
        website="https://paramo.example.org",
    )
    organisation.gbf_targets.set(GBFTarget.objects.filter(number__in=[2, 3]))
    return organisation


def test_organisation_pages_are_public(client, alliance):
    listing = client.get("/en/network/organisations/")
    assert listing.status_code == 200 and "Andean Páramo Alliance" in listing.content.decode()
    page = client.get(f"/en/network/organisations/{alliance.pk}/").content.decode()
    assert "Páramo restoration" in page and "Ecuador" in page and "Target 3" in page


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"country": "EC"}, True),
        ({"country": "KE"}, False),
        ({"kind": "network"}, True),
        ({"target": "2"}, True),
        ({"scope": "local"}, False),
    ],
)
def test_organisation_filters(client, alliance, query, found):
    Organisation.objects.create(
        name="Kenya Coastal Trust", kind="organisation", scope="local", countries=["KE"]
    )
    names = {
        organisation.name
        for organisation in client.get("/en/network/organisations/", query).context["page_obj"]
    }
    assert ("Andean Páramo Alliance" in names) is found


def test_organisation_list_queries_do_not_grow(client):
    def make(count):
        for index in range(count):
            organisation = Organisation.objects.create(name=f"Network {index:02d}", kind="network")
            organisation.gbf_targets.set(GBFTarget.objects.filter(number__in=[1, 2, 3]))

    make(2)
    client.get("/en/network/organisations/")
    with CaptureQueriesContext(connection) as few:
        client.get("/en/network/organisations/")
    make(20)
    with CaptureQueriesContext(connection) as many:
        client.get("/en/network/organisations/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_only_focal_points_and_organisers_edit(client, alliance, moderator):
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(f"/en/network/organisations/{alliance.pk}/edit/").status_code == 403
    focal = UserFactory()
    alliance.focal_points.add(focal)
    for editor in (focal, moderator):
        client.force_login(editor)
        response = client.post(
            f"/en/network/organisations/{alliance.pk}/edit/",
            {
                "name": "Andean Páramo Alliance",
                "kind": "network",
                "scope": "regional",
                "countries": ["CO"],
                "mission": f"Edited by {editor.pk}",
                "gbf_targets": [GBFTarget.objects.get(number=3).pk],
            },
        )
        assert response.status_code == 302
        alliance.refresh_from_db()
        assert alliance.mission == f"Edited by {editor.pk}"


def test_claim_is_decided_once_by_an_organiser(client, alliance, moderator):
    claimant = UserFactory()
    client.force_login(claimant)
    response = client.post(f"/en/network/organisations/{alliance.pk}/claim/", {"message": "I coordinate it."})
    assert response.status_code == 302
    again = client.post(f"/en/network/organisations/{alliance.pk}/claim/", {"message": "Again"})
    assert again.status_code == 409
    claim = FocalPointClaim.objects.get()
    assert client.post(f"/en/network/claims/{claim.pk}/decide/", {"decision": "approve"}).status_code == 403
    client.force_login(moderator)
    assert "I coordinate it." in client.get("/en/network/claims/").content.decode()
    assert client.post(f"/en/network/claims/{claim.pk}/decide/", {"decision": "approve"}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.decided_by == moderator
    assert alliance.focal_points.filter(pk=claimant.pk).exists()
    assert client.post(f"/en/network/claims/{claim.pk}/decide/", {"decision": "decline"}).status_code == 409
    client.force_login(claimant)
    assert client.post(f"/en/network/organisations/{alliance.pk}/claim/", {"message": "x"}).status_code == 409


def test_declined_claim_changes_nothing(client, alliance, moderator):
    claimant = UserFactory()
    claim = FocalPointClaim.objects.create(organisation=alliance, user=claimant, message="Please")
    client.force_login(moderator)
    client.post(f"/en/network/claims/{claim.pk}/decide/", {"decision": "decline"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DECLINED
    assert not alliance.focal_points.exists()


def test_organisation_page_queries_do_not_grow(client, alliance):
    def grow(count):
        for index in range(count):
            alliance.focal_points.add(UserFactory(display_name=f"Focal {index}"))
            member = Organisation.objects.create(
                name=f"Member {alliance.focal_points.count()}", kind="organisation"
            )
            alliance.member_organisations.add(member)
            member.member_organisations.add(alliance)

    grow(1)
    url = f"/en/network/organisations/{alliance.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    grow(15)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "Focal 14" in html and "Member 16" in html
    assert len(many.captured_queries) == len(few.captured_queries)
