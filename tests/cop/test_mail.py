"""cop.mail, the one mailer: language, absolute URLs, subject prefix, text and HTML parts, and the
SentMail record that keeps a retried task from mailing anyone twice."""

import datetime as dt
from smtplib import SMTPException
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.utils import timezone

from cop import services, tasks
from cop.mail import absolute_url, ics_attachment, mail_key, mail_send, recipient_language
from cop.models import MailStatus, Role, SentMail
from tests.factories import CommunityPageFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def approved(recipient, **extra):
    """A membership-approved e-mail to `recipient`, built from plain values."""
    return mail_send(
        kind="test.approved",
        key=extra.pop("key", "1"),
        recipient=recipient,
        template="cop/email/membership_approved",
        context=lambda: {
            "membership": SimpleNamespace(decision_reason="Welcome <b>aboard</b>"),
            "community": SimpleNamespace(title="Seed keepers"),
            "community_url": absolute_url("/communities/seed-keepers/"),
        },
        **extra,
    )


@pytest.fixture
def failing_smtp(monkeypatch):
    """The mail server refuses the sends whose numbers are in `fail_on` (1-based)."""
    state = {"calls": 0, "fail_on": set()}
    real = locmem.EmailBackend.send_messages

    def send_messages(self, messages):
        state["calls"] += 1
        if state["calls"] in state["fail_on"]:
            raise SMTPException("451 Temporary local problem")
        return real(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)
    return state


def test_text_and_html_parts_with_the_subject_prefix(settings):
    settings.SITE_URL = "https://km4b.example.org"
    user = UserFactory(preferred_language="en", display_name="Amina")
    assert approved(user) is True
    (message,) = mail.outbox
    assert message.subject == "[KM4B] Welcome to Seed keepers"
    assert message.to == [user.email]
    assert "Hello Amina," in message.body and "Welcome <b>aboard</b>" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="en" dir="ltr">' in html
    assert "Welcome &lt;b&gt;aboard&lt;/b&gt;" in html  # the text's user content is escaped in HTML
    assert '<a href="https://km4b.example.org/communities/seed-keepers/"' in html
    assert 'href="/' not in html  # every link on the served host


def test_each_recipient_reads_their_own_language():
    french = UserFactory(preferred_language="fr")
    arabic = UserFactory(preferred_language="ar")
    unknown = UserFactory(preferred_language="")
    for user in (french, arabic, unknown):
        approved(user)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient[french.email].subject == "[KM4B] Bienvenue dans Seed keepers"
    assert by_recipient[french.email].body.startswith("Bonjour ")
    arabic_html = by_recipient[arabic.email].alternatives[0][0]
    assert '<html lang="ar" dir="rtl">' in arabic_html
    assert by_recipient[arabic.email].subject == "[KM4B] أهلًا بك في Seed keepers"
    # No language chosen (or one the site does not offer): the site's default.
    assert recipient_language(unknown) == "en" == recipient_language(SimpleNamespace(preferred_language="xx"))
    assert by_recipient[unknown.email].subject == "[KM4B] Welcome to Seed keepers"


def test_urls_reversed_in_the_context_carry_the_recipients_language_on_the_served_host(
    settings, capture_commits
):
    settings.SITE_URL = "https://km4b.example.org/"
    community = CommunityPageFactory(title="Seed keepers", join_policy="approval")
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR, user__preferred_language="es")
    with capture_commits():
        services.membership_request(user=UserFactory(), community=community)
    (message,) = mail.outbox
    assert message.to == [facilitator.user.email]
    manage = f"https://km4b.example.org/es/communities/{community.pk}/manage/"
    assert manage in message.body
    assert f'<a href="{manage}"' in message.alternatives[0][0]


def test_a_message_is_sent_once_per_key_and_recipient():
    user, other = UserFactory(), UserFactory()
    assert approved(user) is True
    assert approved(user) is False  # the same message again: recorded, not sent
    assert approved(other) is True  # the same message to someone else
    assert approved(user, key="2") is True  # a new version of it
    assert [m.to for m in mail.outbox] == [[user.email], [other.email], [user.email]]
    row = SentMail.objects.get(key=mail_key("test.approved", "1", user.email))
    assert (row.status, row.attempts, row.kind, row.language) == (MailStatus.SENT, 1, "test.approved", "en")
    assert row.sent_at is not None


def test_a_refused_send_is_recorded_and_the_retry_sends_it(failing_smtp):
    user = UserFactory()
    failing_smtp["fail_on"] = {1}
    with pytest.raises(SMTPException):
        approved(user)
    row = SentMail.objects.get()
    assert (row.status, row.attempts) == (MailStatus.FAILED, 1)
    assert "451" in row.last_error
    assert mail.outbox == []
    assert approved(user) is True  # what the task's retry does
    assert approved(user) is False
    row.refresh_from_db()
    assert (row.status, row.attempts) == (MailStatus.SENT, 2)
    assert len(mail.outbox) == 1


def test_a_send_interrupted_before_its_record_is_not_repeated():
    """At most once: a worker that died between the mail server and the record left "sending"."""
    user = UserFactory()
    SentMail.objects.create(
        key=mail_key("test.approved", "1", user.email),
        kind="test.approved",
        to=user.email,
        language="en",
        status=MailStatus.SENDING,
        attempts=1,
    )
    assert approved(user) is False
    assert mail.outbox == []


def test_on_sent_runs_only_when_the_mail_is_out(failing_smtp):
    user = UserFactory()
    marks = []
    failing_smtp["fail_on"] = {1}
    with pytest.raises(SMTPException):
        approved(user, on_sent=lambda: marks.append("sent"))
    assert marks == []
    approved(user, on_sent=lambda: marks.append("sent"))
    assert marks == ["sent"]


def test_attachments_and_long_keys():
    user = UserFactory()
    calendar = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    assert approved(user, key="x" * 400, attachments=[ics_attachment(calendar, filename="seed.ics")])
    (message,) = mail.outbox
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == ("seed.ics", "text/calendar")
    assert "BEGIN:VCALENDAR" in content
    key = SentMail.objects.get().key
    assert len(key) <= 255 and key.startswith("test.approved:sha256:")
    assert approved(user, key="x" * 400) is False


def test_queries_per_message_are_constant(django_assert_num_queries):
    user = UserFactory()
    # Is it recorded?, claim (read, savepoint, insert, release), mark sent (savepoint, update, release).
    with django_assert_num_queries(8):
        assert approved(user) is True
    with django_assert_num_queries(1):
        assert approved(user) is False


def test_old_records_are_pruned_daily(settings):
    user = UserFactory()
    approved(user, key="old")
    approved(user, key="new")
    SentMail.objects.filter(key=mail_key("test.approved", "old", user.email)).update(
        created_at=timezone.now() - dt.timedelta(days=settings.MAIL_RECORD_DAYS + 1)
    )
    assert tasks.prune_sent_mail() == 1
    assert list(SentMail.objects.values_list("key", flat=True)) == [
        mail_key("test.approved", "new", user.email)
    ]
    assert settings.CELERY_BEAT_SCHEDULE["cop-prune-sent-mail"]["task"] == "cop.tasks.prune_sent_mail"
