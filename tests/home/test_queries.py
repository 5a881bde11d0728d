"""The main pages read the database a fixed number of times, whatever the amount of data: each page
is counted with a little data (3 of each thing it lists) and again with ten times as much (30)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CommunityPageFactory,
    EventPageFactory,
    MembershipFactory,
    UserFactory,
    forums_thread,
)

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 30


def count_queries(client, url) -> int:
    """Statements one GET of `url` runs, once the process has warmed up (a first request fills the
    per-process and cache entries that every later request finds)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture(params=["anonymous", "member"])
def viewer(request, client):
    """The test client, signed out or signed in as a member (its `member`)."""
    client.member = None
    if request.param == "member":
        client.member = UserFactory()
        client.force_login(client.member)
    return client


def add_communities(number, member=None):
    from forums.services import board_ensure_for_community

    communities = []
    for _ in range(number):
        community = CommunityPageFactory()
        author = MembershipFactory(community=community).user
        if member is not None:
            MembershipFactory(community=community, user=member)
        with override_settings(FORUMS_NEW_ACCOUNT_DAYS=0):
            forums_thread(board=board_ensure_for_community(community=community), author=author)
        communities.append(community)
    return communities


def add_events(number, community=None, member=None):
    from events.services import event_register

    events = []
    for n in range(number):
        event = EventPageFactory(
            community=community, start_date=dt.date.today() + dt.timedelta(days=1 + n % 20)
        )
        if member is not None:
            event_register(user=member, occurrence_id=event.occurrences.get().pk)
        events.append(event)
    return events


def viewer_member(viewer):
    return viewer.member


def test_home_page(site_home, viewer):
    member = viewer_member(viewer)
    add_communities(FEW, member)
    add_events(FEW, member=member)
    few = count_queries(viewer, "/en/")
    add_communities(MANY - FEW, member)
    add_events(MANY - FEW, member=member)
    assert count_queries(viewer, "/en/") == few


def test_community_page(site_home, viewer):
    from cop.models import Announcement

    member = viewer_member(viewer)
    community = add_communities(1, member)[0]

    def grow(number):
        for _ in range(number):
            MembershipFactory(community=community)
            Announcement.objects.create(community=community, title="Webinar", body="Soon.", pinned=True)
        add_events(number, community=community, member=member)

    grow(FEW)
    url = community.get_url()
    few = count_queries(viewer, url)
    grow(MANY - FEW)
    assert count_queries(viewer, url) == few


def test_events_calendar(site_home, viewer):
    member = viewer_member(viewer)
    community = add_communities(1, member)[0]
    add_events(FEW, community=community, member=member)
    url = reverse("events:calendar")
    few = {view: count_queries(viewer, f"{url}?view={view}") for view in ("upcoming", "month", "week")}
    add_events(MANY - FEW, community=community, member=member)
    many = {view: count_queries(viewer, f"{url}?view={view}") for view in ("upcoming", "month", "week")}
    assert many == few


def test_event_page(site_home, viewer):
    from events.models import EventSpeaker

    member = viewer_member(viewer)

    def series(count, slug):
        event = EventPageFactory(slug=slug, recurrence_rule=f"FREQ=WEEKLY;COUNT={count}")
        for _ in range(count):
            event.speakers.add(EventSpeaker(member=UserFactory(), name="Amina Diallo", affiliation="CBD"))
        event.save_revision().publish()
        if member is not None:
            from events.services import event_register

            for occurrence in event.occurrences.all()[:count]:
                event_register(user=member, occurrence_id=occurrence.pk)
        return event

    few = count_queries(viewer, series(FEW, "few-sessions").get_url())
    assert count_queries(viewer, series(MANY, "many-sessions").get_url()) == few


def test_network(site_home, viewer):
    from cop.models import GBFTarget, Language

    targets, languages = list(GBFTarget.objects.all()[:3]), list(Language.objects.all()[:3])

    def people(number):
        for _ in range(number):
            person = UserFactory(listed_in_directory=True, organisation="CBD")
            person.expertise.set(targets)
            person.languages.set(languages)

    people(FEW)
    url = reverse("cop_network:directory")
    few = count_queries(viewer, url)
    people(MANY - FEW)
    assert count_queries(viewer, url) == few


def test_forums_index_and_search(site_home, viewer):
    member = viewer_member(viewer)
    add_communities(FEW, member)
    urls = [reverse("forums:index"), reverse("search") + "?q=community"]
    few = [count_queries(viewer, url) for url in urls]
    add_communities(MANY - FEW, member)
    assert [count_queries(viewer, url) for url in urls] == few
