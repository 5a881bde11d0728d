"""A members-only community's event, seen from outside: anonymous, signed-in outsider, pending
requester, banned user; then from inside: member and facilitator. Every surface is checked."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.factories import UserFactory, events_membership

TITLE = "Seed-keepers circle gathering"


@pytest.fixture
def secret_event(make_event, private_community):
    return make_event(title=TITLE, community=private_community, tags=["seeds"], event_type="round_table")


@pytest.fixture
def people(private_community):
    pending, banned, member, facilitator = (UserFactory() for _ in range(4))
    events_membership(pending, private_community, status="pending")
    events_membership(banned, private_community, status="banned")
    events_membership(member, private_community)
    events_membership(facilitator, private_community, role="facilitator")
    return {
        "outsider": UserFactory(),
        "pending": pending,
        "banned": banned,
        "member": member,
        "facilitator": facilitator,
    }


def surfaces(client, event):
    """What a client sees of the event on every surface, as {surface: visible?}."""
    seen = {}
    page = client.get(event.url)
    seen["page"] = page.status_code == 200 and TITLE in page.content.decode()
    seen["calendar"] = TITLE in client.get(reverse("events:calendar")).content.decode()
    seen["month"] = (
        TITLE
        in client.get(
            reverse("events:calendar"), {"view": "month", "month": f"{event.start_date:%Y-%m}"}
        ).content.decode()
    )
    seen["ics"] = client.get(reverse("events:event_ics", args=[event.pk])).status_code == 200
    feeds = [
        reverse("events:feed_site"),
        reverse("events:feed_type", args=["round_table"]),
        reverse("events:feed_tag", args=["seeds"]),
    ]
    seen["feeds"] = any(TITLE in str(Calendar.from_ical(client.get(url).content).to_ical()) for url in feeds)
    seen["search"] = TITLE in client.get(reverse("search"), {"q": "Seed-keepers"}).content.decode()
    seen["home"] = TITLE in client.get("/en/").content.decode()
    return seen


@pytest.mark.parametrize("who", ["anonymous", "outsider", "pending", "banned"])
def test_outsiders_see_nothing(client, secret_event, people, who):
    if who != "anonymous":
        client.force_login(people[who])
    assert surfaces(client, secret_event) == dict.fromkeys(
        ["page", "calendar", "month", "ics", "feeds", "search", "home"], False
    )
    if who != "anonymous":
        assert client.get(secret_event.url).status_code == 404
    assert client.get(reverse("events:feed_community", args=[secret_event.community.slug])).status_code == 404


@pytest.mark.parametrize("who", ["member", "facilitator"])
def test_members_see_it_in_pages_and_calendars_but_never_in_public_feeds(client, secret_event, people, who):
    client.force_login(people[who])
    seen = surfaces(client, secret_event)
    assert seen["page"] and seen["calendar"] and seen["month"] and seen["ics"] and seen["home"]
    assert seen["search"], "members find their community's events in site search"
    # Feeds are fetched by calendar apps without cookies: public feeds stay public-only.
    assert not seen["feeds"]


def test_outsider_cannot_register_or_see_attendees(client, secret_event, people):
    occurrence = secret_event.occurrences.get()
    client.force_login(people["outsider"])
    assert client.post(reverse("events:register", args=[occurrence.pk])).status_code == 404
    assert client.get(reverse("events:attendees", args=[occurrence.pk])).status_code == 404
    client.force_login(people["member"])
    assert client.get(reverse("events:attendees", args=[occurrence.pk])).status_code == 403
    assert client.post(reverse("events:register", args=[occurrence.pk])).status_code == 302
    client.force_login(people["facilitator"])
    assert client.get(reverse("events:attendees", args=[occurrence.pk])).status_code == 200


def test_community_turning_public_opens_its_events(client, secret_event, private_community):
    private_community.visibility = "public"
    private_community.save_revision().publish()
    assert TITLE in client.get(reverse("search"), {"q": "Seed-keepers"}).content.decode()
    assert TITLE in client.get(reverse("events:feed_site")).content.decode()


def test_unpublished_event_is_gone_everywhere(client, make_event):
    event = make_event(title=TITLE)
    event.unpublish()
    assert client.get(reverse("events:event_ics", args=[event.pk])).status_code == 404
    assert TITLE not in client.get(reverse("events:calendar")).content.decode()
    assert TITLE not in client.get(reverse("events:feed_site")).content.decode()
