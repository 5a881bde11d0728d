"""Security of the practitioner network, from outside through the client: claim links (the wrong
account, replays, merges that keep the claimer's data, no enumeration, rate limits), CSRF on every
state-changing view and no side effect on GET, organiser-only pages and the Wagtail admin refused to
others, stale workflow steps, and the contact relay (address hidden, no header injection, lengths)."""

import json
import re
from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from cop.models import GBFTarget
from cop.network.models import (
    ContactMessage,
    CuratedEntry,
    ExchangeStatus,
    FocalPointClaim,
    Match,
    MatchMessage,
    MatchStatus,
    Organisation,
    Profile,
)
from cop.network.permissions import MODERATORS_GROUP, is_network_organiser
from cop.network.services.curated import claim_token, curated_entry_create
from cop.network.urls import urlpatterns
from tests.factories import UserFactory

from .conftest import make_exchange

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    """The practitioner the curated entry is about; their account holds the entry's address."""
    return UserFactory(display_name="Ana Rojas", email="ana@humedales.example")


@pytest.fixture
def entry(moderator):
    return curated_entry_create(
        by=moderator,
        values={
            "name": "Ana Rojas (curated)",
            "email": "Ana@Humedales.example",
            "headline": "Peatland restoration advisor",
            "country": "PE",
            "bio": "From the organisers' notes.",
            "gbf_targets": GBFTarget.objects.filter(number__in=[2, 11]),
        },
        invite=False,
    )


