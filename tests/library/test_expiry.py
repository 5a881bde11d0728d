"""Consent expiry on a frozen clock: the decision hides an item the day after its consent's expiry
date, before the daily task runs; the task marks it expired (no actor), logs it, tells each custodian
once (a rerun or a retry sends nothing), and is scheduled daily."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from cop.library import tasks
from cop.library.models import ConsentAction, ConsentLogEntry, ConsentStatus
from cop.library.permissions import Access, access
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

EXPIRES = datetime.date(2026, 6, 30)


@pytest.fixture
def clock(monkeypatch):
    """Moves django.utils.timezone.now (and so localdate) to noon UTC of a given day."""

    def set_day(day: datetime.date):
        moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_day


def _fresh(page):
    return type(page).objects.get(pk=page.pk)


def test_expiry_hides_at_once_then_the_task_expires_logs_and_mails_once(
    cast, clock, django_capture_on_commit_callbacks
):
    clock(datetime.date(2026, 6, 1))
    page, consent = cast.tk_case_study(expires_on=EXPIRES)
    second = MembershipFactory(community=cast.holder).user
    consent.custodians.add(second)
    member = cast.user("holder_member")
    clock(EXPIRES)
    assert access(member, _fresh(page)) == Access.FULL  # valid through its last day
    assert tasks.expire_consents() == 0
    clock(EXPIRES + datetime.timedelta(days=1))
    # Before the task runs, the decision already hides it.
    assert access(cast.user("holder_member"), _fresh(page)) == Access.HIDDEN
    assert access(cast.user("custodian"), _fresh(page)) == Access.FULL
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_consents() == 1
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.EXPIRED
    assert consent.version == 2
    entry = ConsentLogEntry.objects.get(consent=consent)
    assert (entry.action, entry.actor) == (ConsentAction.EXPIRED, None)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.users["custodian"].email, second.email])
    assert all("expired" in m.subject for m in mail.outbox)
    # Idempotent: a rerun expires nothing, a retried mail task sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_consents() == 0
    assert tasks.notify_consent_expired(consent.pk, consent.version) == 2
    assert tasks.send_consent_expired(consent.pk, second.pk, consent.version) is False
    assert len(mail.outbox) == 2
    assert ConsentLogEntry.objects.filter(consent=consent).count() == 1


def test_a_consent_restored_before_the_mail_goes_out_sends_nothing(cast, clock):
    clock(datetime.date(2026, 6, 1))
    page, consent = cast.tk_case_study(expires_on=EXPIRES)
    clock(EXPIRES + datetime.timedelta(days=2))
    tasks.expire_consents()  # on_commit callbacks not run: the mails are still to go
    consent.refresh_from_db()
    expired_version = consent.version
    from cop.library.services.consent import consent_restore

    consent_restore(
        user=cast.users["custodian"], consent=consent, consented_on=EXPIRES + datetime.timedelta(days=1)
    )
    assert tasks.notify_consent_expired(consent.pk, expired_version) == 0
    assert tasks.send_consent_expired(consent.pk, cast.users["custodian"].pk, expired_version) is False
    assert mail.outbox == []


def test_expiry_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["library-expire-consents"]
    assert entry == {"task": "cop.library.tasks.expire_consents", "schedule": 24 * 3600}
