import datetime as dt

import pytest
from django.core import mail

from events import services, tasks
from events.models import SentReminder
from tests.factories import UserFactory


@pytest.fixture
def registered(make_event, django_capture_on_commit_callbacks):
    event = make_event(start_date=dt.date(2030, 3, 30), end_date=dt.date(2030, 3, 30))
    occurrence = event.occurrences.get()
    user = UserFactory(preferred_language="fr", time_zone="America/Bogota")
    with django_capture_on_commit_callbacks(execute=True):
        services.event_register(user=user, occurrence_id=occurrence.pk)
    mail.outbox.clear()
    return event, occurrence, user


def run(now, callbacks):
    with callbacks(execute=True):
        return services.reminders_send_due(now=now)


def test_reminders_24h_and_1h_exactly_once(registered, django_capture_on_commit_callbacks):
    event, occurrence, user = registered
    start = occurrence.start_utc
    assert run(start - dt.timedelta(hours=30), django_capture_on_commit_callbacks) == 0
    assert run(start - dt.timedelta(hours=23, minutes=58), django_capture_on_commit_callbacks) == 1
    # The scheduler runs twice (or two beat processes overlap): nothing more.
    assert run(start - dt.timedelta(hours=23, minutes=58), django_capture_on_commit_callbacks) == 0
    assert run(start - dt.timedelta(hours=20), django_capture_on_commit_callbacks) == 0
    assert run(start - dt.timedelta(minutes=55), django_capture_on_commit_callbacks) == 1
    assert run(start - dt.timedelta(minutes=50), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2
    assert SentReminder.objects.count() == 2
    reminder = mail.outbox[0]
    # In the recipient's language and time zone: 14:00 in Paris (still winter time, UTC+1) is 08:00 in
    # Bogota (UTC-5), the day before Europe moves its clocks.
    assert reminder.subject.startswith("[KM4B]")
    assert "samedi 30 mars 2030, 08:00" in reminder.body and "America/Bogota" in reminder.body
    assert "https://meet.example.org/km4b-webinar" in reminder.body


def test_late_scheduler_sends_only_the_nearest_reminder(registered, django_capture_on_commit_callbacks):
    _event, occurrence, _user = registered
    assert run(occurrence.start_utc - dt.timedelta(minutes=30), django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1
    assert set(SentReminder.objects.values_list("minutes_before", flat=True)) == {60, 1440}


def test_organiser_chooses_the_reminders(make_event, django_capture_on_commit_callbacks):
    event = make_event(start_date=dt.date(2030, 3, 30), end_date=dt.date(2030, 3, 30), reminder_hours="48")
    occurrence = event.occurrences.get()
    services.event_register(user=UserFactory(), occurrence_id=occurrence.pk)
    assert run(occurrence.start_utc - dt.timedelta(hours=30), django_capture_on_commit_callbacks) == 1
    assert run(occurrence.start_utc - dt.timedelta(minutes=30), django_capture_on_commit_callbacks) == 0


def test_moved_event_gets_a_notice_and_fresh_reminders(registered, django_capture_on_commit_callbacks):
    event, occurrence, user = registered
    run(occurrence.start_utc - dt.timedelta(hours=23), django_capture_on_commit_callbacks)
    mail.outbox.clear()
    event = event.get_latest_revision_as_object()
    event.start_date = event.end_date = dt.date(2030, 4, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_update(page=event)
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == [user.email]
    assert "America/Bogota" in notice.body
    occurrence.refresh_from_db()
    assert run(occurrence.start_utc - dt.timedelta(hours=23), django_capture_on_commit_callbacks) == 1


def test_cancellation_notice_to_registered_and_waiting(make_event, django_capture_on_commit_callbacks):
    event = make_event(capacity=1)
    occurrence = event.occurrences.get()
    a, b = UserFactory(), UserFactory()
    services.event_register(user=a, occurrence_id=occurrence.pk)
    services.event_register(user=b, occurrence_id=occurrence.pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event, reason="The venue flooded.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.email, b.email])
    assert all("The venue flooded." in m.body for m in mail.outbox)
    # No reminders for a cancelled event.
    assert run(occurrence.start_utc - dt.timedelta(minutes=30), django_capture_on_commit_callbacks) == 0


def test_notice_tasks_are_idempotent(registered):
    _event, occurrence, user = registered
    registration = occurrence.registrations.get()
    tasks.notify_registration(registration.pk, "waitlisted")  # no longer true: nothing sent
    tasks.notify_occurrence_change(
        occurrence.pk, "cancelled", occurrence.start_utc.isoformat()
    )  # not cancelled
    tasks.notify_occurrence_change(occurrence.pk, "moved", occurrence.start_utc.isoformat())  # not moved
    assert mail.outbox == []
