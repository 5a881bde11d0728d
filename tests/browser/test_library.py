"""A traditional-knowledge case study in a real browser (issue #12): its representative writes it on
the site's share form (the story as plain-text sections, a link and a file as resources; a mistake on
the form loses nothing she typed), saves and comes back, previews it and submits it; the holder
community's custodian (herself) approves it on the site's review page and the library editors
publish it. Limited by its consent to the holder community, an outsider sees only its notice and asks
for access; the custodian grants it and the outsider reads it; the custodian withdraws consent and the
item is gone from every surface (its addresses answer 404, the listing and the site search do not
name it, not even by its notice).

The consent record is written by the test (its form is driven in tests/library/test_consent.py), and
the editors' approval is the workflow's own action (the Wagtail admin is not the site)."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect
from wagtail.models import Page

from cop.library.models import AccessRequest, Audience, CaseStudyPage, ConsentRecord
from cop.library.workflow import EDITORS_GROUP
from tests.factories import CommunityPageFactory, MembershipFactory, UserFactory
from tests.library.conftest import make_consent, make_library

pytestmark = pytest.mark.browser

TITLE = "Healing plants of the upper river"
SECRET = "The elders prepare the bark at the new moon"
NOTICE = "Medicinal plant knowledge of the Guardians"
HEADING = "Where the remedies come from"
STORY = f"""## {HEADING}

The **elders** gather bark along the upper river.

> We ask the forest before we take.
> -- Council of elders"""


def _share_on_the_site(tab, library, representative):
    """The representative's part: the share form, a mistake, save, come back, preview, submit."""
    tab.goto(library.url)
    tab.get_by_role("link", name="Share a case study").click()
    tab.locator("#id_title").fill(TITLE)
    tab.locator("#id_summary").fill(SECRET)
    tab.locator("#id_story").fill(STORY)
    tab.locator("#id_solution").fill("Only the holder community's members read this.")
    tab.get_by_label("holds traditional knowledge").check()
    tab.get_by_label("Licence").select_option("cc-by-nc-nd-4.0")  # within the consent to come
    tab.locator("#id_resources-0-title").fill("Seasonal calendar of the harvest")
    tab.locator("#id_resources-0-url").fill("https://example.org/calendar")
    # A mistake: the period ends before it starts. Nothing typed is lost.
    tab.locator("#id_period_start").fill("2020-05-01")
    tab.locator("#id_period_end").fill("2019-05-01")
    tab.get_by_role("button", name="Save the draft").click()
    expect(tab.get_by_text("The period cannot end before it starts.")).to_be_visible()
    expect(tab.locator("#id_story")).to_have_value(STORY)
    expect(tab.locator("#id_resources-0-url")).to_have_value("https://example.org/calendar")
    assert not CaseStudyPage.objects.filter(title=TITLE).exists()
    tab.locator("#id_period_end").fill("2023-05-01")
    tab.locator("#id_resources-1-title").fill("Field notes")
    tab.locator("#id_resources-1-file").set_input_files(
        files=[{"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 field notes"}]
    )
    tab.get_by_role("button", name="Save the draft").click()
    expect(tab.get_by_text("write the consent record of its holder community")).to_be_visible()
    page = CaseStudyPage.objects.get(title=TITLE, submitted_by=representative)
    assert [block.block_type for block in page.story] == ["heading", "paragraph", "quote"]
    assert sorted(page.resources.values_list("title", flat=True)) == [
        "Field notes",
        "Seasonal calendar of the harvest",
    ]
    # Come back later: the draft is listed, and its form holds the story as she wrote it.
    tab.goto("/en/library/mine/")
    expect(tab.get_by_role("heading", name=TITLE)).to_be_visible()
    tab.get_by_role("link", name="Edit", exact=True).click()
    expect(tab.locator("#id_story")).to_have_value(STORY)
    tab.get_by_role("link", name="Preview").click()
    expect(tab.get_by_role("heading", name=HEADING)).to_be_visible()
    expect(tab.get_by_text("We ask the forest before we take.")).to_be_visible()
    expect(tab.get_by_role("link", name="Seasonal calendar of the harvest")).to_be_visible()
    tab.go_back()
    return page


@pytest.fixture
def item(live_url, new_page, login):
    holder = CommunityPageFactory(title="Guardians of the Forest", slug="guardians")
    library = make_library(holder, title="Our case studies", slug="library")
    representative = MembershipFactory(community=holder, user__display_name="Ana Quispe").user
    editor = MembershipFactory(community=holder, user__display_name="Library editor").user
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    tab = login(new_page(), representative)
    page = _share_on_the_site(tab, library, representative)
    make_consent(
        page,
        holder=holder,
        custodians=[representative],
        audience=Audience.COMMUNITIES,
        communities=[holder],
        notice_title=NOTICE,
        notice_summary="Shared with the Guardians' members under their protocol.",
    )
    tab.reload()
    tab.get_by_role("button", name="Submit for review").click()
    expect(tab.get_by_text("Your case study is submitted.")).to_be_visible()
    # The holder community's review, on the site, by its custodian.
    tab.goto(f"/en/library/review/{page.pk}/")
    tab.get_by_label("Approve: the library editors review it next").check()
    tab.get_by_role("button", name="Send my decision").click()
    # The library editors' approval publishes it.
    page = CaseStudyPage.objects.get(pk=page.pk)
    page.current_workflow_task.on_action(page.current_workflow_task_state, editor, "approve")
    page = CaseStudyPage.objects.get(pk=page.pk)
    assert page.live
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
