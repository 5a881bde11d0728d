import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import Registration, RegistrationStatus
from tests.factories import UserFactory, events_membership

pytestmark = pytest.mark.django_db(transaction=False)


def occurrence_of(event):
    return event.occurrences.get()


def test_register_then_waitlist_when_full(make_event, django_capture_on_commit_callbacks):
    event = make_event(capacity=1)
    first, second = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        r1 = services.event_register(user=first, occurrence_id=occurrence_of(event).pk)
        r2 = services.event_register(user=second, occurrence_id=occurrence_of(event).pk)
    assert r1.status == RegistrationStatus.REGISTERED
    assert r2.status == RegistrationStatus.WAITLISTED
    assert [m.to for m in mail.outbox] == [[first.email], [second.email]]
    assert "https://meet.example.org/km4b-webinar" in mail.outbox[0].body
    assert "https://meet.example.org/km4b-webinar" not in mail.outbox[1].body


def test_capacity_logic_is_pure():
    assert services.decide_status(capacity=None, taken=500, anyone_waiting=False) == "registered"
    assert services.decide_status(capacity=2, taken=1, anyone_waiting=False) == "registered"
    assert services.decide_status(capacity=2, taken=2, anyone_waiting=False) == "waitlisted"
    # A seat freed while people wait goes to them, not to a newcomer.
    assert services.decide_status(capacity=2, taken=1, anyone_waiting=True) == "waitlisted"


def test_register_twice_is_refused(make_event):
    event = make_event()
    user = UserFactory()
    services.event_register(user=user, occurrence_id=occurrence_of(event).pk)
    with pytest.raises(services.AlreadyRegistered):
        services.event_register(user=user, occurrence_id=occurrence_of(event).pk)
    assert Registration.objects.count() == 1


def test_register_again_after_cancelling(make_event):
    event = make_event()
    user = UserFactory()
    reg = services.event_register(user=user, occurrence_id=occurrence_of(event).pk)
    services.registration_cancel(registration_id=reg.pk, user=user)
    again = services.event_register(user=user, occurrence_id=occurrence_of(event).pk)
    assert again.pk == reg.pk and again.status == RegistrationStatus.REGISTERED


def test_register_for_past_or_cancelled_or_closed(make_event):
    user = UserFactory()
    past = make_event(start_date=dt.date.today() - dt.timedelta(days=3))
    with pytest.raises(services.EventAlreadyStarted):
        services.event_register(user=user, occurrence_id=occurrence_of(past).pk)
    cancelled = make_event()
    services.event_cancel(event=cancelled, reason="The speaker is ill.")
    with pytest.raises(services.EventCancelled):
        services.event_register(user=user, occurrence_id=occurrence_of(cancelled).pk)
    closed = make_event(registration_mode="closed")
    with pytest.raises(services.RegistrationClosed):
        services.event_register(user=user, occurrence_id=occurrence_of(closed).pk)
    deadline = make_event(
        registration_mode="deadline", registration_deadline=timezone.now() + dt.timedelta(days=1)
    )
    services.event_register(user=user, occurrence_id=occurrence_of(deadline).pk)
    with pytest.raises(services.RegistrationClosed):
        services.event_register(
            user=UserFactory(),
            occurrence_id=occurrence_of(deadline).pk,
            now=timezone.now() + dt.timedelta(days=2),
        )
    assert Registration.objects.count() == 1


def test_members_only_event_needs_membership(make_event, private_community):
    event = make_event(community=private_community)
    outsider, member = UserFactory(), UserFactory()
    events_membership(member, private_community)
    with pytest.raises(services.RegistrationNotAllowed):
        services.event_register(user=outsider, occurrence_id=occurrence_of(event).pk)
    services.event_register(user=member, occurrence_id=occurrence_of(event).pk)


def test_capacity_below_registrations_is_refused(make_event):
    from django.core.exceptions import ValidationError

    event = make_event(capacity=3)
    occ = occurrence_of(event)
    for _ in range(2):
        services.event_register(user=UserFactory(), occurrence_id=occ.pk)
    event.capacity = 1
    with pytest.raises(ValidationError) as info:
        services.event_update(page=event)
    assert "capacity" in info.value.message_dict
    event.refresh_from_db()
    assert event.capacity == 3


def test_attendance_marking(make_event):
    event = make_event()
    occ = occurrence_of(event)
    organiser = UserFactory(is_superuser=True)
    a, b = UserFactory(), UserFactory()
    ra = services.event_register(user=a, occurrence_id=occ.pk)
    rb = services.event_register(user=b, occurrence_id=occ.pk)
    with pytest.raises(services.EventNotFinished):
        services.attendance_mark(occurrence=occ, present_ids={ra.pk}, by=organiser)
    with pytest.raises(services.RegistrationNotAllowed):
        services.attendance_mark(occurrence=occ, present_ids={ra.pk}, by=a, now=occ.start_utc)
    assert services.attendance_mark(occurrence=occ, present_ids={ra.pk}, by=organiser, now=occ.end_utc) == 1
    ra.refresh_from_db()
    rb.refresh_from_db()
    assert ra.attended is True and rb.attended is False
