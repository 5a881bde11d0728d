"""Joining a members-only community in a real browser: a practitioner asks to join, a facilitator
approves from the front end, and the practitioner then sees the members-only content."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from cop.models import Membership
from tests.factories import AnnouncementFactory, CommunityPageFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser

SECRET = "Reading circle: the Potato Park seed-exchange protocol"


@pytest.fixture
def community(live_url):
    community = CommunityPageFactory(
        title="Traditional knowledge and community protocols",
        visibility="members",
        join_policy="approval",
    )
    facilitator = MembershipFactory(
        community=community, role="facilitator", user__display_name="Tupac Mamani"
    ).user
    AnnouncementFactory(community=community, title=SECRET, author=facilitator)
    return {"page": community, "facilitator": facilitator, "url": community.url}


@pytest.mark.parametrize("javascript", [False, True])
def test_request_approval_then_members_only_content(new_page, login, community, javascript):
    requester = UserFactory(display_name="Lucía Fernández")
    practitioner = login(new_page(java_script_enabled=javascript), requester)
    practitioner.goto(community["url"])
    expect(practitioner.get_by_role("heading", level=1)).to_have_text(community["page"].title)
    expect(practitioner.get_by_text(SECRET)).to_have_count(0)
    practitioner.get_by_label("Message to the facilitators").fill("I document seed-exchange rules in Cusco.")
    practitioner.get_by_role("button", name="Ask to join").click()
    expect(practitioner.get_by_role("status")).to_contain_text("Your request was sent.")
    expect(practitioner.get_by_role("button", name="Withdraw my request")).to_be_visible()
    expect(practitioner.get_by_text(SECRET)).to_have_count(0)
    assert [m.to for m in mail.outbox] == [[community["facilitator"].email]]

    facilitator = login(new_page(java_script_enabled=javascript), community["facilitator"])
    facilitator.goto(community["url"])
    facilitator.get_by_role("link", name="Manage the community").click()
    expect(facilitator.get_by_text("I document seed-exchange rules in Cusco.")).to_be_visible()
    facilitator.get_by_role("button", name="Approve Lucía Fernández").click()
    expect(facilitator.get_by_role("status")).to_contain_text("Lucía Fernández is now a member.")
    assert Membership.objects.get(user=requester).status == "active"
    assert mail.outbox[-1].to == [requester.email]

    practitioner.reload()
    expect(practitioner.get_by_text(SECRET)).to_be_visible()
    expect(practitioner.get_by_text("You are a member of this community.")).to_be_visible()
    expect(practitioner.get_by_role("link", name="Tupac Mamani").first).to_be_visible()
