"""A case study's page and the listing as fragments keyed on what the request decided (session 6): the
related list, the building blocks, the article's header, the listing's collections. A consent
withdrawn or expired, or a grant revoked, changes the very next request's listing, facet counts,
related list, building blocks and page, though every fragment was cached just before (the changes
below go around the services and their signals on purpose: only the decision protects)."""

import datetime
import re

import pytest
from django.utils import timezone

from cop.library.models import (
    AccessRequest,
    BuildingBlock,
    CaseStudyBlockUse,
    ConsentRecord,
    ConsentStatus,
    Ecosystem,
    LibraryCollection,
)
from tests.library.conftest import make_case_study, make_consent
from tests.library.test_fragments import RESTRICTED, _ecosystem_counts

BLOCK = "Remedy gardens RESTRICTED-BLOCK"


@pytest.fixture
def tk(cast):
    """A TK case study of the holder's library (read in full by its members and the granted requester),
    a public one sharing its ecosystem (their related lists name each other), and a TK building block
    of the holder's library under its own consent used by the public one."""
    reef = Ecosystem.objects.get(slug="coral-reefs")
    page, consent = cast.tk_case_study()
    page.ecosystems.set([reef])
    page.save()
    public = make_case_study(cast.library, title="Atoll reef wardens", ecosystems=[reef])
    block = BuildingBlock.objects.create(
        title=BLOCK,
        summary="Kept by the elders.",
        library=cast.library,
        status="published",
        holds_traditional_knowledge=True,
    )
    block_consent = make_consent(
        block, holder=cast.holder, custodians=[cast.users["custodian"]], communities=[cast.holder]
    )
    CaseStudyBlockUse.objects.create(case_study=public, block=block)
    return page, consent, public, block_consent


def _sees_everything(client, cast, page, public) -> None:
    """The viewer reads the TK case study everywhere (and so every fragment is cached)."""
    listing = client.get(cast.library.url)
    assert "Healing plants of the upper river" in listing.content.decode()
    assert _ecosystem_counts(listing) == {"coral-reefs": 2}
    related = client.get(public.url)
    assert "Healing plants of the upper river" in related.content.decode()
    assert [item.pk for item in related.context["related"]] == [page.pk]
    assert "RESTRICTED-SOLUTION" in client.get(page.url).content.decode()


def _sees_nothing_restricted(client, cast, page, public, *, page_status) -> None:
    listing = client.get(cast.library.url)
    assert not any(word in listing.content.decode() for word in RESTRICTED)
    assert _ecosystem_counts(listing) == {"coral-reefs": 1}
    related = client.get(public.url)
    assert not any(word in related.content.decode() for word in RESTRICTED)
    assert related.context["related"] == []
    response = client.get(page.url)
    assert response.status_code == page_status
    assert "RESTRICTED-SOLUTION" not in response.content.decode()


@pytest.mark.django_db
def test_a_revoked_grant_changes_the_next_listing_related_list_and_page(client, cast, tk):
    page, _consent, public, _block_consent = tk
    client = cast.client(client, "granted")
    _sees_everything(client, cast, page, public)
    AccessRequest.objects.filter(case_study=page, requester=cast.users["granted"]).update(status="revoked")
    _sees_nothing_restricted(client, cast, page, public, page_status=200)  # the notice
    assert "Medicinal plant knowledge of the holder community" in client.get(page.url).content.decode()


@pytest.mark.django_db
def test_a_grant_past_its_end_changes_the_next_listing_related_list_and_page(client, cast, tk):
    page, _consent, public, _block_consent = tk
    client = cast.client(client, "granted")
    _sees_everything(client, cast, page, public)
    AccessRequest.objects.filter(case_study=page, requester=cast.users["granted"]).update(
        granted_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    _sees_nothing_restricted(client, cast, page, public, page_status=200)


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["withdrawn", "expired", "past its date"])
def test_a_consent_withdrawn_or_expired_changes_the_next_listing_related_list_blocks_and_page(
    client, cast, tk, change
):
    page, consent, public, block_consent = tk
    client = cast.client(client, "holder_member")
    _sees_everything(client, cast, page, public)
    assert BLOCK in client.get(public.url).content.decode()
    if change == "past its date":
        update = {"expires_on": timezone.localdate() - datetime.timedelta(days=1)}
    else:
        update = {"status": ConsentStatus.WITHDRAWN if change == "withdrawn" else ConsentStatus.EXPIRED}
    ConsentRecord.objects.filter(pk__in=[consent.pk, block_consent.pk]).update(**update)
    _sees_nothing_restricted(client, cast, page, public, page_status=404)
    body = client.get(public.url).content.decode()
    assert BLOCK not in body and "Building blocks" not in body
    # Its custodian still reads it all (to restore it): their own keys, nothing of the member's.
    custodian = cast.client(client, "custodian")
    assert "RESTRICTED-SOLUTION" in custodian.get(page.url).content.decode()
    assert BLOCK in custodian.get(public.url).content.decode()


