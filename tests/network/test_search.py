"""Site search over the network: people, organisations, published needs and offers, a part matching
only where the visitor may see it, an opted-out person never."""

import pytest
from django.urls import reverse

from cop.network.models import ExchangeStatus, Organisation, Profile
from cop.network.search import site_search
from tests.factories import UserFactory
from tests.network.conftest import make_exchange

pytestmark = pytest.mark.django_db


def search(client, words):
    response = client.get(reverse("search"), {"q": words})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def people(site_home):
    record = Organisation.objects.create(name="Quillwort Wetland Trust", kind="organisation", mission="Fens")
    public = UserFactory(display_name="Ana Public")
    Profile.objects.create(
        user=public,
        headline="Peatland hydrology",
        organisation_record=record,
        organisation_visibility="public",
    )
    members = UserFactory(display_name="Ben Members")
    Profile.objects.create(
        user=members, headline="Mangrove carbon", headline_visibility="members", organisation_record=record
    )
    hidden = UserFactory(display_name="Cai Hidden")
    Profile.objects.create(user=hidden, headline="Seagrass genetics", headline_visibility="nobody")
    opted_out = UserFactory(display_name="Dee Unlisted", listed_in_directory=False)
    Profile.objects.create(user=opted_out, headline="Peatland fire", headline_visibility="public")
    return {"public": public, "members": members, "hidden": hidden, "opted_out": opted_out, "record": record}


def test_anonymous_finds_only_public_parts(client, people):
    html = search(client, "peatland")
    assert "Ana Public" in html and "Peatland hydrology" in html
    assert "Dee Unlisted" not in html  # opted out of the directory: never found
    assert "Ben Members" not in search(client, "mangrove")  # members-only headline
    html = search(client, "quillwort")
    assert "Ana Public" in html  # her organisation is public
    assert "Ben Members" not in html  # his organisation is for members
    assert "Quillwort Wetland Trust" in html  # the organisation itself
    assert "Cai Hidden" not in search(client, "seagrass")
    assert "Dee Unlisted" not in search(client, "Dee")


def test_members_find_members_parts_never_nobody_parts(client, people):
    client.force_login(UserFactory())
    html = search(client, "mangrove")
    assert "Ben Members" in html and "Mangrove carbon" in html
    assert "Ben Members" in search(client, "quillwort")
    assert "Cai Hidden" not in search(client, "seagrass")
    assert "Dee Unlisted" not in search(client, "peatland")


def test_the_person_finds_their_own_hidden_parts(client, people):
    client.force_login(people["hidden"])
    assert "Cai Hidden" in search(client, "seagrass")


def test_only_published_needs_and_offers(client, people):
    author = people["public"]
    make_exchange("need", author, title="Training in eDNA sampling")
    make_exchange("offer", author, title="eDNA laboratory time", status=ExchangeStatus.SUBMITTED)
    make_exchange("offer", author, title="eDNA field kits on loan", status=ExchangeStatus.PUBLISHED)
    html = search(client, "eDNA")
    assert "Training in eDNA sampling" in html and "Need for support" in html
    assert "eDNA field kits on loan" in html and "Offer of support" in html
    assert "eDNA laboratory time" not in html
    assert "3 results" not in html and "2 results" in html


def test_every_word_must_match_a_visible_part(people):
    hits = site_search(viewer=None, words=["ana", "mangrove"])
    assert hits == []
    hits = site_search(viewer=people["members"], words=["ben", "mangrove"])
    assert [hit.title for hit in hits] == ["Ben Members"]


def test_constant_queries(people, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        site_search(viewer=AnonymousUser(), words=["a"])
    assert len(few) == 4  # people (with their profile and organisation), organisations, needs, offers
    for index in range(10):
        user = UserFactory(display_name=f"Aaron {index}")
        Profile.objects.create(user=user, headline=f"Amphibian survey {index}", headline_visibility="public")
        Organisation.objects.create(name=f"Amphibian Network {index}", kind="network")
        make_exchange("need", user, title=f"Amphibian need {index}")
    with django_assert_num_queries(len(few)):
        hits = site_search(viewer=AnonymousUser(), words=["a"])
    assert len([hit for hit in hits if hit.title.startswith("Aaron")]) == 10
