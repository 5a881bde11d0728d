"""The one decision (cop.library.permissions): every rule, per visitor, through access() and through
library_items_for(), which must always agree."""

import datetime

import pytest
from django.utils import timezone

from cop.library.models import AccessRequestStatus, Audience, BuildingBlock, CaseStudyPage, ConsentStatus
from cop.library.permissions import (
    Access,
    access,
    library_items_for,
    may_download,
    may_manage_consent,
    may_request_access,
    may_see_evidence,
)
from tests.factories import MembershipFactory
from tests.library.conftest import VISITORS, make_case_study, make_consent

F, N, H = Access.FULL, Access.NOTICE, Access.HIDDEN

# visitor order: anonymous, outsider, other_member, holder_member, custodian, granted, revoked, editor
EXPECTED = {
    "public": [F, F, F, F, F, F, F, F],
    "members_only_library": [H, H, H, F, F, H, H, F],
    "tk_community": [N, N, N, F, F, F, N, N],
    "tk_signed_in": [N, F, F, F, F, F, F, F],
    "tk_public": [F, F, F, F, F, F, F, F],
    "tk_people": [N, N, N, N, F, F, N, N],
    "tk_secret_sacred": [H, H, H, F, F, F, H, H],
    "tk_withdrawn": [H, H, H, H, F, H, H, H],
    "tk_expired": [H, H, H, H, F, H, H, H],
    "tk_draft": [H, H, H, H, F, H, H, H],
    "draft": [H, H, H, H, H, H, H, F],
}


def build(cast, state):
    if state == "public":
        return make_case_study(cast.site_library, title="Mangrove restoration in the Sundarbans")
    if state == "members_only_library":
        cast.holder.visibility = "members"
        cast.holder.save()
        return make_case_study(cast.library, title="Village forest patrols")
    if state == "draft":
        return make_case_study(cast.site_library, title="Unfinished story", live=False)
    fields = {}
    audience = {
        "tk_signed_in": Audience.SIGNED_IN,
        "tk_public": Audience.PUBLIC,
        "tk_people": Audience.PEOPLE,
    }.get(state, Audience.COMMUNITIES)
    if state == "tk_secret_sacred":
        fields["secret_sacred"] = True
    if state == "tk_withdrawn":
        fields["status"] = ConsentStatus.WITHDRAWN
    if state == "tk_expired":
        fields["expires_on"] = timezone.localdate() - datetime.timedelta(days=1)
    page, _consent = cast.tk_case_study(audience=audience, **fields)
    if state == "tk_draft":
        page.live = False
        page.save(update_fields=["live"])
    return page


@pytest.mark.django_db
@pytest.mark.parametrize("state", list(EXPECTED))
def test_access_matrix(cast, state):
    page = build(cast, state)
    for visitor, expected in zip(VISITORS, EXPECTED[state], strict=True):
        user = cast.user(visitor)
        assert access(user, CaseStudyPage.objects.get(pk=page.pk)) == expected, (state, visitor)
        listed = library_items_for(user, CaseStudyPage.objects.filter(pk=page.pk), minimum=Access.NOTICE)
        levels = [Access(row.library_access) for row in listed]
        assert levels == ([] if expected == H else [expected]), (state, visitor, "queryset")


@pytest.mark.django_db
def test_grant_ends_after_its_date(cast):
    page, _consent = cast.tk_case_study()
    request = page.access_requests.get(requester=cast.users["granted"])
    request.granted_until = timezone.localdate() - datetime.timedelta(days=1)
    request.save()
    user = cast.user("granted")
    assert access(user, page) == Access.NOTICE
    assert [
        row.library_access for row in library_items_for(user, CaseStudyPage.objects.filter(pk=page.pk))
    ] == [Access.NOTICE]


@pytest.mark.django_db
def test_pending_and_declined_requests_grant_nothing(cast):
    page, _consent = cast.tk_case_study()
    for status in (AccessRequestStatus.PENDING, AccessRequestStatus.DECLINED):
        other = cast.users["outsider"]
        cast.grant(page, other, status)
        assert access(cast.user("outsider"), page) == Access.NOTICE
        page.access_requests.filter(requester=other).delete()