@pytest.mark.django_db
def test_an_outsider_never_gets_a_members_related_list_blocks_or_header(client, cast, tk):
    page, _consent, public, _block_consent = tk
    member = cast.client(client, "holder_member")
    _sees_everything(member, cast, page, public)
    for visitor in ("anonymous", "outsider", "revoked", "other_member"):
        viewer = cast.client(client, visitor)
        body = viewer.get(public.url).content.decode()
        assert not any(word in body for word in RESTRICTED) and BLOCK not in body, visitor
        response = viewer.get(page.url)
        assert "RESTRICTED" not in response.content.decode(), visitor
        assert "Healing plants" not in response.content.decode(), visitor


@pytest.mark.django_db
def test_titles_of_related_pages_library_and_collections_show_at_once(client, cast, tk):
    page, _consent, public, _block_consent = tk
    client = cast.client(client, "holder_member")
    assert "Atoll reef wardens" in client.get(page.url).content.decode()
    public.title = "Atoll reef keepers"
    public.save_revision().publish()
    body = client.get(page.url).content.decode()
    assert "Atoll reef keepers" in body and "Atoll reef wardens" not in body
    cast.library.title = "The guardians' case studies"
    cast.library.save()
    assert "The guardians&#x27; case studies" in client.get(public.url).content.decode()
    assert "mangrove-work" not in client.get(cast.library.url).content.decode()
    LibraryCollection.objects.create(library=cast.library, title="Mangrove work", slug="mangrove-work")
    body = client.get(cast.library.url).content.decode()
    assert "collections/mangrove-work/" in body and "Mangrove work" in body


@pytest.mark.django_db
def test_warm_pages_read_no_page_row_for_their_lists(client, cast, tk):
    """Cached related lists, blocks and collections: neither the related pages, the blocks nor the
    collections are read again; the decisions are (one query each)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _page, _consent, public, _block_consent = tk
    client = cast.client(client, "holder_member")
    client.get(public.url)
    client.get(cast.library.url)
    with CaptureQueriesContext(connection) as queries:
        client.get(public.url)
        client.get(cast.library.url)
    sql = " ".join(query["sql"] for query in queries)
    assert '"cop_library_buildingblock"."body"' not in sql
    assert "cop_library_librarycollection" not in sql
    assert not re.search(r"IN \(\d", sql)  # no rows read by their ids (related pages, blocks, rows)
    assert sql.count('AS "library_access"') == 3  # the blocks, the related list, the listing


@pytest.mark.django_db
def test_a_case_studys_library_and_its_community_are_read_by_path(cast, django_assert_num_queries):
    """One statement each (compiled once: cop.prepared), none for the community of the site-wide
    library, which lies right below the home page."""
    from cop.library.models import CaseStudyPage

    page = make_case_study(cast.library, title="Mangrove nurseries")
    site_page = make_case_study(cast.site_library, title="Seed banks")
    fresh = CaseStudyPage.objects.get(pk=page.pk)
    with django_assert_num_queries(2):
        assert fresh.library.pk == cast.library.pk
        assert fresh.library.community.pk == cast.holder.pk
    fresh = CaseStudyPage.objects.get(pk=site_page.pk)
    with django_assert_num_queries(1):
        assert fresh.library.pk == cast.site_library.pk
        assert fresh.library.community is None
    orphan = CaseStudyPage(title="Not in the tree")
    with django_assert_num_queries(0):
        assert orphan.library is None
