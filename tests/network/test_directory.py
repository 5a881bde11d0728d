"""The practitioner directory and profiles (moved from cop with the directory): only listed people; what
the tests below look at (organisation, country, expertise, languages) is for signed-in members by
default, so they look as a member unless they check what an anonymous visitor sees."""

import pytest

from cop.models import GBFTarget, Language, StakeholderGroup
from cop.network.models import VISIBLE_PARTS
from tests.factories import CommunityPageFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    lucia = UserFactory(
        display_name="Lucía Fernández",
        organisation="Instituto Humboldt",
        country="CO",
        bio="Biodiversity information systems.",
    )
    lucia.stakeholder_groups.set([StakeholderGroup.objects.get(slug="academia")])
    lucia.expertise.set([GBFTarget.objects.get(number=21)])
    lucia.languages.set([Language.objects.get(code="es")])
    james = UserFactory(
        display_name="James Okello",
        organisation="Kenya Wildlife Service",
        country="KE",
    )
    james.stakeholder_groups.set([StakeholderGroup.objects.get(slug="government")])
    james.expertise.set([GBFTarget.objects.get(number=3)])
    james.languages.set([Language.objects.get(code="en")])
    private = UserFactory(display_name="Private Person", country="KE", listed_in_directory=False)
    inactive = UserFactory(display_name="Gone Away", is_active=False)
    return {"lucia": lucia, "james": james, "private": private, "inactive": inactive}


def names(response):
    return {card.name for card in response.context["cards"]}


@pytest.fixture
def member_client(client):
    client.force_login(UserFactory(display_name="Mara Member", listed_in_directory=False))
    return client


def test_network_lists_only_listed_active_people_without_e_mail(client, people):
    response = client.get("/en/network/")
    assert response.status_code == 200
    assert names(response) == {"Lucía Fernández", "James Okello"}
    html = response.content.decode()
    lucia_card = next(card for card in response.context["cards"] if card.pk == people["lucia"].pk).html
    assert "Instituto Humboldt" not in html  # the organisation is for members by default
    assert "Colombia" not in lucia_card and "Target" not in lucia_card  # and so are country and expertise
    client.force_login(UserFactory())
    html = client.get("/en/network/").content.decode()
    assert "Instituto Humboldt" in html and "Colombia" in html and "Target 21" in html
    assert people["lucia"].email not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "humboldt"}, {"Lucía Fernández"}),
        ({"q": "okello"}, {"James Okello"}),
        ({"country": "KE"}, {"James Okello"}),
        ({"region": "014"}, {"James Okello"}),  # Eastern Africa
        ({"region": "019"}, {"Lucía Fernández"}),  # Americas, through South America
        ({"stakeholder": "academia"}, {"Lucía Fernández"}),
        ({"target": "3"}, {"James Okello"}),
        ({"language": "es"}, {"Lucía Fernández"}),
        ({"q": "Private"}, set()),
    ],
)
def test_network_filters(member_client, people, query, expected):
    response = member_client.get("/en/network/", query)
    assert response.status_code == 200
    assert names(response) == expected


def test_network_bad_filter_is_400_in_the_users_language(member_client, people):
    response = member_client.get("/es/network/", {"country": "XX"})
    assert response.status_code == 400
    assert "Escoja una opción válida" in response.content.decode()


def test_filtering_by_a_group_lists_a_person_with_two_groups_once(member_client, people):
    from cop.network.selectors import practitioner_directory

    lucia = people["lucia"]
    lucia.stakeholder_groups.add(StakeholderGroup.objects.get(slug="youth"))
    people["james"].stakeholder_groups.add(StakeholderGroup.objects.get(slug="youth"))
    for query, expected in (
        ({"stakeholder": "youth"}, [lucia.pk, people["james"].pk]),
        ({"stakeholder": "academia"}, [lucia.pk]),
        ({"stakeholder": "youth", "target": "21"}, [lucia.pk]),
    ):
        response = member_client.get("/en/network/", query)
        assert sorted(card.pk for card in response.context["cards"]) == sorted(expected), query
        assert response.context["page_obj"].paginator.count == len(expected), query
    viewer = response.wsgi_request.user
    assert practitioner_directory(viewer=viewer, filters={"stakeholder": "youth"}).count() == 2


def test_network_country_names_are_translated(member_client, people):
    assert "Colombie" in member_client.get("/fr/network/").content.decode()


