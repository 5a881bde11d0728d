"""Data rights: "Download my data" holds my data and not others'; deleting my account (password
confirmed) keeps threads, posts (shown as by a "former member"), events, case studies and matches;
the organisers' CSV export honours each part's visibility, never shows an address, and defuses
spreadsheet formulas."""

import csv
import io
import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from cop.network.models import ContactMessage, ExchangeStatus, Match, MatchMessage, Profile
from cop.network.views.data_rights import safe_cell
from forums.models import Post, Thread
from tests.factories import BoardFactory, EventPageFactory, UserFactory, forums_bulk_replies, forums_thread
from tests.library.conftest import make_case_study, make_library

from .conftest import make_exchange

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def me():
    person = UserFactory(display_name="Amina Diallo", email="amina@km4b.test", bio="Mangrove restoration")
    Profile.objects.create(user=person, headline="Mangrove ecologist", bio_visibility="nobody")
    return person


@pytest.fixture
def other():
    return UserFactory(display_name="Kwame Asante", email="kwame@km4b.test")


@pytest.fixture
def world(me, other):
    board = BoardFactory()
    their_thread = forums_thread(
        board=board, author=other, title="Seagrass monitoring", body="Their question"
    )
    forums_bulk_replies(their_thread, 1, author=me, body="My answer about seagrass")
    my_thread = forums_thread(board=board, author=me, title="Mangrove nurseries", body="My own thread")
    forums_bulk_replies(my_thread, 1, author=other, body="Their reply in my thread")
    need = make_exchange("need", me, title="Mangrove mapping training")
    offer = make_exchange("offer", other, title="Drone mapping course")
    match = Match.objects.create(need=need, offer=offer, created_by=other)
    MatchMessage.objects.create(match=match, author=other, body="Happy to help with drones")
    MatchMessage.objects.create(match=match, author=me, body="Thank you, next week?")
    ContactMessage.objects.create(sender=other, recipient=me, subject="Hello", body="A note for Amina")
    make_exchange("need", other, title="Someone else's need")
    return {
        "their_thread": their_thread,
        "my_thread": my_thread,
        "need": need,
        "offer": offer,
        "match": match,
    }


