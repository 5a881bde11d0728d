"""Events e-mails through cop.mail: one participant per task, so a failing mail server never makes
anyone receive a notice twice; notices carry the session as an .ics file."""

import datetime as dt
from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from icalendar import Calendar

from cop.models import MailStatus, SentMail
from events import services, tasks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/km4b-webinar"


@pytest.fixture
def failing_smtp(monkeypatch):
    """The mail server refuses the sends whose numbers are in `fail_on` (1-based). Eager tasks run
    their retries in place when errors are not propagated (the embedded default), so this turns the
    test settings' propagation off."""
    monkeypatch.setitem(tasks.send_occurrence_change.app.conf, "task_eager_propagates", False)
    state = {"calls": 0, "fail_on": set()}
    real = locmem.EmailBackend.send_messages

    def send_messages(self, messages):
        state["calls"] += 1
        if state["calls"] in state["fail_on"]:
            raise SMTPException("421 Service not available, try again later")
        return real(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)
    return state


@pytest.fixture
def five_registered(make_event, django_capture_on_commit_callbacks):
    event = make_event(capacity=10)
    occurrence = event.occurrences.get()
    people = [UserFactory() for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        for person in people:
            services.event_register(user=person, occurrence_id=occurrence.pk)
    mail.outbox.clear()
    return occurrence, people


def moved_notice(occurrence) -> int:
    """What services.event_update queues when the session moves one hour later."""
    return tasks.notify_occurrence_change(
        occurrence.pk, "moved", (occurrence.start_utc - dt.timedelta(hours=1)).isoformat()
    )


def test_smtp_failure_on_the_third_of_five_is_retried_and_mails_nobody_twice(five_registered, failing_smtp):
    occurrence, people = five_registered
    failing_smtp["fail_on"] = {3}
    assert moved_notice(occurrence) == 5
    assert failing_smtp["calls"] == 6  # five sends and the third one's retry
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    # The fan-out delivered again (a broker redelivery, a second run): nobody gets it twice.
    assert moved_notice(occurrence) == 5
    assert len(mail.outbox) == 5
    assert SentMail.objects.filter(kind="events.occurrence_moved", status=MailStatus.SENT).count() == 5


def test_a_notice_that_failed_for_good_is_sent_alone_by_a_rerun(five_registered, failing_smtp, monkeypatch):
    occurrence, people = five_registered
    monkeypatch.setattr(tasks.send_occurrence_change, "max_retries", 0)
    failing_smtp["fail_on"] = {3}
    moved_notice(occurrence)
    assert len(mail.outbox) == 4
    (failed,) = SentMail.objects.filter(status=MailStatus.FAILED)
    assert failed.to not in {m.to[0] for m in mail.outbox}
    moved_notice(occurrence)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)  # each exactly once
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (MailStatus.SENT, 2)


def test_registration_e_mail_carries_the_session_as_ics(make_event, django_capture_on_commit_callbacks):
    event = make_event(capacity=1)
    occurrence = event.occurrences.get()
    first, second = UserFactory(preferred_language="es"), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_register(user=first, occurrence_id=occurrence.pk)
        services.event_register(user=second, occurrence_id=occurrence.pk)
    registered, waitlisted = mail.outbox
    ((filename, content, mimetype),) = registered.attachments
    assert (filename, mimetype) == (f"{event.slug}.ics", "text/calendar")
    (vevent,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(vevent["summary"]) == event.title
    assert vevent.decoded("dtstart") == occurrence.start_utc
    assert LINK in content  # a confirmed registrant gets the join link, in the file too
    assert waitlisted.attachments == []  # no seat, no calendar entry
    assert "/es/" in registered.body and registered.alternatives[0][1] == "text/html"


def test_reminder_and_change_notices_carry_the_ics_without_a_link_for_those_waiting(
    make_event, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    occurrence = event.occurrences.get()
    seated, waiting = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_register(user=seated, occurrence_id=occurrence.pk)
        services.event_register(user=waiting, occurrence_id=occurrence.pk)
    mail.outbox.clear()
    moved_notice(occurrence)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    seated_ics = by_recipient[seated.email].attachments[0][1]
    waiting_ics = by_recipient[waiting.email].attachments[0][1]
    assert LINK in seated_ics and LINK not in waiting_ics
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send_due(now=occurrence.start_utc - dt.timedelta(minutes=55))
    (reminder,) = mail.outbox
    assert reminder.to == [seated.email] and reminder.attachments[0][0].endswith(".ics")


def test_followup_is_one_task_per_person_in_their_language(make_event, django_capture_on_commit_callbacks):
    event = make_event()
    occurrence = event.occurrences.get()
    french, russian = UserFactory(preferred_language="fr"), UserFactory(preferred_language="ru")
    with django_capture_on_commit_callbacks(execute=True):
        for person in (french, russian):
            services.event_register(user=person, occurrence_id=occurrence.pk)
    mail.outbox.clear()
    type(event).objects.filter(pk=event.pk).update(followup_published_at=occurrence.end_utc)
    assert tasks.announce_followup(event.pk) == 2
    assert tasks.announce_followup(event.pk) == 2  # run again: queued again, sent once
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 2
    assert "/fr/" in by_recipient[french.email].body and "/ru/" in by_recipient[russian.email].body


def test_fan_out_reads_the_participants_in_constant_queries(five_registered, django_assert_num_queries):
    occurrence, _people = five_registered
    with mock.patch.object(tasks.send_occurrence_change, "delay") as queued, django_assert_num_queries(2):
        assert moved_notice(occurrence) == 5
    assert queued.call_count == 5
    assert mail.outbox == []
