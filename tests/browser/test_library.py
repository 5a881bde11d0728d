"""A traditional-knowledge case study in a real browser (issue #12): limited by its consent to the
holder community, an outsider sees only its notice and asks for access; the custodian grants it and
the outsider reads it; the custodian withdraws consent and the item is gone from every surface (its
addresses answer 404, the listing and the site search do not name it, not even by its notice).

The submission itself (the share form, the consent record, the holder community's and the editors'
reviews) is covered through the site's forms in tests/library/test_submission.py; here the case study
is published by the same service path the last approval takes (revision.publish under active
consent), so that this journey starts where the outsider comes in."""

import pytest
from playwright.sync_api import expect
from wagtail.models import Page

from cop.library.models import AccessRequest, Audience, ConsentRecord
from tests.factories import CommunityPageFactory, MembershipFactory, UserFactory
from tests.library.conftest import make_case_study, make_consent, make_library

pytestmark = pytest.mark.browser

TITLE = "Healing plants of the upper river"
SECRET = "The elders prepare the bark at the new moon"
NOTICE = "Medicinal plant knowledge of the Guardians"


@pytest.fixture
def item(live_url):
    holder = CommunityPageFactory(title="Guardians of the Forest", slug="guardians")
    library = make_library(holder, title="Our case studies", slug="library")
    representative = MembershipFactory(community=holder, user__display_name="Ana Quispe").user
    page = make_case_study(
        library,
        title=TITLE,
        summary=SECRET,
        solution="Only the holder community's members read this.",
        holds_traditional_knowledge=True,
        submitted_by=representative,
    )
    make_consent(
        page,
        holder=holder,
        custodians=[representative],
        audience=Audience.COMMUNITIES,
        communities=[holder],
        notice_title=NOTICE,
        notice_summary="Shared with the Guardians' members under their protocol.",
    )
    page.save_revision(user=representative).publish()
    page.refresh_from_db()
    return {
        "page": page,
        "library": library,
        "representative": representative,
        "own_address": Page.get_url_parts(page)[2],
    }


def test_notice_request_grant_read_withdraw(new_page, login, item):
    page = item["page"]
    outsider_user = UserFactory(display_name="Lucía Fernández")
    outsider = login(new_page(), outsider_user)

    # The outsider finds the notice in the listing and opens it: nothing of the item itself.
    outsider.goto(item["library"].url)
    expect(outsider.get_by_role("link", name=NOTICE)).to_be_visible()
    expect(outsider.get_by_text(TITLE)).to_have_count(0)
    outsider.get_by_role("link", name=NOTICE).click()
    expect(outsider.get_by_role("heading", level=1)).to_have_text(NOTICE)
    expect(outsider.get_by_text(SECRET)).to_have_count(0)
    assert "healing" not in outsider.url
    outsider.get_by_label("Why do you ask for access? (optional)").fill("I restore riverbanks in Loreto.")
    outsider.get_by_role("button", name="Send the request").click()
    request = AccessRequest.objects.get(case_study=page, requester=outsider_user)
    assert request.status == "pending"
    expect(outsider.get_by_text(SECRET)).to_have_count(0)

    # The custodian grants it from the consent page.
    custodian = login(new_page(), item["representative"])
    custodian.goto(page.url)
    expect(custodian.get_by_text(SECRET)).to_be_visible()
    custodian.goto(f"/en/library/consent/case-study/{page.pk}/")
    expect(custodian.get_by_text("I restore riverbanks in Loreto.")).to_be_visible()
    custodian.get_by_role("button", name="Grant access").click()
    request.refresh_from_db()
    assert request.status == "granted"

    # The outsider reads it now.
    outsider.goto(page.url)
    expect(outsider.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(outsider.get_by_text(SECRET)).to_be_visible()

    # The custodian withdraws consent.
    custodian.goto(f"/en/library/consent/case-study/{page.pk}/")
    custodian.get_by_role("link", name="Withdraw consent").click()
    custodian.get_by_label("Why is consent withdrawn?").fill("The council asked us to take it back.")
    custodian.get_by_role("button", name="Save").click()
    assert ConsentRecord.objects.get(case_study=page).status == "withdrawn"

    # Gone from every surface, for the outsider and for anyone: addresses 404, listing, search.
    anonymous = new_page()
    for visitor in (outsider, anonymous):
        for address in (page.url, item["own_address"]):
            response = visitor.goto(address)
            assert response.status == 404, address
            expect(visitor.get_by_text(SECRET)).to_have_count(0)
        visitor.goto(item["library"].url)
        expect(visitor.get_by_text(NOTICE)).to_have_count(0)
        expect(visitor.get_by_text(TITLE)).to_have_count(0)
        visitor.goto("/en/search/?q=medicinal")
        expect(visitor.get_by_role("link", name=NOTICE)).to_have_count(0)
        expect(visitor.get_by_text(TITLE)).to_have_count(0)

    # Its custodian still reads it (to restore it), at its address.
    custodian.goto(page.url)
    expect(custodian.get_by_text(SECRET)).to_be_visible()