def as_user(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


# CLAIM LINKS ----


def test_a_claim_signed_in_as_another_account_is_refused_in_the_users_language(entry, person):
    other = UserFactory(display_name="Someone Else", country="")
    url = f"/en/network/claim/{claim_token(entry)}/"
    client = as_user(other)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 403
        assert "belongs to another account" in response.content.decode()
    french = client.get(f"/fr/network/claim/{claim_token(entry)}/")
    assert french.status_code == 403 and '<html lang="fr"' in french.content.decode()
    entry.refresh_from_db()
    other.refresh_from_db()
    assert not entry.is_claimed and entry.merge_log == []
    assert other.display_name == "Someone Else" and not other.country
    assert not Profile.objects.filter(user=other).exists()
    # The account that holds the address claims it.
    assert as_user(person).post(url).status_code == 302
    entry.refresh_from_db()
    assert entry.claimed_by == person


def test_an_unverified_address_on_another_account_does_not_block_the_link_holder(entry):
    squatter = UserFactory(email="someone@example.org")
    EmailAddress.objects.create(user=squatter, email="ana@humedales.example", verified=False)
    holder = UserFactory()
    assert as_user(holder).post(f"/en/network/claim/{claim_token(entry)}/").status_code == 302
    entry.refresh_from_db()
    assert entry.claimed_by == holder


def test_a_link_used_after_the_merge_is_409_for_everyone_and_changes_nothing(entry, person):
    url = f"/en/network/claim/{claim_token(entry)}/"
    assert as_user(person).post(url).status_code == 302
    entry.refresh_from_db()
    log = entry.merge_log
    for client in (as_user(), as_user(person), as_user(UserFactory())):
        assert client.get(url).status_code == 409
        response = client.post(url)
        assert response.status_code == 409 and "already claimed" in response.content.decode()
    entry.refresh_from_db()
    assert entry.claimed_by == person and entry.merge_log == log


def test_the_merge_never_overwrites_the_claimers_own_data(entry, person, moderator):
    organisation = Organisation.objects.create(name="My own network", kind="network")
    person.bio = "My own words."
    person.country = "BO"
    person.save()
    person.expertise.set(GBFTarget.objects.filter(number=3))
    Profile.objects.create(user=person, headline="My own headline", organisation_record=organisation)
    mine = make_exchange("need", person, title="My own need")
    theirs = make_exchange("offer", moderator, title="Offer for the entry")
    type(theirs).objects.filter(pk=theirs.pk).update(curated_entry=entry)
    assert as_user(person).post(f"/en/network/claim/{claim_token(entry)}/").status_code == 302
    person.refresh_from_db()
    profile = Profile.objects.get(user=person)
    assert person.display_name == "Ana Rojas" and person.bio == "My own words."
    assert str(person.country) == "BO"
    assert profile.headline == "My own headline" and profile.organisation_record == organisation
    assert sorted(person.expertise.values_list("number", flat=True)) == [2, 3, 11]
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.author == person and theirs.author == person


def test_the_claim_page_does_not_tell_a_visitor_whether_the_address_has_an_account(moderator, person):
    """Signed out, a link for an address with an account and one without look alike."""
    values = {"headline": "Advisor", "country": "PE"}
    with_account = curated_entry_create(
        by=moderator, values={**values, "name": "Entry A", "email": person.email}, invite=False
    )
    without = curated_entry_create(
        by=moderator, values={**values, "name": "Entry A", "email": "nobody@example.org"}, invite=False
    )
    pages = []
    for entry in (with_account, without):
        token = claim_token(entry)
        response = Client().get(f"/en/network/claim/{token}/")
        assert response.status_code == 200
        page = response.content.decode().replace(quote(token, safe=""), "T").replace(token, "T")
        pages.append(re.sub(r'(csrfmiddlewaretoken" value=")[^"]*', r"\1", page))
    assert pages[0] == pages[1]
    assert person.email not in pages[0]


def test_reinviting_an_entry_is_rate_limited_with_when_to_retry(entry, moderator, settings):
    settings.NETWORK_CLAIM_INVITE_RATE_LIMITS = {"hour": (3600, 2)}
    client = as_user(moderator)
    url = f"/en/network/curated/{entry.pk}/invite/"
    assert [client.post(url).status_code for _ in range(2)] == [302, 302]
    invited_at = CuratedEntry.objects.get(pk=entry.pk).invited_at
    response = client.post(url)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600 + 60
    assert "Please wait" in response.content.decode()
    assert CuratedEntry.objects.get(pk=entry.pk).invited_at == invited_at


def test_focal_point_requests_are_rate_limited_with_when_to_retry(settings):
    settings.NETWORK_FOCAL_POINT_CLAIM_RATE_LIMITS = {"hour": (3600, 2)}
    organisations = [Organisation.objects.create(name=f"Network {n}", kind="network") for n in range(3)]
    client = as_user(UserFactory())
    statuses = [
        client.post(f"/en/network/organisations/{o.pk}/claim/", {"message": "I coordinate it."})
        for o in organisations
    ]
    assert [response.status_code for response in statuses] == [302, 302, 429]
    assert int(statuses[-1]["Retry-After"]) > 0 and "Please wait" in statuses[-1].content.decode()
    assert FocalPointClaim.objects.count() == 2


# CSRF AND SIDE EFFECTS ----


@pytest.fixture
def world(moderator, person, entry):
    """One of everything the network's URLs name; `person` is a side of the match and a focal point."""
    organisation = Organisation.objects.create(name="Red de Humedales", kind="network")
    organisation.focal_points.add(person)
    need = make_exchange("need", person, title="Peat mapping", organisation=organisation)
    offer = make_exchange("offer", UserFactory(), title="Peat courses")
    match = Match.objects.create(need=need, offer=offer, created_by=person)
    MatchMessage.objects.create(match=match, author=person, body="Hello")
    claim = FocalPointClaim.objects.create(organisation=organisation, user=UserFactory(), message="Me")
    Profile.objects.create(user=person, headline="Peatlands")
    return {
        "user_id": person.pk,
        "organisation_id": organisation.pk,
        "claim_id": claim.pk,
        "match_id": match.pk,
        "entry_id": entry.pk,
        "token": claim_token(entry),
        "need": need.pk,
        "offer": offer.pk,
    }


def url_kwargs(pattern, world) -> dict:
    kind = pattern.default_args.get("kind")
    other = {"need": "offer", "offer": "need"}.get(kind)
    values = {**world, "item_id": world.get(kind), "other_id": world.get(other)}
    return {name: values[name] for name in pattern.pattern.converters}


def snapshot() -> dict:
    """Every row of the network's tables, the accounts, their addresses and the e-mail sent."""
    models = [*apps.get_app_config("cop_network").get_models(), get_user_model(), EmailAddress]
    state = {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}
    state["mail"] = len(mail.outbox)
    return state


POSTS = {  # plausible form data, so only the missing CSRF token can refuse it
    "contact": {"subject": "Hi", "body": "Hello"},
    "organisation_claim": {"message": "I coordinate it."},
    "claim_decide": {"decision": "approve"},
    "match_transition": {"to": "clarified", "seen_status": "submitted"},
    "match_agree": {"agree": "yes"},
    "match": {"body": "A message"},
    "my_data": {"password": "correct horse battery staple", "confirm": "on"},
}


@pytest.mark.parametrize("pattern", urlpatterns, ids=[p.name for p in urlpatterns])
def test_get_changes_nothing_and_post_without_a_csrf_token_is_refused(pattern, world, moderator, person):
    url = reverse(f"cop_network:{pattern.name}", kwargs=url_kwargs(pattern, world))
    readers = [as_user(viewer) for viewer in (None, person, moderator)]
    writers = [as_user(viewer, enforce_csrf_checks=True) for viewer in (person, moderator)]
    before = snapshot()  # after signing in, which records the time of the last login
    for client in readers:
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        assert snapshot() == before, f"GET {url} changed data"
    for client in writers:
        response = client.post(url, POSTS.get(pattern.name, {"decision": "approve", "note": "x"}))
        assert response.status_code == 403, (url, response.status_code)
        assert "form expired" in response.content.decode()
        assert snapshot() == before, f"POST {url} without a CSRF token changed data"


def test_no_network_view_is_csrf_exempt():
    assert not [p.name for p in urlpatterns if getattr(p.callback, "csrf_exempt", False)]


# ORGANISER-ONLY PAGES AND THE ADMIN ----

ORGANISER_PAGES = [
    ("get", "/en/network/export.csv"),
    ("get", "/en/network/claims/"),
    ("get", "/en/network/moderation/"),
    ("get", "/en/network/curated/"),
    ("get", "/en/network/matches/"),
    ("post", "/en/network/curated/{entry_id}/invite/"),
    ("post", "/en/network/claims/{claim_id}/decide/"),
    ("post", "/en/network/matches/{match_id}/step/"),
]


@pytest.mark.parametrize(("method", "path"), ORGANISER_PAGES)
@pytest.mark.parametrize("viewer", ["member", "focal point and side"])
def test_organiser_pages_are_refused_to_others(world, person, method, path, viewer):
    client = as_user(UserFactory() if viewer == "member" else person)
    before = snapshot()
    response = getattr(client, method)(
        path.format(**world), {"to": "clarified", "seen_status": "submitted", "decision": "approve"}
    )
    if viewer == "member" and "/matches/" in path and "/step/" in path:
        assert response.status_code == 404  # a match is not even shown to those outside it
    else:
        assert response.status_code == 403
        assert "moderators and site staff" in response.content.decode()
    assert snapshot() == before


ADMIN_URLS = [
    "/admin/snippets/cop_network/{model}/",
    "/admin/snippets/cop_network/{model}/add/",
    "/admin/snippets/cop_network/{model}/edit/{pk}/",
    "/admin/snippets/cop_network/{model}/history/{pk}/",
    "/admin/snippets/cop_network/{model}/usage/{pk}/",
    "/admin/snippets/choose/cop_network/{model}/",
    "/admin/snippets/choose/cop_network/{model}/results/",
    "/admin/snippets/choose/cop_network/{model}/chosen/{pk}/",
    "/django-admin/",
]


def test_the_admin_shows_no_network_record_to_members_focal_points_or_other_editors(world, person):
    draft = make_exchange("need", person, title="Unpublished zqx need", status=ExchangeStatus.DRAFT)
    match = Match.objects.get(pk=world["match_id"])
    editor = UserFactory()  # may use the admin (a library editor), no right on the network's models
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for user in (UserFactory(), person, editor):
        client = as_user(user)
        for model, pk in (("need", draft.pk), ("offer", world["offer"]), ("match", match.pk)):
            for template in ADMIN_URLS:
                response = client.get(template.format(model=model, pk=pk))
                assert response.status_code in (302, 403), (user, template, model)
                body = response.content.decode()
                assert "zqx" not in body and "Peat courses" not in body


def test_the_admin_chooser_still_serves_those_with_a_right_on_the_model(person):
    make_exchange("need", person, title="Unpublished zqx need", status=ExchangeStatus.DRAFT)
    organiser = UserFactory()
    organiser.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_need", content_type__app_label="cop_network"),
    )
    response = as_user(organiser).get("/admin/snippets/choose/cop_network/need/")
    assert response.status_code == 200 and "zqx" in response.content.decode()


