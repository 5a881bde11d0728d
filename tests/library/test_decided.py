"""The access decision's list queries compiled once per kind of viewer (cop.library.decided) and the
cached <head> metadata of a public case study (cop.library.fragments.case_study_head): each viewer's
id, the day, memberships, grants and consent are read on every request, so a change of any of them
shows at once; the changes below go around the services and their signals on purpose."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser

from cop.library import listing, selectors
from cop.library.decided import DecidedQuery
from cop.library.models import (
    AccessRequest,
    BuildingBlock,
    CaseStudyBlockUse,
    CaseStudyPage,
    ConsentRecord,
    Ecosystem,
)
from cop.library.permissions import Access, library_items_for
from cop.models import CommunityPage, Membership, MembershipStatus
from tests.library.conftest import make_case_study, make_consent

RESTRICTED_TITLE = "Healing plants of the upper river"


@pytest.fixture
def related(cast):
    """A public case study and a TK one of the holder's library sharing its ecosystem."""
    reef = Ecosystem.objects.get(slug="coral-reefs")
    page = make_case_study(cast.library, title="Reef wardens", ecosystems=[reef])
    tk_page, consent = cast.tk_case_study()
    tk_page.ecosystems.set([reef])
    tk_page.save()
    return page, tk_page, consent


@pytest.mark.django_db
def test_related_and_listing_follow_grants_and_memberships_at_once(client, cast, related):
    page, tk_page, _consent = related
    outsider = cast.users["outsider"]
    for viewer in ("outsider", "granted", "holder_member", "revoked"):
        shown = [item.pk for item in selectors.related_case_studies(cast.user(viewer), page)]
        assert (tk_page.pk in shown) == (viewer in ("granted", "holder_member")), viewer
    cast.grant(tk_page, outsider, "granted")
    assert tk_page.pk in [item.pk for item in selectors.related_case_studies(cast.user("outsider"), page)]
    body = cast.client(client, "outsider").get(cast.library.url).content.decode()
    assert RESTRICTED_TITLE in body
    AccessRequest.objects.filter(requester=outsider).update(status="revoked")
    assert tk_page.pk not in [item.pk for item in selectors.related_case_studies(cast.user("outsider"), page)]
    assert RESTRICTED_TITLE not in cast.client(client, "outsider").get(cast.library.url).content.decode()
    member = cast.users["holder_member"]
    Membership.objects.filter(user=member).update(status=MembershipStatus.BANNED)
    assert tk_page.pk not in [
        item.pk for item in selectors.related_case_studies(cast.user("holder_member"), page)
    ]


@pytest.mark.django_db
def test_the_day_is_bound_at_run_time(cast, related):
    page, tk_page, consent = related
    today = datetime.date(2026, 6, 1)
    ConsentRecord.objects.filter(pk=consent.pk).update(expires_on=today)
    member = cast.user("holder_member")
    with mock.patch("django.utils.timezone.localdate", return_value=today):
        assert tk_page.pk in [item.pk for item in selectors.related_case_studies(member, page)]
    with mock.patch("django.utils.timezone.localdate", return_value=today + datetime.timedelta(days=1)):
        assert tk_page.pk not in [item.pk for item in selectors.related_case_studies(member, page)]


@pytest.mark.django_db
def test_compiled_queries_agree_with_the_orm_for_every_visitor(cast, related):
    page, _tk_page, _consent = related
    make_case_study(cast.library, title="Draft study", live=False, submitted_by=cast.users["outsider"])
    base = CaseStudyPage.objects.live().child_of(cast.library)
    for viewer in (
        "anonymous",
        "outsider",
        "other_member",
        "holder_member",
        "custodian",
        "granted",
        "editor",
    ):
        user = cast.user(viewer)
        for sort in ("newest", "title", "period"):
            shape = (cast.library.path, cast.library.depth, sort)
            compiled = listing._LISTING.rows(user, shape)
            assert compiled == list(listing._decided_listing(user, base, sort)), (viewer, sort)
        related_ids = [item.pk for item in selectors.related_case_studies(user, page)]
        candidates = (
            CaseStudyPage.objects.live().exclude(pk=page.pk).filter(ecosystems__in=page.ecosystems.all())
        )
        expected = library_items_for(user, candidates, minimum=Access.FULL).order_by(
            "-first_published_at", "-pk"
        )
        assert related_ids == list(expected.values_list("pk", flat=True)), viewer


@pytest.mark.django_db
def test_a_block_not_published_is_decided_again_for_its_editor(cast, related):
    page, _tk_page, _consent = related
    block = BuildingBlock.objects.create(
        library=cast.library, title="Draft block", summary="Not yet published", status="draft"
    )
    CaseStudyBlockUse.objects.create(case_study=page, block=block)
    assert selectors.case_study_blocks(cast.user("outsider"), page) == []
    assert selectors.case_study_blocks(AnonymousUser(), page) == []
    assert [b.pk for b in selectors.case_study_blocks(cast.user("editor"), page)] == [block.pk]


@pytest.mark.django_db
def test_a_query_that_reads_data_while_built_is_refused(cast):
    def reads(viewer, today, shape):
        list(CommunityPage.objects.all())  # data read while building: the SQL would hold it
        return CommunityPage.objects.values_list("pk")

    with pytest.raises(Exception, match="SELECT"):
        DecidedQuery(reads).rows(AnonymousUser(), "shape")

    def inlines(viewer, today, shape):
        return CommunityPage.objects.filter(pk=-1 if viewer.is_authenticated else 0).values_list("pk")

    assert DecidedQuery(inlines).rows(AnonymousUser(), "shape") == []


@pytest.mark.django_db
def test_the_head_metadata_shows_changes_at_once_and_only_while_public(client, cast):
    page = make_case_study(cast.site_library, title="Seed libraries", summary="First summary", country="FJ")
    anonymous = cast.client(client, "anonymous")
    body = anonymous.get(page.url).content.decode()
    assert '<meta name="DC.description" content="First summary">' in body
    assert '"name": "Our case studies"' not in body and "application/ld+json" in body
    page.summary = "Second summary"
    page.save_revision().publish()
    body = anonymous.get(page.url).content.decode()
    assert "Second summary" in body.split("</head>")[0] and "First summary" not in body
    library = cast.site_library
    library.title = "Renamed library"
    library.save_revision().publish()
    head = anonymous.get(page.url).content.decode().split("</head>")[0]
    assert '"name": "Renamed library"' in head
    reef = Ecosystem.objects.get(slug="coral-reefs")
    page.ecosystems.add(reef)
    page.save_revision().publish()
    head = anonymous.get(page.url).content.decode().split("</head>")[0]
    assert str(reef.name) in head
    # A TK case study public by its consent has metadata; once its audience narrows, none, at once,
    # even for a member who still reads it in full.
    tk_page = make_case_study(
        cast.site_library,
        title="Tide calendars",
        summary="Public TK summary",
        holds_traditional_knowledge=True,
    )
    consent = make_consent(tk_page, holder=cast.holder, audience="public", communities=[cast.holder])
    assert "application/ld+json" in anonymous.get(tk_page.url).content.decode()
    ConsentRecord.objects.filter(pk=consent.pk).update(audience="communities")
    assert anonymous.get(tk_page.url).status_code in (200, 404)
    body = cast.client(client, "holder_member").get(tk_page.url).content.decode()
    assert "Public TK summary" in body and "application/ld+json" not in body
