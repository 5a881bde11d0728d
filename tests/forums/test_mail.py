"""Forum e-mails through cop.mail: HTML and text parts with absolute links, and digests that a retry
after a mail-server failure sends once."""

from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from cop.models import MailStatus, SentMail
from forums import services, tasks
from forums.models import EmailFrequency, Notification
from tests.factories import forums_thread
from tests.forums.services.test_notifications import reply, set_frequency

pytestmark = pytest.mark.django_db


def test_notification_has_text_and_html_with_links_on_the_served_host(
    settings, board, people, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://km4b.example.org"
    thread = forums_thread(board=board, author=people["member"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post = reply(thread, people["other_member"])
    (message,) = mail.outbox
    assert message.subject.startswith("[KM4B] ")
    post_url = "https://km4b.example.org" + reverse("forums:post", kwargs={"pk": post.pk})
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://km4b.example.org/")
    for part in (message.body, html):
        assert "https://km4b.example.org/en/forums/unsubscribe/" in part
    assert 'href="/' not in html
    notification = Notification.objects.get(recipient=people["member"])
    assert SentMail.objects.get(kind="forums.notification").status == MailStatus.SENT
    assert notification.emailed_at is not None
    assert post_url in message.body and f'<a href="{post_url}"' in html


def test_a_digest_refused_by_the_mail_server_is_sent_once_by_the_retry(
    board, people, django_capture_on_commit_callbacks
):
    set_frequency(people["member"], EmailFrequency.DAILY)
    thread = forums_thread(board=board, author=people["member"], title="Pollinators")
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, people["other_member"], body="One")
    mail.outbox.clear()
    with (
        mock.patch.object(mail.EmailMessage, "send", side_effect=SMTPException("451 try later")),
        pytest.raises(SMTPException),
    ):
        services.digest_send(user_id=people["member"].pk)  # one attempt of the task
    assert Notification.objects.get(recipient=people["member"]).emailed_at is None
    assert tasks.send_digest(people["member"].pk) == 1  # the retry
    assert tasks.send_digest(people["member"].pk) == 0  # and a duplicate run
    assert [m.to for m in mail.outbox] == [[people["member"].email]]
    assert Notification.objects.get(recipient=people["member"]).emailed_at is not None
