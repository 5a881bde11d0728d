"""The practitioner network in a real browser: a practitioner posts a need, an organiser publishes it
from the moderation queue, the practitioner sees suggested offers with their reasons and expresses
interest in one (a private conversation opens), and the organiser moves the match through the brokered
workflow to completed."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from cop.models import GBFTarget, Language
from cop.network.models import Match, MatchStatus, Need, Profile
from cop.network.permissions import MODERATORS_GROUP
from tests.factories import UserFactory
from tests.network.conftest import make_exchange

pytestmark = pytest.mark.browser


@pytest.fixture
def people(live_url, site_home):
    seeker = UserFactory(display_name="Rosa Seeker", preferred_language="en")
    Profile.objects.create(user=seeker, headline="Wetland restoration in the Andes")
    provider = UserFactory(display_name="Paulo Provider", preferred_language="en")
    Profile.objects.create(user=provider, headline="Trainer in eDNA methods")
    organiser = UserFactory(display_name="Olu Organiser", preferred_language="en")
    organiser.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    offer = make_exchange(
        "offer", provider, title="eDNA training for wetland teams", targets=[4], support_kind="training"
    )
    return {"seeker": seeker, "organiser": organiser, "offer": offer}


def test_need_moderated_matched_and_completed(new_page, login, people):
    seeker = login(new_page(), people["seeker"])
    organiser = login(new_page(), people["organiser"])

    # The practitioner posts a need and sends it for moderation.
    seeker.goto("/en/network/needs/new/")
    seeker.get_by_label("Title").fill("Training in eDNA sampling of wetlands")
    seeker.locator("#id_description").fill("Our rangers need to learn eDNA sampling in high-Andean wetlands.")
    seeker.locator("#id_support_kind").select_option("training")
    target = GBFTarget.objects.get(number=4)
    seeker.locator(f"input[name=gbf_targets][value='{target.pk}']").check()
    seeker.locator("#id_language").select_option(str(Language.objects.get(code="es").pk))
    seeker.get_by_role("button", name="Send for moderation").click()
    expect(seeker.get_by_role("heading", level=1)).to_have_text("Training in eDNA sampling of wetlands")
    need = Need.objects.get(title="Training in eDNA sampling of wetlands")
    assert need.status == "submitted"
    need_url = seeker.url

    # The organiser publishes it from the moderation queue on the site.
    organiser.goto("/en/network/moderation/")
    organiser.get_by_role("link", name="Training in eDNA sampling of wetlands").click()
    organiser.get_by_role("button", name="Publish").click()
    expect(organiser).to_have_url(re.compile(r"/network/moderation/$"))
    need.refresh_from_db()
    assert need.status == "published"

    # The practitioner sees the suggested offer and why it is suggested.
    seeker.goto(need_url)
    suggestions = seeker.locator("section[aria-labelledby=suggestions-heading]")
    expect(suggestions.get_by_role("heading", name="Offers that could answer this need")).to_be_visible()
    card = suggestions.locator("li.card").filter(has_text="eDNA training for wetland teams")
    expect(card.locator("ul li").first).to_be_visible()
    reasons = card.locator("ul li").all_inner_texts()
    assert any(reason.startswith("Both work on Target 4 (+") for reason in reasons), reasons
    assert any("in Spanish" in reason for reason in reasons), reasons  # same kind of support and language
    assert all(re.search(r"\(\+\d+\)$", reason) for reason in reasons), reasons

    # Expressing interest opens a private conversation.
    card.get_by_label("Your first message").fill("Could your team train ours in May?")
    card.get_by_role("button", name="Express interest").click()
    expect(seeker.get_by_text("This conversation is private")).to_be_visible()
    expect(seeker.locator("#messages")).to_contain_text("Could your team train ours in May?")
    match = Match.objects.get(need=need, offer=people["offer"])
    assert match.status == MatchStatus.SUBMITTED
    match_url = seeker.url

    # The organiser moves the match on: clarified, matched, in cooperation, completed with an outcome.
    organiser.goto(match_url)
    for step, label in (
        ("clarified", "Clarified"),
        ("matched", "Matched"),
        ("in_cooperation", "In cooperation"),
        ("completed", "Completed"),
    ):
        organiser.get_by_label("Move to").select_option(step)
        if step == "completed":
            organiser.get_by_label("Outcome").fill("Twelve rangers trained; sampling started in June.")
        organiser.get_by_role("button", name="Move on").click()
        expect(organiser.get_by_text(f"Step: {label}")).to_be_visible()
    match.refresh_from_db()
    assert match.status == MatchStatus.COMPLETED
    assert match.outcome == "Twelve rangers trained; sampling started in June."

    # The practitioner sees the same step and the outcome.
    seeker.goto(match_url)
    expect(seeker.get_by_text("Step: Completed")).to_be_visible()
    expect(seeker.get_by_text("Twelve rangers trained; sampling started in June.")).to_be_visible()
