"""The shared vocabularies seeded by migration, managed as snippets, and the demo communities."""

import pytest
from django.utils import translation
from django_countries import countries

from cop.models import (
    CommunityPage,
    CountryRegion,
    GBFGoal,
    GBFTarget,
    KMComponent,
    Membership,
    Region,
    StakeholderGroup,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_gbf_goals_and_targets_are_seeded():
    assert list(GBFGoal.objects.values_list("code", flat=True)) == ["A", "B", "C", "D"]
    assert list(GBFTarget.objects.values_list("number", flat=True)) == list(range(1, 24))
    assert (
        "30" in GBFTarget.objects.get(number=3).title or "Conserve" in GBFTarget.objects.get(number=3).title
    )


def test_stakeholder_groups_and_km_components_are_seeded():
    assert {
        "iplc",
        "women",
        "youth",
        "government",
        "academia",
        "civil-society",
        "private-sector",
        "igo",
        "other",
    } == set(StakeholderGroup.objects.values_list("slug", flat=True))
    assert KMComponent.objects.count() == 5


def test_m49_regions_and_every_iso_country_are_mapped():
    assert set(Region.objects.filter(parent=None).values_list("name", flat=True)) == {
        "Africa",
        "Americas",
        "Asia",
        "Europe",
        "Oceania",
        "Antarctica",
    }
    assert Region.objects.exclude(parent=None).count() == 22
    mapped = set(CountryRegion.objects.values_list("country", flat=True))
    assert mapped == {code for code, _name in countries}
    kenya = CountryRegion.objects.select_related("region__parent").get(country="KE")
    assert (kenya.region.name, kenya.region.parent.name, kenya.region.m49_code) == (
        "Eastern Africa",
        "Africa",
        "014",
    )
    assert CountryRegion.objects.get(country="BO").region.parent.m49_code == "019"
    assert CountryRegion.objects.get(country="GB").region.name == "Northern Europe"


def test_country_names_come_translated_from_django_countries():
    mapping = CountryRegion.objects.get(country="DE")
    with translation.override("fr"):
        assert str(mapping.country.name) == "Allemagne"
    with translation.override("ar"):
        assert str(mapping.country.name) == "ألمانيا"


@pytest.mark.parametrize(
    "model",
    [
        "gbfgoal",
        "gbftarget",
        "stakeholdergroup",
        "kmcomponent",
        "region",
        "countryregion",
        "language",
        "membership",
        "announcement",
    ],
)
def test_organisers_manage_vocabularies_as_snippets(client, site_home, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(f"/admin/snippets/cop/{model}/")
    assert response.status_code == 200
    assert client.get(f"/admin/snippets/cop/{model}/", {"q": "a"}).status_code == 200


def test_organiser_adds_a_stakeholder_group_in_the_admin(client, site_home):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/snippets/cop/stakeholdergroup/add/",
        {"slug": "local-government", "name": "Local and subnational governments", "sort_order": 10},
    )
    assert response.status_code == 302
    assert StakeholderGroup.objects.filter(slug="local-government").exists()


def test_practitioners_cannot_reach_the_snippets(client, site_home):
    client.force_login(UserFactory())
    assert client.get("/admin/snippets/cop/region/").status_code == 302


# DEMO ----


def test_demo_seed_is_idempotent_and_covers_every_policy_and_visibility():
    from cop import demo
    from home import demo as home_demo

    context = demo.seed(home_demo.seed())
    assert len(context["communities"]) >= 5
    counts = (CommunityPage.objects.count(), Membership.objects.count())
    context = demo.seed(home_demo.seed())
    assert (CommunityPage.objects.count(), Membership.objects.count()) == counts
    pages = CommunityPage.objects.all()
    assert {p.visibility for p in pages} == {"public", "members", "hidden"}
    assert {p.join_policy for p in pages} == {"open", "approval", "invitation"}
    assert all(p.live for p in pages)
    practitioner = context["users"]["practitioner@km4b.example"]
    statuses = set(Membership.objects.filter(user=practitioner).values_list("status", flat=True))
    assert statuses == {"active", "pending"}
    organiser = context["users"]["organiser@km4b.example"]
    assert Membership.objects.filter(user=organiser, role="facilitator").count() >= 2
    youth = context["communities"]["youth-for-biodiversity"]
    assert {lang.code for lang in youth.working_languages.all()} == {"es", "en", "fr"}
    assert practitioner.country == "CO" and practitioner.expertise.exists()
    tupac = context["users"]["tupac@km4b.example"]
    assert set(tupac.stakeholder_groups.values_list("slug", flat=True)) == {"iplc", "youth"}
    assert list(practitioner.stakeholder_groups.values_list("slug", flat=True)) == ["academia"]
