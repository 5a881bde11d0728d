"""Two people taking the last seat at once never overbook it: registrations race on PostgreSQL, each
thread with its own database connection, all released together by a barrier. The seat count is taken
with the occurrence row locked (SELECT ... FOR UPDATE), so exactly `capacity` people get a seat and
the others are waitlisted in order. The SQLite-safe unit test of the same rule is
tests/events/services/test_registration.py::test_capacity_logic_is_pure."""

import json

import pytest

pytestmark = pytest.mark.stack

RACE = r"""
import datetime as dt, json, threading
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.crypto import get_random_string
from events import services
from events.models import EventPage, Registration

tag = get_random_string(8).lower()
day = dt.date.today() + dt.timedelta(days=5)
event = services.event_create(page=EventPage(
    title=f"Last seat {tag}", slug=f"last-seat-{tag}", summary="A race for the last seats.",
    time_zone="Europe/Paris", start_date=day, start_time=dt.time(10), end_date=day, end_time=dt.time(11),
    capacity=CAPACITY,
))
occurrence = event.occurrences.get()
users = [get_user_model().objects.create_user(email=f"race{i}-{tag}@km4b.test") for i in range(PEOPLE)]
barrier = threading.Barrier(len(users))
outcomes, vendors = [], set()

def register(user):
    try:
        barrier.wait()
        vendors.add(connection.vendor)
        outcomes.append(services.event_register(user=user, occurrence_id=occurrence.pk).status)
    except Exception as exc:
        outcomes.append(type(exc).__name__)
    finally:
        connection.close()

threads = [threading.Thread(target=register, args=(user,)) for user in users]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()

# Then everyone holding a seat cancels at once while newcomers register: still never over capacity.
holders = list(Registration.objects.filter(occurrence=occurrence, status="registered"))
newcomers = [get_user_model().objects.create_user(email=f"late{i}-{tag}@km4b.test") for i in range(PEOPLE)]
barrier = threading.Barrier(len(holders) + len(newcomers))

def cancel(registration):
    try:
        barrier.wait()
        services.registration_cancel(registration_id=registration.pk)
    finally:
        connection.close()

threads = [threading.Thread(target=cancel, args=(r,)) for r in holders]
threads += [threading.Thread(target=register, args=(u,)) for u in newcomers]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
held = Registration.objects.filter(occurrence=occurrence, status__in=["registered", "offered"]).count()
print("RESULT " + json.dumps({"outcomes": outcomes, "vendors": sorted(vendors), "held": held}))
"""


def test_the_last_seat_is_never_overbooked(stack):
    capacity, people = 3, 12
    code = RACE.replace("CAPACITY", str(capacity)).replace("PEOPLE", str(people))
    output = stack.manage("shell", "-c", code, timeout=300)
    result = json.loads(output.split("RESULT ", 1)[1].splitlines()[0])
    assert result["vendors"] == ["postgresql"]
    first_round = result["outcomes"][:people]
    assert first_round.count("registered") == capacity, result
    assert first_round.count("waitlisted") == people - capacity, result
    assert all(outcome in ("registered", "waitlisted") for outcome in result["outcomes"]), result
    # After the cancellations the freed seats went out as offers, never beyond capacity.
    assert result["held"] == capacity, result
