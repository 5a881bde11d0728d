import csv
import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.urls import reverse

from events import services
from events.models import EventPage, Registration, RegistrationQuestion
from events.tasks import offer_token
from tests.factories import UserFactory


def test_event_page_shows_both_time_zones_and_hides_join_link(client, make_event):
    event = make_event(start_date=dt.date(2030, 7, 1), end_date=dt.date(2030, 7, 1))
    client.cookies["tz"] = "America/Bogota"
    response = client.get(event.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "07:00" in html and "(America/Bogota)" in html  # 14:00 Paris summer time
    assert "In the event's time zone (Europe/Paris)" in html and "14:00" in html
    assert "meet.example.org" not in html
    assert "Log in to register" in html


def test_no_time_zone_note_when_viewer_is_in_the_same_offset(client, make_event):
    event = make_event(start_date=dt.date(2030, 7, 1), end_date=dt.date(2030, 7, 1))
    client.cookies["tz"] = "Europe/Berlin"
    assert "In the event" not in client.get(event.url).content.decode()


def test_register_with_questions_then_cancel_over_http(
    client, make_event, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1).get_latest_revision_as_object()
    event.questions.add(RegistrationQuestion(label="Affiliation", required=True))
    event.questions.add(RegistrationQuestion(label="Accessibility needs", kind="long"))
    event = services.event_update(page=event)
    occurrence = event.occurrences.get()
    user = UserFactory()
    client.force_login(user)
    url = reverse("events:register", args=[occurrence.pk])
    form = client.get(url)
    assert "Affiliation" in form.content.decode()
    missing = client.post(url, {})
    assert missing.status_code == 400
    assert not Registration.objects.exists()
    question = event.questions.get(label="Affiliation")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {question.field_name: "Ministry of Environment, Kenya"})
    assert response.status_code == 302
    registration = Registration.objects.get(user=user)
    assert registration.answers[str(question.pk)]["answer"] == "Ministry of Environment, Kenya"
    page = client.get(event.url).content.decode()
    assert "You are registered." in page and "meet.example.org/km4b-webinar" in page
    # Registering twice: a clear message and 409.
    again = client.post(url, {question.field_name: "x"})
    assert again.status_code == 409 and "already registered" in again.content.decode()
    assert Registration.objects.count() == 1
    response = client.post(reverse("events:registration_cancel", args=[registration.pk]))
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_register_for_cancelled_or_past_event_is_refused(client, make_event):
    user = UserFactory()
    client.force_login(user)
    cancelled = make_event()
    services.event_cancel(event=cancelled, reason="Storm")
    response = client.post(reverse("events:register", args=[cancelled.occurrences.get().pk]))
    assert response.status_code == 409 and "cancelled" in response.content.decode()
    past = make_event(start_date=dt.date.today() - dt.timedelta(days=2))
    response = client.post(reverse("events:register", args=[past.occurrences.get().pk]))
    assert response.status_code == 409
    assert not Registration.objects.exists()


def test_seat_offer_links_accept_and_release(client, make_event, django_capture_on_commit_callbacks):
    event = make_event(capacity=1)
    occurrence = event.occurrences.get()
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    ra = services.event_register(user=a, occurrence_id=occurrence.pk)
    rb = services.event_register(user=b, occurrence_id=occurrence.pk)
    rc = services.event_register(user=c, occurrence_id=occurrence.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration_id=ra.pk)
    rb.refresh_from_db()
    # The mailed link is the signed release token (its timestamp is the second the mail was made, which
    # may differ from the second this test signs its own: compare the signed payload, use the mailed link).
    payload = offer_token(rb, "release").split(":")[0]
    release_url = re.search(rf"/en/events/offer/{re.escape(payload)}:[^/\s]+/", mail.outbox[-1].body)[0]
    # A GET (a mail scanner following the link) changes nothing.
    assert client.get(release_url).status_code == 200
    rb.refresh_from_db()
    assert rb.status == "offered"
    assert client.post(release_url).status_code == 302
    rc.refresh_from_db()
    assert rc.status == "offered"
    accept_url = reverse("events:offer", args=[offer_token(rc, "accept")])
    assert client.post(accept_url).status_code == 302
    rc.refresh_from_db()
    assert rc.status == "registered"
    # Reusing an answered link: 410 with a message; a forged one: 400.
    assert client.post(accept_url).status_code == 410
    assert client.get(reverse("events:offer", args=["forged:token"])).status_code == 400


