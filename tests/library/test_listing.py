"""The library listing: facets count FULL items only, NOTICE items only without a filter, sort,
pagination, and a constant number of queries."""

import datetime

import pytest

from cop.library.models import Ecosystem, Label
from cop.models import GBFTarget, Language
from tests.library.conftest import make_case_study


def listed_titles(response) -> list[str]:
    return [page.title if page.library_access == 2 else "NOTICE" for page in response.context["case_studies"]]


def facet(response, name) -> dict:
    found = next(f for f in response.context["facets"] if f["name"] == name)
    return {option["value"]: option["count"] for option in found["options"]}


@pytest.fixture
def listing(cast):
    wetlands = Ecosystem.objects.get(slug="terrestrial-freshwater")
    reefs = Ecosystem.objects.get(slug="coral-reefs")
    target = GBFTarget.objects.get(number=22)
    make_case_study(
        cast.library,
        title="Wetland guardians",
        ecosystems=[wetlands],
        gbf_targets=[target],
        country="PE",
        period_start=datetime.date(2015, 1, 1),
    )
    make_case_study(cast.library, title="Atoll reef wardens", ecosystems=[reefs], country="FJ")
    page, _consent = cast.tk_case_study()
    page.ecosystems.set([wetlands])
    page.gbf_targets.set([target])
    page.labels.set([Label.objects.get(code="tk-culturally-sensitive")])
    page.save()
    return cast


@pytest.mark.django_db
def test_outsider_sees_notice_without_filters_and_counts_exclude_it(client, listing):
    response = listing.client(client, "outsider").get(listing.library.url)
    assert response.status_code == 200
    assert sorted(listed_titles(response)) == ["Atoll reef wardens", "NOTICE", "Wetland guardians"]
    body = response.content.decode()
    assert "Healing plants" not in body and "RESTRICTED" not in body
    assert "Medicinal plant knowledge of the holder community" in body
    assert facet(response, "ecosystem") == {"terrestrial-freshwater": 1, "coral-reefs": 1}
    assert facet(response, "target") == {"22": 1}
    assert facet(response, "label") == {}  # only the restricted item carries a label
    # Filtered: FULL items only; the notice is not listed under any facet.
    response = client.get(listing.library.url, {"ecosystem": "terrestrial-freshwater"})
    assert listed_titles(response) == ["Wetland guardians"]
    response = client.get(listing.library.url, {"q": "healing"})
    assert listed_titles(response) == []


@pytest.mark.django_db
def test_member_counts_include_the_restricted_item(client, listing):
    response = listing.client(client, "holder_member").get(listing.library.url, {"target": "22"})
    assert sorted(listed_titles(response)) == ["Healing plants of the upper river", "Wetland guardians"]
    assert facet(response, "target") == {"22": 2}
    assert facet(response, "country") == {"PE": 1}
    assert facet(response, "label") == {"tk-culturally-sensitive": 1}


@pytest.mark.django_db
def test_sort_and_invalid_filters(client, listing):
    response = listing.client(client, "holder_member").get(listing.library.url, {"sort": "title"})
    assert listed_titles(response) == [
        "Atoll reef wardens",
        "Healing plants of the upper river",
        "Wetland guardians",
    ]
    response = client.get(listing.library.url, {"sort": "period"})
    assert listed_titles(response)[0] == "Wetland guardians"
    response = client.get(listing.library.url, {"target": "99", "ecosystem": "coral-reefs"})
    assert response.status_code == 400
    assert listed_titles(response) == ["Atoll reef wardens"]
    assert "GBF target" in response.context["ignored"]


@pytest.mark.django_db
def test_members_only_community_library_is_404_for_outsiders(client, listing):
    listing.holder.visibility = "members"
    listing.holder.save()
    assert listing.client(client, "outsider").get(listing.library.url).status_code == 404
    assert listing.client(client, "holder_member").get(listing.library.url).status_code == 200


@pytest.mark.django_db
def test_pagination(client, cast):
    for number in range(23):
        make_case_study(cast.site_library, title=f"Case {number:02d}")
    response = client.get(cast.site_library.url, {"sort": "title", "page": "2"})
    assert listed_titles(response) == ["Case 20", "Case 21", "Case 22"]


def _fill(cast, count, start=0):
    target = GBFTarget.objects.get(number=15)
    ecosystem = Ecosystem.objects.get(slug="mangroves")
    language = Language.objects.get(code="fr")
    label = Label.objects.get(code="bc-provenance")
    for number in range(start, start + count):
        make_case_study(
            cast.site_library,
            title=f"Case study {number}",
            gbf_targets=[target],
            ecosystems=[ecosystem],
            languages=[language],
            labels=[label],
            country="SN",
        )