def test_a_stale_step_by_a_second_organiser_is_409_and_loses_nothing(world, moderator):
    second = UserFactory(is_staff=True)
    url = f"/en/network/matches/{world['match_id']}/step/"
    first = as_user(moderator).post(
        url,
        {"to": "clarified", "seen_status": "submitted", "outcome": "Scope agreed", "report": "Call held."},
    )
    assert first.status_code == 302
    response = as_user(second).post(url, {"to": "closed", "seen_status": "submitted", "outcome": ""})
    assert response.status_code == 409
    assert "Someone moved this match on" in response.content.decode()
    match = Match.objects.get(pk=world["match_id"])
    assert match.status == MatchStatus.CLARIFIED
    assert match.outcome == "Scope agreed" and match.report == "Call held."


def test_an_edit_sent_after_the_moderator_published_it_is_409_and_keeps_the_decision(moderator):
    author = UserFactory()
    need = make_exchange("need", author, title="Seed banks", status=ExchangeStatus.SUBMITTED)
    client = as_user(author)
    form = client.get(f"/en/network/needs/{need.pk}/edit/")
    assert form.status_code == 200
    assert (
        as_user(moderator).post(f"/en/network/needs/{need.pk}/moderate/", {"decision": "approve"}).status_code
        == 302
    )
    data = {
        "title": "Seed banks, edited",
        "description": "More.",
        "support_kind": "training",
        "language": need.language_id,
        "urgency": "high",
        "submit": "1",
    }
    response = client.post(f"/en/network/needs/{need.pk}/edit/", data)
    assert response.status_code == 409 and "reload the page" in response.content.decode()
    need.refresh_from_db()
    assert need.status == ExchangeStatus.PUBLISHED and need.moderated_by == moderator
    assert need.title == "Seed banks"