def test_calendar_views_and_filters(client, make_event, community):
    webinar = make_event(title="Webinar on CHM", start_date=dt.date.today() + dt.timedelta(days=3))
    fair = make_event(
        title="Knowledge fair",
        event_type="knowledge_fair",
        event_format="in_person",
        start_date=dt.date.today() + dt.timedelta(days=4),
        tags=["fair"],
    )
    past = make_event(
        title="Old workshop", event_type="workshop", start_date=dt.date.today() - dt.timedelta(days=20)
    )
    url = reverse("events:calendar")
    upcoming = client.get(url).content.decode()
    assert webinar.title in upcoming and fair.title in upcoming and past.title not in upcoming
    filtered = client.get(url, {"type": "knowledge_fair"}).content.decode()
    assert fair.title in filtered and webinar.title not in filtered
    assert fair.title in client.get(url, {"tag": "fair"}).content.decode()
    assert webinar.title not in client.get(url, {"format": "in_person"}).content.decode()
    assert past.title in client.get(url, {"view": "past"}).content.decode()
    month = client.get(url, {"view": "month", "month": f"{fair.start_date:%Y-%m}"}).content.decode()
    assert fair.title in month and "<table" in month
    week = client.get(url, {"view": "week", "week": fair.start_date.isoformat()}).content.decode()
    assert fair.title in week
    # Nonsense parameters are ignored, never a 500.
    for params in (
        {"view": "decade"},
        {"month": "2030-13"},
        {"week": "soon"},
        {"type": "<script>"},
        {"community": "x"},
        {"page": "-1", "view": "past"},
    ):
        assert client.get(url, params).status_code == 200


def test_my_events_filter_and_page(client, make_event):
    mine = make_event(title="Mine")
    make_event(title="Someone else's")
    user = UserFactory()
    services.event_register(user=user, occurrence_id=mine.occurrences.get().pk)
    client.force_login(user)
    listing = client.get(reverse("events:calendar"), {"mine": "1"}).content.decode()
    assert "Mine" in listing and "Someone else" not in listing
    page = client.get(reverse("events:my_events")).content.decode()
    assert "Mine" in page
    client.post(reverse("events:calendar_token"), {"action": "rotate"})
    assert "/feed/personal/" in client.get(reverse("events:my_events")).content.decode()


@pytest.mark.parametrize("view", ["upcoming", "month", "week", "past"])
def test_calendar_query_count_does_not_grow(client, make_event, view, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())

    def day(i):
        # Inside the period each view shows.
        if view == "past":
            return today - dt.timedelta(days=5 + i)
        if view == "upcoming":
            return today + dt.timedelta(days=1 + i)
        return monday + dt.timedelta(days=i % 7)

    for i in range(2):
        make_event(start_date=day(i), tags=["x"])
    params = {"view": view, "month": f"{monday:%Y-%m}", "week": monday.isoformat()}
    client.get(reverse("events:calendar"), params)
    with django_assert_max_num_queries(16) as small:
        client.get(reverse("events:calendar"), params)
    small_count = len(small.captured_queries)  # the next request clears the connection's log
    for i in range(12):
        make_event(start_date=day(i), tags=["x"])
    client.get(reverse("events:calendar"), params)  # as above: the new items' fragments cached
    with django_assert_max_num_queries(small_count):
        response = client.get(reverse("events:calendar"), params)
    assert response.status_code == 200


def test_event_page_query_count_is_bounded(client, make_event, django_assert_max_num_queries):
    event = make_event(recurrence_rule="FREQ=WEEKLY;COUNT=20", capacity=30)
    user = UserFactory()
    client.force_login(user)
    for occurrence in event.occurrences.all()[:5]:
        services.event_register(user=user, occurrence_id=occurrence.pk)
    with django_assert_max_num_queries(30):
        assert client.get(event.url).status_code == 200


