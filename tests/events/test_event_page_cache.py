"""An event page's shared parts are cached fragments (events.selectors.event_page): every change they
show is on the next request, made through the ordinary services; the viewer's own registration, waiting
place and seat offer are theirs; a warm page reads no event rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cop.models import Language
from events import services
from tests.factories import UserFactory, events_membership

pytestmark = pytest.mark.django_db


def _page(client, event) -> str:
    response = client.get(event.url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_edit_and_a_new_date_show_at_once(client, make_event):
    event = make_event(title="Seed exchange", recurrence_rule="FREQ=WEEKLY;COUNT=2")
    html = _page(client, event)
    assert "Seed exchange" in html and html.count('id="occurrence-') == 2
    event = event.get_latest_revision_as_object()
    event.title = "Seed and knowledge exchange"
    event.summary = "Bring your seeds and your questions."
    event.recurrence_rule = "FREQ=WEEKLY;COUNT=3"
    event = services.event_update(page=event)
    html = _page(client, event)
    assert "Seed and knowledge exchange" in html and "Bring your seeds" in html
    assert html.count('id="occurrence-') == 3
    occurrence = event.occurrences.order_by("start_utc").first()
    occurrence.is_cancelled = True
    occurrence.save()
    assert "occurrence--cancelled" in _page(client, event)
    services.event_cancel(event=event, reason="The speaker is ill.")
    assert "This event is cancelled." in _page(client, event)


def test_seats_waiting_list_offer_and_cancellation_show_at_once(client, make_event):
    event = make_event(title="Knowledge fair", capacity=1)
    occurrence = event.occurrences.get()
    first, second = UserFactory(), UserFactory()
    assert "1 seat left" in _page(client, event)
    registration = services.event_register(user=first, occurrence_id=occurrence.pk)
    html = _page(client, event)
    assert "0 seats left" in html and "Log in to register" in html
    client.force_login(second)
    assert "Join the waiting list" in _page(client, event)
    services.event_register(user=second, occurrence_id=occurrence.pk)
    html = _page(client, event)
    assert "You are on the waiting list." in html and "1 person waiting" in html
    client.force_login(first)
    html = _page(client, event)
    assert "You are registered." in html and "You are on the waiting list." not in html
    services.registration_cancel(registration_id=registration.pk, user=first)
    html = _page(client, event)
    assert "You are registered." not in html
    assert "Join the waiting list" in html  # the freed seat is offered to the second
    client.force_login(second)
    assert "A seat is waiting for you." in _page(client, event)
    client.logout()
    html = _page(client, event)
    assert "A seat is waiting for you." not in html and "Log in to register" in html


def test_the_kind_of_viewer_decides_registration_and_organiser_parts(
    client, make_event, private_community, community, facilitator
):
    event = make_event(title="Protocol circle", community=private_community)
    member = UserFactory()
    events_membership(member, private_community)
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(event.url).status_code == 404
    client.force_login(member)
    html = _page(client, event)
    assert "Register" in html and "Attendees" not in html
    public = make_event(title="Open clinic")
    client.force_login(outsider)
    assert "Attendees" not in _page(client, public)
    client.force_login(facilitator)
    html = _page(client, public)
    assert "Attendees" in html and "Organiser tools" in html


def test_community_language_and_speaker_changes_show_at_once(client, make_event, community):
    from events.models import EventSpeaker

    french = Language.objects.get_or_create(
        code="fr", defaults={"name": "French", "native_name": "Français"}
    )[0]
    quiet = UserFactory(display_name="Quiet Person", listed_in_directory=False)
    event = make_event(title="Dialogue", working_languages=[french]).get_latest_revision_as_object()
    event.speakers.add(EventSpeaker(member=quiet))
    event = services.event_update(page=event)
    profile = reverse("cop_network:profile", args=[quiet.pk])
    html = _page(client, event)
    assert community.title in html and "Français" in html and "Quiet Person" in html and profile not in html
    community.title = "CHM focal points network"
    community.save_revision().publish()
    french.native_name = "Français (France)"
    french.save()
    quiet.listed_in_directory = True
    quiet.display_name = "Now Listed"
    quiet.save()
    html = _page(client, event)
    assert "CHM focal points network" in html and "Français (France)" in html
    assert "Now Listed" in html and profile in html


def test_an_unlisted_speaker_sees_their_own_link_and_others_do_not(client, make_event):
    from events.models import EventSpeaker

    quiet = UserFactory(display_name="Quiet Person", listed_in_directory=False)
    event = make_event(title="Dialogue").get_latest_revision_as_object()
    event.speakers.add(EventSpeaker(member=quiet))
    event = services.event_update(page=event)
    profile = reverse("cop_network:profile", args=[quiet.pk])
    client.force_login(quiet)
    assert profile in _page(client, event)
    client.force_login(UserFactory())
    assert profile not in _page(client, event)


def test_a_warm_event_page_reads_no_event_rows(client, make_event):
    event = make_event(title="Weekly clinic", recurrence_rule="FREQ=WEEKLY;COUNT=20", capacity=30)
    member = UserFactory()
    for occurrence in event.occurrences.all()[:3]:
        services.event_register(user=member, occurrence_id=occurrence.pk)
    for viewer in (None, member):
        if viewer is not None:
            client.force_login(viewer)
        _page(client, event)
        with CaptureQueriesContext(connection) as queries:
            html = _page(client, event)
        assert html.count('id="occurrence-') == 20
        read = [query["sql"] for query in queries]
        assert not [sql for sql in read if "events_eventspeaker" in sql or "cop_language" in sql]
        # The member's own dates are rendered for them, from the dates with their seats (their own
        # registrations are kept per version of them).
        dates = [sql for sql in read if sql.startswith('SELECT "events_occurrence"')]
        assert len(dates) == (1 if viewer else 0)
        assert len([sql for sql in read if "events_registration" in sql]) == len(dates)
    assert html.count("You are registered.") == 3


def test_the_routed_page_is_read_without_its_bodies_which_show_edits_at_once(client, make_event):
    """The route table (home.sites) reads the event without the columns only its cached body shows
    (EventPage.route_deferred_fields); rendering the body loads them in one query, and an edit shows on
    the next request."""
    event = make_event(title="Seed exchange", summary="Seeds.", followup_summary="<p>First notes</p>")
    assert "First notes" in _page(client, event)
    with CaptureQueriesContext(connection) as queries:
        _page(client, event)
    page_reads = [q["sql"] for q in queries if 'FROM "events_eventpage"' in q["sql"]]
    assert len(page_reads) == 1
    assert not [sql for sql in page_reads if "followup_summary" in sql or '"agenda"' in sql]
    event = event.get_latest_revision_as_object()
    event.followup_summary = "<p>Second notes</p>"
    event = services.event_update(page=event)
    with CaptureQueriesContext(connection) as queries:
        html = _page(client, event)
    assert "Second notes" in html and "First notes" not in html
    bodies = [q["sql"] for q in queries if "followup_summary" in q["sql"]]
    assert len(bodies) == 1 and '"agenda"' in bodies[0] and '"description"' in bodies[0]


def test_a_private_event_is_refused_to_an_outsider_and_a_former_member_on_the_next_request(
    client, make_event, private_community
):
    from cop.services import membership_leave

    event = make_event(title="Protocol circle", community=private_community)
    member = UserFactory()
    events_membership(member, private_community)
    client.force_login(UserFactory())
    assert client.get(event.url).status_code == 404
    client.force_login(member)
    assert "Protocol circle" in _page(client, event)
    assert "Protocol circle" in _page(client, event)  # warm: from the route table and the fragments
    membership_leave(user=member, community=private_community)
    assert client.get(event.url).status_code == 404
    client.logout()
    assert client.get(event.url).status_code == 404
