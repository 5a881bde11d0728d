"""The webinar pipeline's last step: recording, slides and summary, a follow-up thread in the host
community's forum (through forums.services), and a notice to the registrants."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from events.models import EventPage, Registration
from forums.models import Thread
from tests.factories import UserFactory


@pytest.fixture
def past_webinar(make_event):
    event = make_event(
        title="Lessons from Target 3 reporting", start_date=dt.date.today() - dt.timedelta(days=2)
    )
    occurrence = event.occurrences.get()
    attendees = [UserFactory(preferred_language="es", time_zone="America/Bogota"), UserFactory()]
    for user in attendees:
        Registration.objects.create(occurrence=occurrence, user=user, status="registered", attended=True)
    return event, attendees


def test_followup_opens_one_thread_and_tells_registrants(
    client, past_webinar, facilitator, django_capture_on_commit_callbacks
):
    event, attendees = past_webinar
    client.force_login(facilitator)
    url = reverse("events:event_followup", args=[event.pk])
    assert client.get(url).status_code == 200
    mail.outbox.clear()
    data = {
        "recording_url": "https://media.km4b.example/target-3",
        "slides_url": "https://media.km4b.example/target-3.pdf",
        "summary": "Countries need shared OECM definitions.",
        "open_thread": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    event = EventPage.objects.get(pk=event.pk)
    thread = Thread.objects.get()
    assert thread.board.community_id == event.community_id
    assert event.title in thread.title and event.followup_thread_url == thread.get_absolute_url()
    first_post = thread.posts.get()
    assert "https://media.km4b.example/target-3" in first_post.body
    followups = [
        m
        for m in mail.outbox
        if "Recording" in m.subject or "Grabación" in m.subject or event.title in m.subject
    ]
    assert sorted(m.to[0] for m in followups) == sorted(u.email for u in attendees)
    page = client.get(event.url).content.decode()
    assert "Watch the recording" in page and thread.get_absolute_url() in page
    # Publishing again updates the materials but opens no second thread and sends nothing more.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "summary": "Updated summary."})
    assert Thread.objects.count() == 1
    assert not [m for m in mail.outbox if m.to[0] in {u.email for u in attendees}]


def test_followup_before_the_event_or_by_an_outsider_is_refused(client, make_event, facilitator):
    event = make_event()
    client.force_login(facilitator)
    response = client.post(reverse("events:event_followup", args=[event.pk]), {"summary": "Too early"})
    assert response.status_code == 409
    client.force_login(UserFactory())
    assert client.post(reverse("events:event_followup", args=[event.pk]), {"summary": "x"}).status_code == 403
    assert not Thread.objects.exists()
