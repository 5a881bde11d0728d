"""events.services.waiting_list: a freed seat is offered to the next person waiting, held for them until
they accept, release it or the offer expires (then it passes on), and more seats offer more places."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import RegistrationStatus
from tests.factories import UserFactory

from .test_registration import occurrence_of

pytestmark = pytest.mark.django_db(transaction=False)


def three_in_line(event):
    """Three people register in turn for the event's one session: with one seat, two of them wait."""
    occurrence = occurrence_of(event)
    people = (UserFactory(), UserFactory(), UserFactory())
    registrations = tuple(
        services.event_register(user=person, occurrence_id=occurrence.pk) for person in people
    )
    return occurrence, people, registrations


def test_cancel_offers_seat_to_next_who_accepts(make_event, django_capture_on_commit_callbacks):
    event = make_event(capacity=1)
    occ, (a, b, c), (ra, rb, rc) = three_in_line(event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration_id=ra.pk, user=a)
    rb.refresh_from_db()
    rc.refresh_from_db()
    assert rb.status == RegistrationStatus.OFFERED
    assert rc.status == RegistrationStatus.WAITLISTED
    assert rb.offer_expires_at > timezone.now()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [b.email]
    assert "/offer/" in mail.outbox[0].body
    # The offered seat is held: a newcomer goes to the waiting list.
    newcomer = services.event_register(user=UserFactory(), occurrence_id=occ.pk)
    assert newcomer.status == RegistrationStatus.WAITLISTED
    services.offer_accept(registration_id=rb.pk)
    rb.refresh_from_db()
    assert rb.status == RegistrationStatus.REGISTERED
    with pytest.raises(services.OfferExpired):
        services.offer_accept(registration_id=rb.pk)


def test_unanswered_offer_passes_to_next(make_event, django_capture_on_commit_callbacks):
    event = make_event(capacity=1, offer_hours=2)
    occ, (a, b, c), (ra, rb, rc) = three_in_line(event)
    services.registration_cancel(registration_id=ra.pk)
    later = timezone.now() + dt.timedelta(hours=3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.offers_expire(now=later) == 1
    assert services.offers_expire(now=later) == 0
    rb.refresh_from_db()
    rc.refresh_from_db()
    assert rb.status == RegistrationStatus.EXPIRED
    assert rc.status == RegistrationStatus.OFFERED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([b.email, c.email])
    with pytest.raises(services.OfferExpired):
        services.offer_accept(registration_id=rb.pk)


def test_release_passes_seat_on(make_event):
    event = make_event(capacity=1)
    occ, (a, b, c), (ra, rb, rc) = three_in_line(event)
    services.registration_cancel(registration_id=ra.pk)
    services.offer_release(registration_id=rb.pk)
    rc.refresh_from_db()
    assert rc.status == RegistrationStatus.OFFERED


def test_raising_capacity_offers_seats(make_event):
    event = make_event(capacity=1)
    occ = occurrence_of(event)
    services.event_register(user=UserFactory(), occurrence_id=occ.pk)
    waiting = services.event_register(user=UserFactory(), occurrence_id=occ.pk)
    event.capacity = 2
    services.event_update(page=event)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.OFFERED