def test_network_query_count_does_not_grow(member_client, people, django_assert_max_num_queries):
    """Neither with every card to render (an empty cache) nor with every card cached."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member_client.get("/en/network/")
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        member_client.get("/en/network/")
    few_count = len(few.captured_queries)  # now: the next request empties the connection's log
    with CaptureQueriesContext(connection) as few_cached:
        member_client.get("/en/network/")
    few_cached_count = len(few_cached.captured_queries)
    assert few_cached_count < few_count
    for _ in range(20):
        person = UserFactory(country="FR")
        person.expertise.set(GBFTarget.objects.all()[:2])
    cache.clear()
    with django_assert_max_num_queries(few_count):
        response = member_client.get("/en/network/")
    with django_assert_max_num_queries(few_cached_count):
        response = member_client.get("/en/network/")
    assert len(response.context["cards"]) == 22


def test_profile_page_shows_public_profile(client, people, site_home):
    public = CommunityPageFactory(title="Open community")
    private = CommunityPageFactory(title="Members-only community", visibility="members")
    MembershipFactory(user=people["lucia"], community=public, role="facilitator")
    MembershipFactory(user=people["lucia"], community=private)
    response = client.get(f"/en/people/{people['lucia'].pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Lucía Fernández" in html
    assert "Biodiversity information systems." not in html  # "about me" is for members by default
    assert "Open community" in html and "Facilitator" in html
    assert "Members-only community" not in html  # membership there is members-only information
    assert people["lucia"].email not in html
    # A fellow member of the private community sees it, and her "about me".
    client.force_login(MembershipFactory(community=private).user)
    html = client.get(f"/en/people/{people['lucia'].pk}/").content.decode()
    assert "Members-only community" in html and "Biodiversity information systems." in html


def test_unlisted_profile_is_404_except_for_its_owner(client, people):
    url = f"/en/people/{people['private'].pk}/"
    assert client.get(url).status_code == 404
    client.force_login(people["james"])
    assert client.get(url).status_code == 404
    client.force_login(people["private"])
    response = client.get(url)
    assert response.status_code == 200
    assert "Only you can see this profile" in response.content.decode()
    assert client.get(f"/en/people/{people['inactive'].pk}/").status_code == 404


def test_member_list_links_only_public_profiles(client, people, site_home):
    community = CommunityPageFactory()
    MembershipFactory(user=people["lucia"], community=community)
    MembershipFactory(user=people["private"], community=community)
    html = client.get(f"/en/communities/{community.pk}/members/").content.decode()
    assert f'href="/en/people/{people["lucia"].pk}/"' in html
    assert "Private Person" in html
    assert f'href="/en/people/{people["private"].pk}/"' not in html


def _profile_form(**values) -> dict:
    data = {f"{part}_visibility": "members" for part in VISIBLE_PARTS}
    data.update(values)
    return data


def test_network_profile_edits_the_public_profile_and_listing(client, people):
    lucia = people["lucia"]
    client.force_login(lucia)
    response = client.post(
        "/en/me/network-profile/",
        _profile_form(
            organisation="Humboldt",
            country="CO",
            stakeholder_groups=[
                StakeholderGroup.objects.get(slug="youth").pk,
                StakeholderGroup.objects.get(slug="iplc").pk,
            ],
            expertise=[GBFTarget.objects.get(number=3).pk, GBFTarget.objects.get(number=22).pk],
            languages=[Language.objects.get(code="qu").pk],
            bio="Youth networks.",
            # listed_in_directory unticked: leave the network
        ),
    )
    assert response.status_code == 302
    lucia.refresh_from_db()
    assert lucia.organisation == "Humboldt" and not lucia.listed_in_directory
    assert sorted(t.number for t in lucia.expertise.all()) == [3, 22]
    assert sorted(lucia.stakeholder_groups.values_list("slug", flat=True)) == ["iplc", "youth"]
    assert "Lucía Fernández" not in names(client.get("/en/network/"))
    assert client.get(f"/en/people/{lucia.pk}/").status_code == 200  # she still sees her own


def test_network_profile_rejects_an_unknown_country(client, people):
    client.force_login(people["james"])
    response = client.post("/en/me/network-profile/", _profile_form(country="ZZ"))
    assert response.status_code == 400
    people["james"].refresh_from_db()
    assert people["james"].country == "KE"


def test_account_preferences_no_longer_carry_the_public_profile(client, people):
    client.force_login(people["james"])
    response = client.get("/en/me/settings/")
    assert "/en/me/network-profile/" in response.content.decode()
    assert "organisation" not in response.context["form"].fields