def test_organiser_attendees_csv_and_attendance(client, make_event, facilitator):
    event = make_event(start_date=dt.date.today() + dt.timedelta(days=1))
    occurrence = event.occurrences.get()
    a = UserFactory(display_name="=HYPERLINK(evil)")
    reg = services.event_register(
        user=a, occurrence_id=occurrence.pk, answers={"1": {"question": "Q", "answer": "A"}}
    )
    outsider = UserFactory()
    client.force_login(outsider)
    url = reverse("events:attendees", args=[occurrence.pk])
    assert client.get(url).status_code == 403
    client.force_login(facilitator)
    assert a.email in client.get(url).content.decode()
    response = client.get(url, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "'=HYPERLINK(evil)" and rows[1][1] == a.email
    # Attendance only once the event has started.
    assert client.post(url, {"present": [reg.pk]}).status_code == 409
    occurrence.start_utc = occurrence.end_utc = occurrence.start_utc - dt.timedelta(days=2)
    occurrence.save()
    assert client.post(url, {"present": [reg.pk]}).status_code == 302
    reg.refresh_from_db()
    assert reg.attended is True


def test_front_end_event_form_bad_input_is_refused_whole(client, facilitator, community):
    client.force_login(facilitator)
    url = reverse("events:event_new")
    base = {
        "title": "Dialogue on access and benefit-sharing",
        "community": community.pk,
        "event_type": "dialogue",
        "event_format": "online",
        "summary": "A dialogue.",
        "time_zone": "Africa/Nairobi",
        "start_date": "2030-05-10",
        "start_time": "10:00",
        "end_date": "2030-05-10",
        "end_time": "12:00",
        "registration_mode": "open",
        "offer_hours": "24",
        "reminder_hours": "24, 1",
    }
    cases = [
        ({"end_time": "09:00"}, "must end after it starts"),
        ({"time_zone": "Mars/Olympus_Mons"}, "Mars/Olympus_Mons"),
        (
            {"registration_mode": "deadline", "registration_deadline": "2030-06-01T10:00"},
            "deadline must be before",
        ),
        ({"recurrence_rule": "FREQ=SECONDLY"}, "not more often"),
        ({"reminder_hours": "soon"}, "separated by commas"),
    ]
    for change, message in cases:
        response = client.post(url, {**base, **change})
        assert response.status_code == 400, change
        assert message in response.content.decode(), change
    assert not EventPage.objects.exists()
    response = client.post(url, base)
    assert response.status_code == 302
    event = EventPage.objects.get()
    assert event.start_utc == dt.datetime(2030, 5, 10, 7, 0, tzinfo=dt.UTC)
    assert event.occurrences.count() == 1
    # A DST gap: 02:30 on the last Sunday of March does not exist in Paris.
    response = client.post(
        url,
        {
            **base,
            "title": "Gap",
            "time_zone": "Europe/Paris",
            "start_date": "2030-03-31",
            "end_date": "2030-03-31",
            "start_time": "02:30",
            "end_time": "04:00",
        },
    )
    assert response.status_code == 400 and "does not exist" in response.content.decode()


def test_capacity_below_registrations_in_the_edit_form(client, facilitator, make_event):
    event = make_event(capacity=5)
    for _ in range(3):
        services.event_register(user=UserFactory(), occurrence_id=event.occurrences.get().pk)
    client.force_login(facilitator)
    url = reverse("events:event_edit", args=[event.pk])
    form = client.get(url)
    data = {
        k: v for k, v in form.context["form"].initial.items() if v is not None and not isinstance(v, list)
    }
    data.update(
        {
            "community": event.community_id,
            "capacity": 2,
            "start_date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat(),
            "start_time": "14:00",
            "end_time": "15:30",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert "already hold a seat" in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 5


def test_non_facilitator_cannot_create_or_edit(client, make_event):
    event = make_event()
    client.force_login(UserFactory())
    assert client.get(reverse("events:event_new")).status_code == 403
    assert client.get(reverse("events:event_edit", args=[event.pk])).status_code == 403
    assert client.post(reverse("events:event_cancel", args=[event.pk]), {"reason": "x"}).status_code == 403
    event.refresh_from_db()
    assert not event.cancelled


def test_cancel_event_form(client, facilitator, make_event, django_capture_on_commit_callbacks):
    event = make_event()
    registrant = UserFactory()
    services.event_register(user=registrant, occurrence_id=event.occurrences.get().pk)
    client.force_login(facilitator)
    url = reverse("events:event_cancel", args=[event.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reason": "The ministry closed the venue."}).status_code == 302
    event.refresh_from_db()
    assert event.cancelled
    assert mail.outbox and mail.outbox[0].to == [registrant.email]
    assert "This event is cancelled." in client.get(event.url).content.decode()


def test_sections_on_home_and_community(client, make_event, community):
    make_event(title="Upcoming CHM webinar")
    assert "Upcoming CHM webinar" in client.get("/en/").content.decode()
    assert "Upcoming CHM webinar" in client.get(community.url).content.decode()


def test_facilitator_moves_the_event_and_registrants_are_told(
    client, facilitator, make_event, django_capture_on_commit_callbacks
):
    event = make_event(start_date=dt.date(2030, 9, 10), end_date=dt.date(2030, 9, 10))
    registrant = UserFactory(time_zone="Asia/Kolkata")
    registration = services.event_register(user=registrant, occurrence_id=event.occurrences.get().pk)
    client.force_login(facilitator)
    url = reverse("events:event_edit", args=[event.pk])
    form = client.get(url).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value not in (None, "") and not isinstance(value, list | tuple) and name != "registration_deadline"
    }
    data.update(
        {"community": event.community_id, "start_time": "16:00", "end_time": "17:00", "tags_text": "moved"}
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    registration.refresh_from_db()
    assert registration.status == "registered"  # the registration follows the occurrence
    assert registration.occurrence.start_utc == dt.datetime(2030, 9, 10, 14, 0, tzinfo=dt.UTC)
    assert [m.to for m in mail.outbox] == [[registrant.email]]
    assert "Asia/Kolkata" in mail.outbox[0].body and "19:30" in mail.outbox[0].body
    assert [t.name for t in EventPage.objects.get(pk=event.pk).tags.all()] == ["moved"]


def test_speakers_link_to_listed_profiles(client, make_event):
    from events.models import EventSpeaker

    listed = UserFactory(display_name="Kofi Mensah", listed_in_directory=True)
    private = UserFactory(display_name="Quiet Person", listed_in_directory=False)
    event = make_event().get_latest_revision_as_object()
    event.speakers.add(EventSpeaker(member=listed))
    event.speakers.add(EventSpeaker(member=private))
    event.speakers.add(EventSpeaker(name="Guest Speaker", affiliation="IUCN"))
    event = services.event_update(page=event)
    html = client.get(event.url).content.decode()
    assert reverse("cop_network:profile", args=[listed.pk]) in html
    assert reverse("cop_network:profile", args=[private.pk]) not in html and "Quiet Person" in html
    assert "Guest Speaker" in html and "IUCN" in html