@pytest.mark.django_db
@pytest.mark.parametrize("visitor", ["anonymous", "holder_member"])
def test_listing_queries_are_constant(client, cast, django_assert_num_queries, visitor):
    cast.tk_case_study(library=cast.site_library)
    _fill(cast, 3)
    client = cast.client(client, visitor)
    client.get(cast.site_library.url)  # warm the per-process caches (site root, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cop.fragments import scope_changed
    from cop.library.fragments import LIBRARY_SCOPE
    from home.sites import PAGES_SCOPE

    # The cold path (a new library version: every row rendered, the facets counted; a new page tree: the
    # library routed anew, as after the new case studies below) and the warm one.
    scope_changed(LIBRARY_SCOPE, PAGES_SCOPE)
    with CaptureQueriesContext(connection) as small:
        client.get(cast.site_library.url)
    with CaptureQueriesContext(connection) as small_warm:
        client.get(cast.site_library.url)
    assert len(small_warm) < len(small)
    _fill(cast, 27, start=3)  # new case studies: a new library version, the cold path again
    with django_assert_num_queries(len(small)):
        response = client.get(cast.site_library.url)
    assert len(response.context["case_studies"]) == 20
    with django_assert_num_queries(len(small_warm)):
        client.get(cast.site_library.url)


HOSTILE = [str(2**64), "9" * 400, "\x00", "' OR 1=1 --", "é" * 200]


@pytest.mark.django_db
def test_hostile_query_strings_never_5xx(client, listing):
    names = ["q", "target", "region", "country", "ecosystem", "stakeholder", "language", "licence", "label"]
    names += ["scale", "sort", "page"]
    for name in names:
        for value in HOSTILE:
            response = client.get(listing.library.url, {name: value})
            assert response.status_code in (200, 400), (name, value)
    for path in ("collections/%00/", "collections/" + "x" * 300 + "/"):
        assert client.get(listing.site_library.url + path).status_code == 404
    assert client.get(f"/en/library/case-studies/{2**64}/").status_code == 404
    assert client.get(f"/en/library/blocks/{2**63}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("visitor", ["outsider", "holder_member"])
def test_newest_first_is_the_databases_order(client, listing, visitor):
    """The "newest" order, sorted after the decision, is the order by first publication and id the
    database gives, readable and notice rows alike."""
    from cop.library.models import CaseStudyPage

    pages = list(CaseStudyPage.objects.live().child_of(listing.library))
    pages[0].first_published_at = pages[1].first_published_at  # a tie: the higher id first
    pages[0].save(update_fields=["first_published_at"])
    expected = list(
        CaseStudyPage.objects.live()
        .child_of(listing.library)
        .order_by("-first_published_at", "-pk")
        .values_list("pk", flat=True)
    )
    for params in ({}, {"sort": "newest"}):
        response = listing.client(client, visitor).get(listing.library.url, params)
        assert [item.pk for item in response.context["case_studies"]] == expected, params


@pytest.mark.django_db
def test_stakeholder_language_licence_region_and_scale_filters_narrow_and_count(client, cast):
    """Each of these facets lists only the matching case studies and counts what the others leave."""
    from cop.models import Region, StakeholderGroup

    first_group, second_group = StakeholderGroup.objects.order_by("slug")[:2]
    spanish, french = Language.objects.get(code="es"), Language.objects.get(code="fr")
    make_case_study(
        cast.library,
        title="Andean water stewards",
        country="PE",
        stakeholder_groups=[first_group],
        languages=[spanish],
        licence="cc-by-4.0",
        scale="local",
    )
    make_case_study(
        cast.library,
        title="Pacific reef keepers",
        country="FJ",
        stakeholder_groups=[second_group],
        languages=[french, spanish],
        licence="cc-by-nc-4.0",
        scale="national",
    )
    americas = Region.objects.get(m49_code="019")  # Peru's continent, two levels above its sub-region
    cases = [
        ({"stakeholder": first_group.slug}, ["Andean water stewards"]),
        ({"stakeholder": second_group.slug}, ["Pacific reef keepers"]),
        ({"language": "fr"}, ["Pacific reef keepers"]),
        ({"language": "es"}, ["Andean water stewards", "Pacific reef keepers"]),
        ({"licence": "cc-by-nc-4.0"}, ["Pacific reef keepers"]),
        ({"region": americas.m49_code}, ["Andean water stewards"]),
        ({"scale": "national"}, ["Pacific reef keepers"]),
        ({"language": "es", "licence": "cc-by-4.0"}, ["Andean water stewards"]),
    ]
    for params, expected in cases:
        response = client.get(cast.library.url, {**params, "sort": "title"})
        assert response.status_code == 200, params
        assert listed_titles(response) == expected, params
    response = client.get(cast.library.url, {"language": "es"})
    assert facet(response, "language") == {"es": 2, "fr": 1}
    assert facet(response, "licence") == {"cc-by-4.0": 1, "cc-by-nc-4.0": 1}
    assert facet(response, "stakeholder") == {first_group.slug: 1, second_group.slug: 1}
    response = client.get(cast.library.url, {"language": "fr"})
    assert facet(response, "licence") == {"cc-by-nc-4.0": 1}
    assert facet(response, "scale") == {"national": 1}
