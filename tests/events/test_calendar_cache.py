"""The calendar's upcoming list is kept in the cache (events.selectors.calendar.upcoming_listed, its items
in events.fragments.render_items): every change it shows is on the next request, the viewer's own
registration and what they may see are decided for them, and a warm page reads no event rows."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cop.models import Language
from cop.services.membership import membership_leave
from events import services
from events.selectors.calendar import readable_communities, upcoming_listed
from tests.factories import UserFactory, events_membership

pytestmark = pytest.mark.django_db


def _calendar(client, **params) -> str:
    response = client.get(reverse("events:calendar"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_event_and_a_new_date_show_at_once(client, make_event):
    make_event(title="Seed exchange")
    assert "Seed exchange" in _calendar(client)
    series = make_event(title="Monthly clinic", recurrence_rule="FREQ=WEEKLY;COUNT=2")
    html = _calendar(client)
    assert "Seed exchange" in html and html.count("Monthly clinic") == 2
    series.recurrence_rule = "FREQ=WEEKLY;COUNT=3"
    services.event_update(page=series)
    assert _calendar(client).count("Monthly clinic") == 3


def test_a_cancelled_date_and_an_unpublished_event_show_at_once(client, make_event):
    series = make_event(title="Monthly clinic", recurrence_rule="FREQ=WEEKLY;COUNT=2")
    assert "is-cancelled" not in _calendar(client)
    occurrence = series.occurrences.order_by("start_utc").first()
    occurrence.is_cancelled = True
    occurrence.save()
    assert _calendar(client).count("is-cancelled") == 1
    series.unpublish()
    assert "Monthly clinic" not in _calendar(client)


def test_renamed_community_and_language_show_at_once(client, make_event, community):
    french = Language.objects.get_or_create(
        code="fr", defaults={"name": "French", "native_name": "Français"}
    )[0]
    make_event(title="Dialogue", working_languages=[french])
    assert community.title in _calendar(client)
    community.title = "CHM focal points network"
    community.save_revision().publish()
    assert "CHM focal points network" in _calendar(client)
    french.native_name = "Français (France)"
    french.save()
    assert "Français (France)" in _calendar(client)


def test_registration_and_cancellation_show_at_once(client, make_event):
    event = make_event(title="Knowledge fair")
    member = UserFactory()
    client.force_login(member)
    assert "badge--mine" not in _calendar(client)
    registration = services.event_register(user=member, occurrence_id=event.occurrences.get().pk)
    assert "badge--mine" in _calendar(client)
    services.registration_cancel(registration_id=registration.pk, user=member)
    assert "badge--mine" not in _calendar(client)


def test_joining_and_leaving_a_members_only_community_shows_at_once(client, make_event, private_community):
    make_event(title="Protocol circle meeting", community=private_community)
    member = UserFactory()
    client.force_login(member)
    assert "Protocol circle meeting" not in _calendar(client)
    events_membership(member, private_community)
    assert "Protocol circle meeting" in _calendar(client)
    membership_leave(user=member, community=private_community)
    assert "Protocol circle meeting" not in _calendar(client)
    client.logout()
    assert "Protocol circle meeting" not in _calendar(client)


def test_the_kept_list_moves_on_when_its_first_date_ends(make_event):
    first = make_event(title="First")
    make_event(title="Second", start_date=timezone.localdate() + dt.timedelta(days=20))
    anonymous = AnonymousUser()
    ids = [c.pk for c in readable_communities(anonymous)]
    entries = upcoming_listed(anonymous, ids)
    assert [e.pk for e in entries][:1] == [first.occurrences.get().pk]
    later = first.occurrences.get().end_utc + dt.timedelta(minutes=1)
    assert first.occurrences.get().pk not in [e.pk for e in upcoming_listed(anonymous, ids, now=later)]


def test_the_kept_list_moves_on_when_any_of_its_dates_ends_not_only_the_first(make_event):
    """A long course listed first (it starts first) and a short talk after it that ends before the course
    does: once the talk has ended the list no longer holds it (events.fragments.kept_listed)."""
    course = make_event(title="Mangrove restoration course")
    talk = make_event(title="Short talk", start_date=timezone.localdate() + dt.timedelta(days=20))
    course_date, talk_date = course.occurrences.get(), talk.occurrences.get()
    course_date.end_utc = talk_date.end_utc + dt.timedelta(days=5)
    course_date.save()
    anonymous = AnonymousUser()
    ids = [c.pk for c in readable_communities(anonymous)]
    assert [e.pk for e in upcoming_listed(anonymous, ids)][:2] == [course_date.pk, talk_date.pk]
    later = talk_date.end_utc + dt.timedelta(minutes=1)
    shown = [e.pk for e in upcoming_listed(anonymous, ids, now=later)]
    assert course_date.pk in shown and talk_date.pk not in shown


def test_a_warm_calendar_reads_no_event_rows(client, make_event):
    events = [make_event(title=f"Webinar {number}") for number in range(3)]
    member = UserFactory()
    services.event_register(user=member, occurrence_id=events[0].occurrences.get().pk)
    for viewer in (None, member):
        if viewer is not None:
            client.force_login(viewer)
        _calendar(client)
        with CaptureQueriesContext(connection) as queries:
            html = _calendar(client)
        assert "Webinar 2" in html and ("badge--mine" in html) == (viewer is not None)
        read = " ".join(query["sql"] for query in queries)
        assert "events_occurrence" not in read and "cop_language" not in read and "cop_gbftarget" not in read
        assert "cop_communitypage" not in read and "events_registration" not in read
        assert "wagtailcore_pageviewrestriction" not in read
