"""Matchmaking: suggestions ranked by a transparent score with their reasons in words, in constant
queries; "not relevant" hides one; interest opens a conversation only the two sides and organisers
read; organisers run the workflow in order; completed cooperations are public when both sides agree."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cop.network.exceptions import StaleTransition, TransitionRefused
from cop.network.matching import match_suggestions
from cop.network.models import ExchangeStatus, Match, MatchFeedback, MatchStatus, Organisation
from cop.network.services.matches import match_transition
from tests.factories import UserFactory

from .conftest import make_exchange

pytestmark = pytest.mark.django_db


@pytest.fixture
def need(db):
    return make_exchange(
        "need",
        UserFactory(display_name="Rosa Quispe"),
        title="Training on wetland monitoring",
        support_kind="training",
        language="es",
        targets=[3, 21],
        components=["capacity"],
        country="PE",
        expires_on=date.today() + timedelta(days=60),
    )


def reasons(suggestion):
    return [reason.text for reason in suggestion.reasons]


def test_suggestions_are_ranked_and_explained(need):
    provider = UserFactory()
    best = make_exchange(
        "offer",
        provider,
        title="Wetland courses",
        support_kind="training",
        language="es",
        targets=[3, 21],
        components=["capacity"],
        country="PE",
    )
    regional = make_exchange(
        "offer",
        provider,
        title="Advice from Bolivia",
        support_kind="advice",
        language="es",
        targets=[3],
        country="BO",
        expires_on=date.today() + timedelta(days=90),
    )
    weak = make_exchange(
        "offer", provider, title="French data", support_kind="data", language="fr", targets=[21]
    )
    make_exchange(
        "offer", provider, title="Unrelated funding", support_kind="funding", language="fr", targets=[8]
    )
    make_exchange(
        "offer",
        provider,
        title="Expired",
        support_kind="training",
        language="es",
        targets=[3],
        expires_on=date.today() - timedelta(days=1),
    )
    make_exchange(
        "offer",
        provider,
        title="Not yet moderated",
        support_kind="training",
        language="es",
        targets=[3],
        status=ExchangeStatus.SUBMITTED,
    )
    make_exchange(
        "offer", need.author, title="My own offer", support_kind="training", language="es", targets=[3]
    )

    suggestions = match_suggestions(need)

    assert [s.item for s in suggestions] == [best, regional, weak]
    assert reasons(suggestions[0]) == [
        "Both work on Targets 3 and 21",
        "Both cover Capacity development",
        "Offers training in Spanish",
        "Both in Peru",
        "No closing date",
    ]
    assert suggestions[0].score == 3 * 2 + 2 + 4 + 2 + 2 + 1
    assert reasons(suggestions[1])[:3] == [
        "Both work on Target 3",
        "Works in Spanish",
        "Both in South America",
    ]
    assert reasons(suggestions[1])[3].startswith("Open until ")
    assert suggestions[1].score == 3 + 2 + 1 + 1
    assert reasons(suggestions[2]) == ["Both work on Target 21", "No closing date"]
    assert all(s.score == sum(r.points for r in s.reasons) for s in suggestions)


def test_suggestions_for_an_offer_are_needs(need):
    offer = make_exchange(
        "offer", UserFactory(), title="Courses", support_kind="training", language="es", targets=[3]
    )
    (suggestion,) = match_suggestions(offer)
    assert suggestion.item == need
    assert "Needs training in Spanish" in reasons(suggestion)


def test_suggestions_queries_do_not_grow_with_candidates(need):
    provider = UserFactory()

    def make(count):
        for index in range(count):
            make_exchange(
                "offer",
                provider,
                title=f"Offer {index}",
                support_kind="training",
                language="es",
                targets=[3, 21],
                components=["capacity"],
                country="BO",
            )

    make(3)
    with CaptureQueriesContext(connection) as few:
        match_suggestions(need, viewer=need.author)
    make(40)
    with CaptureQueriesContext(connection) as many:
        result = match_suggestions(need, viewer=need.author)
    assert len(result) == 10
    assert len(many.captured_queries) == len(few.captured_queries) <= 8


def test_not_relevant_hides_a_suggestion_for_that_person_only(client, need, moderator):
    offer = make_exchange(
        "offer", UserFactory(), title="Wetland courses", support_kind="training", language="es", targets=[3]
    )
    client.force_login(need.author)
    page = client.get(f"/en/network/needs/{need.pk}/").content.decode()
    assert "Wetland courses" in page and "Offers training in Spanish" in page
    assert client.post(f"/en/network/needs/{need.pk}/hide/{offer.pk}/").status_code == 302
    assert MatchFeedback.objects.filter(user=need.author, need=need, offer=offer).exists()
    assert "Wetland courses" not in client.get(f"/en/network/needs/{need.pk}/").content.decode()
    assert [s.item for s in match_suggestions(need, viewer=moderator)] == [offer]


def test_only_its_side_and_organisers_see_suggestions(client, need):
    make_exchange(
        "offer", UserFactory(), title="Wetland courses", support_kind="training", language="es", targets=[3]
    )
    assert "Wetland courses" not in client.get(f"/en/network/needs/{need.pk}/").content.decode()
    client.force_login(UserFactory())
    assert "Wetland courses" not in client.get(f"/en/network/needs/{need.pk}/").content.decode()
    assert client.post(f"/en/network/needs/{need.pk}/hide/1/").status_code == 403


@pytest.fixture
def conversation(client, need, django_capture_on_commit_callbacks):
    provider = UserFactory(display_name="Carlos Mendoza")
    offer = make_exchange(
        "offer", provider, title="Wetland courses", support_kind="training", language="es", targets=[3]
    )
    client.force_login(need.author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/network/offers/{offer.pk}/interest/",
            {"interest-mine": need.pk, "interest-message": "Could your course come to **Cusco**?"},
        )
    match = Match.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/network/matches/{match.pk}/")
    return match


def test_expressing_interest_opens_a_private_conversation_and_tells_the_other_side(
    client, conversation, moderator
):
    match = conversation
    assert match.status == MatchStatus.SUBMITTED
    (notice,) = mail.outbox
    assert notice.to == [match.offer.author.email]
    assert "Training on wetland monitoring" in notice.subject
    assert "Cusco" not in notice.body  # the message stays on the platform, behind a login
    page = client.get(f"/en/network/matches/{match.pk}/").content.decode()
    assert "<strong>Cusco</strong>" in page  # Markdown through cop.markup
    for reader in (match.offer.author, moderator):
        client.force_login(reader)
        assert client.get(f"/en/network/matches/{match.pk}/").status_code == 200
    client.force_login(UserFactory())
    assert client.get(f"/en/network/matches/{match.pk}/").status_code == 404
    assert client.post(f"/en/network/matches/{match.pk}/", {"body": "Let me in"}).status_code == 404
    client.logout()
    assert client.get(f"/en/network/matches/{match.pk}/").status_code == 302


def test_focal_points_of_the_organisation_are_on_its_side(client, need):
    organisation = Organisation.objects.create(name="Andean Trust", kind="organisation")
    focal = UserFactory()
    organisation.focal_points.add(focal)
    offer = make_exchange(
        "offer",
        UserFactory(),
        title="Courses",
        support_kind="training",
        language="es",
        targets=[3],
        organisation=organisation,
    )
    match = Match.objects.create(need=need, offer=offer)
    client.force_login(focal)
    assert client.get(f"/en/network/matches/{match.pk}/").status_code == 200


def test_interest_only_from_ones_own_published_item(client, need):
    offer = make_exchange(
        "offer", UserFactory(), title="Courses", support_kind="training", language="es", targets=[3]
    )
    stranger = UserFactory()
    client.force_login(stranger)
    response = client.post(
        f"/en/network/offers/{offer.pk}/interest/", {"interest-mine": need.pk, "interest-message": "Hi"}
    )
    assert (
        response.status_code == 302 and not Match.objects.exists()
    )  # not among their items: the form says so
    draft = make_exchange("need", stranger, title="Draft need", status=ExchangeStatus.DRAFT)
    client.post(
        f"/en/network/offers/{offer.pk}/interest/", {"interest-mine": draft.pk, "interest-message": "Hi"}
    )
    assert not Match.objects.exists()


def test_workflow_runs_in_order_for_organisers_only(client, conversation, moderator):
    match = conversation
    url = f"/en/network/matches/{match.pk}/step/"
    client.force_login(match.offer.author)
    assert client.post(url, {"to": "clarified", "seen_status": "submitted"}).status_code == 403
    client.force_login(moderator)
    assert client.post(url, {"to": "matched", "seen_status": "submitted"}).status_code == 409  # skips a step
    steps = ["clarified", "matched", "in_cooperation", "completed"]
    seen = "submitted"
    for step in steps:
        response = client.post(
            url,
            {
                "to": step,
                "seen_status": seen,
                "outcome": "Course held in Cusco",
                "report": "20 rangers trained.",
            },
        )
        assert response.status_code == 302
        seen = step
    match.refresh_from_db()
    assert match.status == MatchStatus.COMPLETED and match.outcome == "Course held in Cusco"
    response = client.post(url, {"to": "closed", "seen_status": "completed"})
    assert response.status_code == 409 and "cannot move to that step" in response.content.decode()


@pytest.mark.parametrize(
    ("current", "to", "allowed"),
    [
        ("submitted", "clarified", True),
        ("submitted", "closed", True),
        ("submitted", "in_cooperation", False),
        ("clarified", "matched", True),
        ("clarified", "submitted", False),
        ("matched", "in_cooperation", True),
        ("matched", "completed", False),
        ("in_cooperation", "completed", True),
        ("in_cooperation", "closed", True),
        ("completed", "closed", False),
        ("closed", "submitted", False),
    ],
)
def test_every_transition(need, moderator, current, to, allowed):
    offer = make_exchange("offer", UserFactory(), title="Courses", support_kind="training", language="es")
    match = Match.objects.create(need=need, offer=offer, status=current)
    if allowed:
        assert match_transition(match=match, by=moderator, to=to, seen_status=current).status == to
    else:
        with pytest.raises(TransitionRefused) as refused:
            match_transition(match=match, by=moderator, to=to, seen_status=current)
        assert refused.value.status == 409


def test_a_stale_transition_changes_nothing(need, moderator):
    offer = make_exchange("offer", UserFactory(), title="Courses", support_kind="training", language="es")
    match = Match.objects.create(need=need, offer=offer, status=MatchStatus.CLARIFIED)
    with pytest.raises(StaleTransition) as stale:
        match_transition(match=match, by=moderator, to="clarified", seen_status="submitted")
    assert stale.value.status == 409
    match.refresh_from_db()
    assert match.status == MatchStatus.CLARIFIED


def test_completed_cooperation_is_public_only_when_both_sides_agree(client, conversation):
    match = conversation
    Match.objects.filter(pk=match.pk).update(status=MatchStatus.COMPLETED, outcome="Twenty rangers trained")
    assert "Twenty rangers trained" not in client.get("/en/network/cooperations/").content.decode()
    client.force_login(match.need.author)
    client.post(f"/en/network/matches/{match.pk}/public/", {"agree": "yes"})
    assert "Twenty rangers trained" not in client.get("/en/network/cooperations/").content.decode()
    client.force_login(match.offer.author)
    client.post(f"/en/network/matches/{match.pk}/public/", {"agree": "yes"})
    client.logout()
    assert "Twenty rangers trained" in client.get("/en/network/cooperations/").content.decode()
    client.force_login(UserFactory())
    assert client.post(f"/en/network/matches/{match.pk}/public/", {"agree": "no"}).status_code == 404


def test_match_page_queries_do_not_grow_with_messages(client, conversation):
    from cop.network.models import MatchMessage

    match = conversation
    url = f"/en/network/matches/{match.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(20):
        MatchMessage.objects.create(match=match, author=match.offer.author, body=f"Reply {index}")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "Reply 19" in html
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_focal_point_expresses_interest_from_the_organisations_offer(client, need):
    organisation = Organisation.objects.create(name="Andean Trust", kind="organisation")
    colleague, focal = UserFactory(), UserFactory()
    organisation.focal_points.add(colleague, focal)
    offer = make_exchange(
        "offer", colleague, title="Courses", support_kind="training", language="es", organisation=organisation
    )
    client.force_login(focal)
    response = client.post(
        f"/en/network/needs/{need.pk}/interest/",
        {"interest-mine": offer.pk, "interest-message": "We can help."},
    )
    match = Match.objects.get()
    assert response["Location"].endswith(f"/network/matches/{match.pk}/")
    assert (match.need, match.offer) == (need, offer)


def test_the_need_page_offers_interest_from_ones_published_offers(client, need):
    provider = UserFactory()
    client.force_login(provider)
    assert "post an offer first" in client.get(f"/en/network/needs/{need.pk}/").content.decode()
    make_exchange("offer", provider, title="Wetland courses", support_kind="training", language="es")
    html = client.get(f"/en/network/needs/{need.pk}/").content.decode()
    assert "Open a private conversation" in html and "Wetland courses" in html


def _ranking(suggestions):
    return [(s.item.pk, s.score, reasons(s)) for s in suggestions]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_suggestions_read_by_shared_vocabulary_equal_the_full_scan(need, monkeypatch, seed):
    """Only candidates sharing enough targets and components are read (matching._best_sharing_
    vocabulary); the ranking, scores and reasons are those of scoring every candidate, ties included."""
    import random

    from cop.network import matching

    rng = random.Random(seed)
    providers = [UserFactory() for _ in range(4)]
    for index in range(120):
        make_exchange(
            "offer" if index < 90 else "need",
            rng.choice(providers),
            title=f"Offer {index}",
            support_kind=rng.choice(["training", "advice", "data"]),
            language=rng.choice(["es", "en", "fr"]),
            targets=rng.sample([3, 5, 11, 21, 22], rng.randint(0, 3)),
            components=rng.sample(["capacity", "sharing", "data"], rng.randint(0, 2)),
            country=rng.choice(["PE", "BO", "KE", "FR", ""]),
            expires_on=rng.choice([None, date.today() + timedelta(days=rng.randint(1, 120))]),
        )
    for index in range(12):  # strong candidates, tied in score: the list is decided among few
        make_exchange(
            "offer",
            providers[0],
            title=f"Strong offer {index}",
            targets=[3, 21],
            components=["capacity"],
            country=rng.choice(["PE", "BO"]),
        )
    offer = make_exchange("offer", providers[0], title="An offer", targets=[3, 5], components=["data"])
    read = []
    original = matching._best_sharing_vocabulary

    def spy(*args):
        result = original(*args)
        read.append(result is not None)
        return result

    for item, limit in ((need, 10), (need, 3), (need, 1), (offer, 5)):
        monkeypatch.setattr(matching, "_best_sharing_vocabulary", spy)
        shortcut = _ranking(match_suggestions(item, viewer=item.author, limit=limit))
        monkeypatch.setattr(matching, "PREFILTER_MAX", 0)  # every candidate read and scored
        full = _ranking(match_suggestions(item, viewer=item.author, limit=limit))
        monkeypatch.undo()
        assert shortcut == full and len(full) == limit
    assert any(read)  # the shortcut was taken, not only the full scan
