"""The library demo: idempotent, believable, and its traditional-knowledge items in the states the
issue asks for (limited to its community, a pending request, withdrawn)."""

import pytest
from django.contrib.auth.models import AnonymousUser

import cop.demo
import home.demo
from cop.library import demo, demo_submissions
from cop.library.models import (
    AccessRequest,
    BuildingBlock,
    CaseStudyBlockUse,
    CaseStudyPage,
    ConsentLogEntry,
    ConsentRecord,
    LibraryCollectionItem,
    LibraryPage,
)
from cop.library.permissions import Access, access

pytestmark = pytest.mark.django_db


def seed():
    context = home.demo.seed(None)
    cop.demo.seed(context, None)
    return demo.seed(context, None)


def counts():
    return [
        model.objects.count()
        for model in (
            LibraryPage,
            CaseStudyPage,
            BuildingBlock,
            CaseStudyBlockUse,
            ConsentRecord,
            ConsentLogEntry,
            AccessRequest,
            LibraryCollectionItem,
        )
    ]


def test_demo_is_idempotent_and_complete():
    context = seed()
    first = counts()
    seed()
    assert counts() == first
    assert first[0] == 3  # the site-wide library and two community libraries
    assert first[1] - len(demo_submissions.SUBMISSIONS) == len(demo.CASE_STUDIES) + len(demo.TK_CASES) >= 12
    shared = [block for block in BuildingBlock.objects.all() if block.uses.count() >= 2]
    assert len(shared) >= 3
    countries = set(CaseStudyPage.objects.values_list("country", flat=True))
    assert {"FJ", "PE", "NE", "BY", "CN", "OM", "CA", "FR"} <= countries
    users = context["users"]
    limited = CaseStudyPage.objects.get(slug="andean-seed-exchange-rules")
    requested = CaseStudyPage.objects.get(slug="savanna-fire-knowledge")
    withdrawn = CaseStudyPage.objects.get(slug="wild-greens-uses")
    assert access(users["tupac@km4b.example"], limited) == Access.FULL
    assert access(users["priya@km4b.example"], limited) == Access.FULL  # an active member
    assert access(AnonymousUser(), limited) == Access.HIDDEN  # a members-only community's library
    practitioner = users["practitioner@km4b.example"]
    assert access(practitioner, requested) == Access.NOTICE
    assert AccessRequest.objects.filter(
        case_study=requested, requester=practitioner, status="pending"
    ).exists()
    assert access(AnonymousUser(), withdrawn) == Access.HIDDEN
    assert access(users["priya@km4b.example"], withdrawn) == Access.FULL  # its custodian
    assert set(withdrawn.consent.log.values_list("action", flat=True)) == {"created", "withdrawn"}


def test_site_library_listing_after_demo(client):
    seed()
    response = client.get("/en/library/", follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Locally managed marine areas in Fijian villages" in body
    assert "Fire knowledge of a savanna community" in body  # its notice
    assert "Early burning calendar" not in body