# CONTACT RELAY ----


@pytest.fixture
def recipient(db):
    person = UserFactory(display_name="Lucía Fernández", email="lucia.private@km4b.test")
    Profile.objects.create(user=person, headline="Wetland ecologist")
    return person


def test_the_sender_never_learns_the_address(recipient, django_capture_on_commit_callbacks):
    sender = UserFactory(display_name="James Okello")
    client = as_user(sender)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/people/{recipient.pk}/contact/", {"subject": "Wetland data", "body": "Compare notes?"}
        )
    assert response.status_code == 302
    pages = [
        client.get(response["Location"], follow=True).content.decode(),
        client.get(f"/en/people/{recipient.pk}/contact/").content.decode(),
        client.get(f"/en/people/{recipient.pk}/murmurations.json").content.decode(),
        client.get("/en/me/data/download/").content.decode(),
    ]
    assert not [page for page in pages if "lucia.private" in page]
    (message,) = mail.outbox
    assert message.recipients() == [recipient.email]
    assert message.extra_headers["Reply-To"] == sender.email


def test_no_header_injection_through_the_subject_or_the_senders_name(
    recipient, django_capture_on_commit_callbacks
):
    sender = UserFactory(display_name="Eve\r\nBcc: name@evil.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(sender).post(
            f"/en/people/{recipient.pk}/contact/",
            {"subject": "Tom & Jerry\r\nBcc: subject@evil.example\nX-Extra: 1", "body": "Hello"},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.recipients() == [recipient.email]
    headers = message.message()
    assert headers["Bcc"] is None and headers["X-Extra"] is None
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Tom & Jerry" in message.subject  # plain text, not HTML-escaped


@pytest.mark.parametrize(("field", "length"), [("subject", 151), ("body", 5001)])
def test_an_over_long_message_is_400_with_a_message_and_nothing_sent(recipient, field, length):
    data = {"subject": "Hi", "body": "Hello", field: "x" * length}
    response = as_user(UserFactory()).post(f"/en/people/{recipient.pk}/contact/", data)
    assert response.status_code == 400
    assert "at most" in response.content.decode()
    assert not ContactMessage.objects.exists()


def test_download_of_my_data_names_contacts_without_their_addresses(recipient):
    sender = UserFactory()
    ContactMessage.objects.create(sender=sender, recipient=recipient, subject="Hi", body="Hello")
    document = json.loads(as_user(sender).get("/en/me/data/download/").content)
    assert document["network"]["contact_messages"]["sent"][0]["to"] == "Lucía Fernández"
    assert recipient.email not in json.dumps(document)


# INTEREST ----


def test_opening_conversations_is_rate_limited_and_an_open_one_stays_reachable(settings):
    settings.NETWORK_INTEREST_RATE_LIMITS = {"hour": (3600, 2)}
    me = UserFactory()
    mine = make_exchange("need", me, title="My need")
    offers = [make_exchange("offer", UserFactory(), title=f"Offer {n}") for n in range(3)]
    client = as_user(me)

    def interest(offer):
        return client.post(
            f"/en/network/offers/{offer.pk}/interest/", {"interest-mine": mine.pk, "interest-message": "Hi"}
        )

    assert [interest(offer).status_code for offer in offers[:2]] == [302, 302]
    response = interest(offers[2])
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0 and "Please wait" in response.content.decode()
    assert Match.objects.count() == 2
    assert interest(offers[0]).status_code == 302  # the conversation already open is not limited
    assert MatchMessage.objects.filter(match__offer=offers[0]).count() == 2


# DATA RIGHTS ----


def test_password_guesses_on_delete_my_account_are_rate_limited(settings):
    settings.NETWORK_ACCOUNT_DELETE_RATE_LIMITS = {"hour": (3600, 3)}
    me = UserFactory()
    client = as_user(me)
    guesses = [client.post("/en/me/data/", {"password": f"guess {n}", "confirm": "on"}) for n in range(3)]
    assert [response.status_code for response in guesses] == [400, 400, 400]
    response = client.post("/en/me/data/", {"password": "correct horse battery staple", "confirm": "on"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0 and "Please wait" in response.content.decode()
    me.refresh_from_db()
    assert me.is_active and not me.is_former_member


def test_network_organisers_are_the_moderators_group_and_staff_read_once_per_request(db):
    """cop.network.permissions.is_network_organiser: its compiled lookup answers as the ORM would."""
    person, other = UserFactory(), UserFactory()
    Group.objects.create(name="Another group").user_set.add(other)
    assert not is_network_organiser(person) and not is_network_organiser(other)
    Group.objects.get_or_create(name=MODERATORS_GROUP)[0].user_set.add(person)
    assert is_network_organiser(get_user_model().objects.get(pk=person.pk))
    assert not is_network_organiser(get_user_model().objects.get(pk=other.pk))
    assert is_network_organiser(UserFactory(is_staff=True))
    assert not is_network_organiser(AnonymousUser())