def test_download_holds_my_data_and_not_others(client, me, other, world):
    client.force_login(me)
    response = client.get("/en/me/data/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert {"account", "memberships", "forums", "events", "network", "library"} <= set(data)
    assert data["account"]["email"] == "amina@km4b.test" and data["account"]["bio"] == "Mangrove restoration"
    assert data["network"]["profile"]["headline"] == "Mangrove ecologist"
    assert data["network"]["profile"]["visibility"]["bio"] == "nobody"
    assert [need["title"] for need in data["network"]["needs"]] == ["Mangrove mapping training"]
    assert data["network"]["offers"] == []
    bodies = [post["body"] for post in data["forums"]["posts"]]
    assert "My answer about seagrass" in bodies and "My own thread" in bodies
    assert [thread["title"] for thread in data["forums"]["threads_started"]] == ["Mangrove nurseries"]
    (match,) = data["network"]["matches"]
    assert [m["author"] for m in match["conversation"]] == ["Kwame Asante", "me"]
    assert data["network"]["contact_messages"]["received"][0]["body"] == "A note for Amina"
    text = response.content.decode()
    for theirs in ("kwame@km4b.test", "Their question", "Their reply in my thread", "Someone else's need"):
        assert theirs not in text


def test_download_needs_a_login(client):
    assert client.get("/en/me/data/download/").status_code == 302


def test_wrong_password_deletes_nothing(client, me):
    client.force_login(me)
    response = client.post("/en/me/data/", {"password": "not it", "confirm": "on"})
    assert response.status_code == 400
    assert "password is not right" in response.content.decode()
    me.refresh_from_db()
    assert me.is_active and me.email == "amina@km4b.test"


def test_deleting_my_account_keeps_everyone_s_content_and_my_posts_as_former_member(
    client, me, other, world, site_home
):
    from events.services import events_index
    from tests.factories import events_community

    events_index()
    event = EventPageFactory(community=events_community(title="Mangrove practitioners"))
    type(event).objects.filter(pk=event.pk).update(owner=me)
    case_study = make_case_study(make_library(site_home), submitted_by=me)
    client.force_login(me)
    response = client.post("/en/me/data/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    me = get_user_model().objects.get(pk=me.pk)
    assert not me.is_active and not me.has_usable_password() and me.is_former_member
    assert "amina" not in me.email and me.bio == "" and not me.listed_in_directory
    assert me.public_name == "former member"
    assert not Profile.objects.filter(user=me).exists()
    assert not EmailAddress.objects.filter(user=me).exists()
    # Everything stays: threads, posts (theirs and mine), the event, the case study, the match.
    assert Thread.objects.filter(pk__in=[world["their_thread"].pk, world["my_thread"].pk]).count() == 2
    assert Post.objects.filter(author=me).count() == 2 and Post.objects.filter(author=other).count() == 2
    event.refresh_from_db()
    case_study.refresh_from_db()
    assert event.owner_id == me.pk and case_study.submitted_by_id == me.pk
    assert Match.objects.filter(pk=world["match"].pk).exists() and MatchMessage.objects.count() == 2
    world["need"].refresh_from_db()
    assert world["need"].status == ExchangeStatus.CLOSED
    assert ContactMessage.objects.count() == 1
    # The thread shows my post as by a former member; the session is over; my profile is gone.
    page = client.get(f"/en/people/{me.pk}/")
    assert page.status_code == 404
    reader = UserFactory()
    client.force_login(reader)
    thread_page = client.get(world["my_thread"].get_absolute_url()).content.decode()
    assert "former member" in thread_page and "Amina" not in thread_page
    assert not client.login(email="amina@km4b.test", password=PASSWORD)


def _export(client):
    response = client.get("/en/network/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_export_honours_visibility_and_never_shows_addresses(client, moderator, me, other):
    Profile.objects.filter(user=me).update(headline_visibility="members", organisation_visibility="nobody")
    me.organisation = "Secret Institute"
    me.country = "SN"
    me.save()
    Profile.objects.filter(user=me).update(country_visibility="members")
    client.force_login(moderator)
    rows = _export(client)
    header, body = rows[0], rows[1:]
    assert header[0] == "Name" and "Headline" in header
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    amina = by_name["Amina Diallo"]
    assert amina["Headline"] == "Mangrove ecologist" and amina["Country"] == "Senegal"
    assert amina["Organisation"] == "" and "Mangrove restoration" not in ",".join(amina.values())
    text = "\n".join(",".join(row) for row in rows)
    assert "Secret Institute" not in text and "@km4b.test" not in text and "Kwame Asante" in by_name


def test_csv_export_is_for_organisers_only(client, me):
    assert client.get("/en/network/export.csv").status_code == 302
    client.force_login(me)
    assert client.get("/en/network/export.csv").status_code == 403


@pytest.mark.parametrize("value", ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cells_that_look_like_formulas_are_defused(client, moderator, value):
    assert safe_cell(value) == "'" + value
    UserFactory(display_name=value.strip())
    Profile.objects.create(
        user=UserFactory(display_name="Plain"), headline=value, headline_visibility="public"
    )
    client.force_login(moderator)
    for row in _export(client)[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert safe_cell("Wetlands - Ramsar") == "Wetlands - Ramsar"


def test_csv_export_queries_do_not_grow_with_the_people(client, moderator, django_assert_max_num_queries):
    client.force_login(moderator)
    for index in range(3):
        Profile.objects.create(user=UserFactory(display_name=f"Person {index}"), headline="x")
    with django_assert_max_num_queries(20) as few:
        _export(client)
    for index in range(30):
        Profile.objects.create(user=UserFactory(display_name=f"More {index}"), headline="x")
    with django_assert_max_num_queries(len(few.captured_queries)):
        _export(client)


def test_deleting_my_account_leaves_my_communities_but_never_orphans_one(client, me, other, site_home):
    from cop.models import Membership
    from tests.factories import events_community, events_membership

    community = events_community(title="Mangrove practitioners")
    events_membership(other, community, role="facilitator")
    events_membership(me, community)
    client.force_login(me)
    assert client.post("/en/me/data/", {"password": PASSWORD, "confirm": "on"}).status_code == 302
    assert Membership.objects.get(user=me).status == "left"

    alone = events_community(title="Seagrass circle")
    events_membership(other, alone, role="facilitator")
    client.force_login(other)
    response = client.post("/en/me/data/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 409
    assert "at least one facilitator" in response.content.decode()
    other.refresh_from_db()
    assert other.is_active and Membership.objects.get(user=other, community=alone).status == "active"


def test_my_stakeholder_groups_are_downloaded_exported_and_cleared_with_the_account(client, moderator, me):
    from cop.models import StakeholderGroup

    me.stakeholder_groups.set(StakeholderGroup.objects.filter(slug__in=["iplc", "youth"]))
    Profile.objects.filter(user=me).update(expertise_visibility="members")
    formula = StakeholderGroup.objects.create(slug="formula", name="=HYPERLINK(1)", sort_order=0)
    other = UserFactory(display_name="Formula Person")
    other.stakeholder_groups.set([formula])
    client.force_login(me)
    document = json.loads(client.get("/en/me/data/download/").content)
    assert document["account"]["stakeholder_groups"] == [
        "Indigenous peoples and local communities (IPLC)",
        "Youth",
    ]
    client.force_login(moderator)
    rows = _export(client)
    by_name = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert (
        by_name["Amina Diallo"]["Stakeholder groups"]
        == "Indigenous peoples and local communities (IPLC); Youth"
    )
    assert by_name["Formula Person"]["Stakeholder groups"] == "'=HYPERLINK(1)"
    client.force_login(me)
    assert client.post("/en/me/data/", {"password": PASSWORD, "confirm": "on"}).status_code == 302
    assert not get_user_model().objects.get(pk=me.pk).stakeholder_groups.exists()