@pytest.mark.django_db
def test_tk_without_consent_is_hidden_even_from_its_community(cast):
    page = make_case_study(cast.library, title="Unconsented", holds_traditional_knowledge=True)
    for visitor in VISITORS:
        assert access(cast.user(visitor), page) == Access.HIDDEN, visitor


@pytest.mark.django_db
def test_submitter_sees_own_draft(cast):
    author = cast.users["outsider"]
    page = make_case_study(cast.site_library, title="My draft", live=False, submitted_by=author)
    assert access(cast.user("outsider"), page) == Access.FULL
    assert list(library_items_for(cast.user("outsider"), CaseStudyPage.objects.filter(pk=page.pk))) == [page]


@pytest.mark.django_db
def test_building_blocks_follow_the_same_rules(cast):
    block = BuildingBlock.objects.create(
        title="Community consent protocol",
        summary="RESTRICTED block text",
        library=cast.library,
        status="published",
        holds_traditional_knowledge=True,
    )
    make_consent(block, holder=cast.holder, custodians=[cast.users["custodian"]], communities=[cast.holder])
    for visitor, expected in [
        ("anonymous", N),
        ("outsider", N),
        ("holder_member", F),
        ("custodian", F),
        ("editor", N),
    ]:
        assert access(cast.user(visitor), block) == expected, visitor
        rows = library_items_for(cast.user(visitor), BuildingBlock.objects.filter(pk=block.pk))
        assert [row.library_access for row in rows] == [expected], visitor
    block.status = "draft"
    block.save()
    assert access(cast.user("holder_member"), block) == Access.HIDDEN
    assert access(cast.user("custodian"), block) == Access.FULL


@pytest.mark.django_db
def test_helpers(cast):
    page, consent = cast.tk_case_study()
    custodian, member, outsider = cast.user("custodian"), cast.user("holder_member"), cast.user("outsider")
    assert may_download(member, page) is False  # consent does not allow downloading
    assert may_download(custodian, page) is True
    consent.allow_download = True
    consent.save()
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert may_download(member, page) is True
    assert may_download(outsider, page) is False
    assert may_see_evidence(custodian, consent) and not may_see_evidence(member, consent)
    assert may_request_access(outsider, page) and not may_request_access(cast.user("anonymous"), page)
    assert not may_request_access(member, page)
    public = make_case_study(cast.site_library, title="Open")
    assert may_download(cast.user("anonymous"), public)


@pytest.mark.django_db
def test_secret_sacred_offers_no_request(cast):
    page, _consent = cast.tk_case_study(secret_sacred=True)
    assert not may_request_access(cast.user("outsider"), page)


@pytest.mark.django_db
def test_facilitators_manage_consent_only_when_no_custodian_is_left(cast):
    _page, consent = cast.tk_case_study()
    facilitator = MembershipFactory(community=cast.holder, role="facilitator").user
    assert may_manage_consent(cast.user("custodian"), consent)
    assert not may_manage_consent(facilitator, consent)
    consent.custodians.clear()
    consent = type(consent).objects.get(pk=consent.pk)
    assert may_manage_consent(facilitator, consent)
    assert not may_manage_consent(cast.user("holder_member"), consent)


@pytest.mark.django_db
def test_listing_decision_is_constant_in_queries(cast, django_assert_num_queries):
    for number in range(3):
        make_case_study(cast.site_library, title=f"Open case {number}")
    cast.tk_case_study()
    # The listing (the view restrictions asked inside it) and the page permissions of editors (for
    # drafts they may edit): two, whatever the number of case studies.
    user = cast.user("holder_member")
    with django_assert_num_queries(2):
        small = list(library_items_for(user, CaseStudyPage.objects.all()))
    for number in range(20):
        make_case_study(cast.site_library, title=f"More case {number}")
    user = type(user).objects.get(pk=user.pk)  # a fresh request's user: nothing cached on it
    with django_assert_num_queries(2):
        large = list(library_items_for(user, CaseStudyPage.objects.all()))
    assert len(large) == len(small) + 20
