"""The network's demo content: believable, at every state, and idempotent."""

import pytest

from cop.network import demo
from cop.network.models import (
    CuratedEntry,
    ExchangeStatus,
    Match,
    MatchStatus,
    Need,
    Offer,
    Organisation,
    Profile,
)

pytestmark = pytest.mark.django_db


def counts():
    return [model.objects.count() for model in (Organisation, Profile, Need, Offer, Match)]


def test_demo_is_idempotent_and_covers_every_state():
    demo.seed({})
    first = counts()
    demo.seed({})
    assert (
        counts()
        == first
        == [15, 60, 10, 10, len(demo.MATCHES)]
        == [15, len(demo.PRACTITIONERS), 10, 10, len(demo.MATCHES)]
    )
    people = Profile.objects.select_related("user")
    assert {profile.user.preferred_language for profile in people} == {
        "ar",
        "zh-hans",
        "en",
        "fr",
        "ru",
        "es",
    }
    assert len({profile.user.country for profile in people}) >= 40
    assert {
        profile.user.email for profile in people if not profile.user.listed_in_directory
    } == demo.OPTED_OUT
    assert set(Match.objects.values_list("status", flat=True)) == set(MatchStatus.values)
    statuses = set(Need.objects.values_list("status", flat=True)) | set(
        Offer.objects.values_list("status", flat=True)
    )
    assert {
        ExchangeStatus.PUBLISHED,
        ExchangeStatus.SUBMITTED,
        ExchangeStatus.DRAFT,
        ExchangeStatus.REJECTED,
        ExchangeStatus.CLOSED,
    } <= statuses
    assert {"public", "members", "nobody"} == set(
        Profile.objects.values_list("country_visibility", flat=True)
    )
    assert Organisation.objects.get(name="Andean Páramo Alliance").member_organisations.count() == 2


def test_demo_has_curated_entries_invited_or_not_and_one_claimed():
    demo.seed({})
    demo.seed({})
    assert CuratedEntry.objects.count() == len(demo.CURATED)
    claimed = CuratedEntry.objects.get(claimed_at__isnull=False)
    assert claimed.claimed_by.email == "grace.wanjiru@network.km4b.example" and claimed.merge_log
    unclaimed = CuratedEntry.objects.filter(claimed_at__isnull=True)
    assert {entry.invited_at is not None for entry in unclaimed} == {True, False}


def test_demo_gives_some_practitioners_two_stakeholder_groups():
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    demo.seed({})
    demo.seed({})
    people = get_user_model().objects.filter(network_profile__isnull=False)
    assert not people.annotate(group_count=Count("stakeholder_groups")).filter(group_count=0).exists()
    groups = {
        email: sorted(
            get_user_model().objects.get(email=email).stakeholder_groups.values_list("slug", flat=True)
        )
        for email in ("tupac@km4b.example", "mateo.silva@network.km4b.example", "layla@km4b.example")
    }
    assert groups == {
        "tupac@km4b.example": ["iplc", "youth"],
        "mateo.silva@network.km4b.example": ["iplc", "youth"],
        "layla@km4b.example": ["civil-society"],
    }
