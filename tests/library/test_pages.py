"""The library's pages per kind of visitor: listing with facets, sort and pagination, a case study in
full, its notice, or a 404; building-block pages; collections. Never a word of restricted text
outside the audience."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cop.library.models import (
    BuildingBlock,
    CaseStudyBlockUse,
    CaseStudyResource,
    Ecosystem,
    Label,
    LibraryCollection,
    LibraryCollectionItem,
    RestrictedView,
)
from cop.models import GBFTarget
from tests.library.conftest import VISITORS, make_case_study

RESTRICTED = ("RESTRICTED-SUMMARY", "RESTRICTED-SOLUTION", "Healing plants", "healing-plants")

# What each visitor gets on a community-only TK case study: 200 with the text, 200 with the notice.
TK_PAGE = {
    "anonymous": "notice",
    "outsider": "notice",
    "other_member": "notice",
    "holder_member": "full",
    "custodian": "full",
    "granted": "full",
    "revoked": "notice",
    "editor": "notice",
}


@pytest.mark.django_db
@pytest.mark.parametrize("visitor", VISITORS)
def test_tk_case_study_page_per_visitor(client, cast, visitor):
    page, _consent = cast.tk_case_study()
    response = cast.client(client, visitor).get(page.url)
    assert response.status_code == 200
    body = response.content.decode()
    if TK_PAGE[visitor] == "full":
        assert "RESTRICTED-SOLUTION" in body
        assert "Healing plants of the upper river" in body
    else:
        for word in RESTRICTED[:3]:
            assert word not in body, (visitor, word)
        assert "Medicinal plant knowledge of the holder community" in body
        assert "Guardians of the Forest" in body


@pytest.mark.django_db
@pytest.mark.parametrize("visitor", VISITORS)
def test_secret_sacred_is_404_outside_the_audience(client, cast, visitor):
    page, _consent = cast.tk_case_study(secret_sacred=True)
    response = cast.client(client, visitor).get(page.url)
    expected = 200 if TK_PAGE[visitor] == "full" else 404
    assert response.status_code == expected
    if expected == 404:
        assert "Medicinal plant knowledge" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("visitor", VISITORS)
def test_withdrawn_is_404_but_for_custodians(client, cast, visitor):
    page, _consent = cast.tk_case_study(status="withdrawn")
    response = cast.client(client, visitor).get(page.url)
    assert response.status_code == (200 if visitor == "custodian" else 404)


@pytest.mark.django_db
def test_neutral_address_shows_notice_or_redirects(client, cast):
    page, _consent = cast.tk_case_study()
    url = reverse("cop_library:item", args=[page.pk])
    response = cast.client(client, "outsider").get(url)
    assert response.status_code == 200
    assert "RESTRICTED-SUMMARY" not in response.content.decode()
    response = cast.client(client, "holder_member").get(url)
    # The address of a TK case study is its neutral one (its own is made from its title): served there.
    assert page.url == url
    assert response.status_code == 200 and "RESTRICTED-SUMMARY" in response.content.decode()


@pytest.mark.django_db
def test_restricted_views_are_recorded_for_readers_not_custodians(client, cast):
    page, _consent = cast.tk_case_study()
    cast.client(client, "holder_member").get(page.url)
    cast.client(client, "holder_member").get(page.url)
    cast.client(client, "custodian").get(page.url)
    cast.client(client, "outsider").get(page.url)
    views = list(RestrictedView.objects.filter(case_study=page))
    assert [(view.viewer_id, view.count) for view in views] == [(cast.users["holder_member"].pk, 2)]
    # The custodians read it on the consent's page: who, which day, how many times.
    manage = reverse("cop_library:consent_manage", args=["case-study", page.pk])
    body = cast.client(client, "custodian").get(manage).content.decode()
    reader = cast.users["holder_member"].public_name
    assert f"<tr><td><bdi>{reader}</bdi></td>" in body and "</td><td>2</td></tr>" in body
    assert cast.users["outsider"].public_name not in body


@pytest.mark.django_db
def test_full_case_study_page_shows_its_fields(client, cast):
    target = GBFTarget.objects.get(number=21)
    mangroves = Ecosystem.objects.get(slug="mangroves")
    attribution = Label.objects.get(code="tk-attribution")
    page = make_case_study(
        cast.site_library,
        title="Mangrove replanting led by fisherwomen",
        country="BD",
        location_name="Shyamnagar",
        latitude=Decimal("22.33"),
        longitude=Decimal("89.1"),
        licence="cc-by-sa-4.0",
        doi="10.5281/zenodo.1234",
        organisations="Coastal Women's Cooperative\nBangladesh Forest Department",
        solution="Women **replant** seedlings.",
        gbf_targets=[target],
        ecosystems=[mangroves],
        labels=[attribution],
    )
    other = make_case_study(cast.site_library, title="Mangrove nurseries in Kenya", ecosystems=[mangroves])
    block = BuildingBlock.objects.create(
        title="Women's nursery groups",
        summary="Groups raise seedlings.",
        library=cast.site_library,
        status="published",
    )
    CaseStudyBlockUse.objects.create(case_study=page, block=block)
    CaseStudyResource.objects.create(case_study=page, title="Field guide", url="https://example.org/guide")
    body = client.get(page.url).content.decode()
    assert "Shyamnagar" in body and "Bangladesh" in body
    assert "<strong>replant</strong>" in body
    assert 'rel="license" href="https://creativecommons.org/licenses/by-sa/4.0/"' in body
    assert "https://doi.org/10.5281/zenodo.1234" in body
    assert "TK Attribution" in body
    assert block.get_absolute_url() in body
    assert "Field guide" in body
    assert other.title in body  # related through the ecosystem
    assert "Coastal Women&#x27;s Cooperative" in body  # cite as


@pytest.mark.django_db
def test_sensitive_location_shows_country_only_outside_the_audience(client, cast):
    page, _consent = cast.tk_case_study(audience="signed_in")
    page.country = "BR"
    page.location_name = "Sacred lake"
    page.location_sensitive = True
    page.save()
    body = cast.client(client, "outsider").get(page.url).content.decode()  # signed in: FULL, public-ish
    assert "Brazil" in body
    assert "Sacred lake" in body  # the audience (signed-in people) includes them
    page.holds_traditional_knowledge = False
    page.save()
    body = cast.client(client, "outsider").get(page.url).content.decode()
    assert "Brazil" in body and "Sacred lake" not in body
    body = cast.client(client, "custodian").get(page.url).content.decode()
    assert "Sacred lake" in body


@pytest.mark.django_db
def test_building_block_page(client, cast):
    block = BuildingBlock.objects.create(
        title="Seed fairs", summary="Farmers swap seeds.", library=cast.site_library, status="published"
    )
    open_page = make_case_study(cast.site_library, title="Potato park")
    tk_page, _consent = cast.tk_case_study()
    CaseStudyBlockUse.objects.create(case_study=open_page, block=block)
    CaseStudyBlockUse.objects.create(case_study=tk_page, block=block)
    response = client.get(block.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Potato park" in body and "Healing plants" not in body
    assert "Seed fairs" in body and f"http://testserver{block.get_absolute_url()}" in body  # citation
    body = cast.client(client, "holder_member").get(block.get_absolute_url()).content.decode()
    assert "Healing plants" in body
    draft = BuildingBlock.objects.create(title="Draft", summary="Not yet.", library=cast.site_library)
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_collection(client, cast):
    one = make_case_study(cast.site_library, title="Agroforestry in Ghana")
    tk_page, _consent = cast.tk_case_study(library=cast.site_library)
    collection = LibraryCollection.objects.create(library=cast.site_library, title="Forests", slug="forests")
    LibraryCollectionItem.objects.create(collection=collection, case_study=one, sort_order=1)
    LibraryCollectionItem.objects.create(collection=collection, case_study=tk_page, sort_order=2)
    body = client.get(cast.site_library.url + "collections/forests/").content.decode()
    assert "Agroforestry in Ghana" in body
    assert "Healing plants" not in body and "Medicinal plant knowledge" in body
    assert client.get(cast.site_library.url + "collections/nothing/").status_code == 404


@pytest.mark.django_db
def test_navigation_entry_leads_to_the_site_library(client, cast):
    response = client.get(reverse("cop_library:index"))
    assert response.status_code == 302 and response["Location"] == cast.site_library.url
    assert f'href="{reverse("cop_library:index")}"' in client.get(cast.site_library.url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("visitor", ["anonymous", "holder_member"])
def test_case_study_page_queries_are_constant(client, cast, django_assert_num_queries, visitor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mangroves = Ecosystem.objects.get(slug="mangroves")
    target = GBFTarget.objects.get(number=8)
    labels = list(Label.objects.filter(kind="tk_label")[:3])

    def fill(count, start=0):
        for number in range(start, start + count):
            other = make_case_study(
                cast.site_library,
                title=f"Mangrove case {number}",
                ecosystems=[mangroves],
                gbf_targets=[target],
            )
            CaseStudyBlockUse.objects.create(case_study=other, block=block)

    block = BuildingBlock.objects.create(
        title="Nursery groups", summary="Seedlings.", library=cast.site_library, status="published"
    )
    page = make_case_study(
        cast.site_library,
        title="The measured page",
        ecosystems=[mangroves],
        gbf_targets=[target],
        labels=labels,
    )
    CaseStudyBlockUse.objects.create(case_study=page, block=block)
    CaseStudyResource.objects.create(case_study=page, title="Guide", url="https://example.org/guide")
    fill(3)
    client = cast.client(client, visitor)
    client.get(page.url)
    from cop.fragments import scope_changed
    from cop.library.fragments import LIBRARY_SCOPE
    from home.sites import PAGES_SCOPE

    # The cold path (a new library version: the body rendered; a new page tree: the page routed anew, as
    # after the new case studies below) and the warm one (the body cached, the route known).
    scope_changed(LIBRARY_SCOPE, PAGES_SCOPE)
    with CaptureQueriesContext(connection) as few:
        assert client.get(page.url).status_code == 200
    with CaptureQueriesContext(connection) as few_warm:
        client.get(page.url)
    assert len(few_warm) < len(few)
    fill(27, start=3)  # new case studies: a new library version, the cold path again
    with django_assert_num_queries(len(few)):
        response = client.get(page.url)
    assert len(response.context["related"]) == 5
    with django_assert_num_queries(len(few_warm)):
        client.get(page.url)


@pytest.mark.django_db
def test_readers_are_told_the_consented_uses_and_cite_only_what_may_be_cited(client, cast):
    """The consent's uses are shown beside the licence; "Cite as" only where citing was consented to."""
    uncited, _consent = cast.tk_case_study()
    cited, _consent = cast.tk_case_study(library=cast.site_library, allow_cite=True, allow_download=True)
    reader = cast.client(client, "holder_member")
    body = reader.get(uncited.url).content.decode()
    assert "Uses the holder community consented to</dt><dd>viewing</dd>" in body
    assert (
        "Not consented to (whatever the licence says)</dt><dd>downloading, citing, adaptation, commercial use"
        in body
    )
    assert "Cite as" not in body
    body = reader.get(cited.url).content.decode()
    assert "Uses the holder community consented to</dt><dd>viewing, downloading, citing</dd>" in body
    assert "Cite as" in body
    # Machines are told the same: no citation in the page's metadata or the export where none was given.
    from cop.library import fair

    assert fair.citation(uncited) == "" and "Healing plants" in fair.citation(cited)
    # A case study without traditional knowledge has no consent: cited, no uses listed.
    open_page = make_case_study(cast.library, title="Village seed fairs")
    body = reader.get(open_page.url).content.decode()
    assert "Cite as" in body and "consented to" not in body


@pytest.mark.django_db
def test_a_building_block_is_cited_only_if_its_consent_allows(client, cast):
    from tests.library.conftest import make_consent

    block = BuildingBlock.objects.create(
        title="Ritual calendar",
        summary="When the harvest may begin.",
        library=cast.library,
        status="published",
        holds_traditional_knowledge=True,
    )
    consent = make_consent(
        block, holder=cast.holder, custodians=[cast.users["custodian"]], communities=[cast.holder]
    )
    reader = cast.client(client, "holder_member")
    url = reverse("cop_library:block", args=[block.pk])
    assert "Cite as" not in reader.get(url).content.decode()
    consent.allow_cite = True
    consent.save()
    assert "Cite as" in reader.get(url).content.decode()
