"""Following, notifications in the site and by e-mail (immediate and digest), unsubscribe."""

from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from forums import services, tasks
from forums.models import EmailFrequency, Notification, NotificationKind, Post, Watch
from forums.tokens import unsubscribe_token
from tests.factories import UserFactory, forums_community_board, forums_member, forums_thread

pytestmark = pytest.mark.django_db


def reply(thread, author, body="I agree.", **kwargs):
    return services.post_create(thread=thread, author=author, body=body, **kwargs)


def set_frequency(user, frequency):
    services.notification_settings_update(user=user, email_frequency=frequency, auto_watch=True)


def test_author_and_repliers_watch_and_get_replies(board, people, django_capture_on_commit_callbacks):
    author, replier, third = people["member"], people["other_member"], people["moderator"]
    with django_capture_on_commit_callbacks(execute=True):
        thread = forums_thread(board=board, author=author)
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, replier)
    assert Notification.objects.filter(recipient=author, kind=NotificationKind.REPLY).count() == 1
    assert Watch.objects.filter(user=replier, thread=thread, active=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, third)
    kinds = sorted(
        Notification.objects.filter(post__number=3).values_list("recipient__display_name", flat=True)
    )
    assert kinds == ["Mara Member", "Otto Other"]
    assert not Notification.objects.filter(recipient=third).exists()  # never notified of one's own post


def test_board_and_tag_watchers_hear_of_new_threads(board, people, django_capture_on_commit_callbacks):
    from taggit.models import Tag

    services.watch_set(user=people["other_member"], board=board, active=True)
    tag = Tag.objects.create(name="youth", slug="youth")
    services.watch_set(user=people["moderator"], tag=tag, active=True)
    with django_capture_on_commit_callbacks(execute=True):
        thread = forums_thread(board=board, author=people["member"], tags=["youth"])
    got = set(
        Notification.objects.filter(thread=thread, kind="new_thread").values_list("recipient_id", flat=True)
    )
    assert got == {people["other_member"].pk, people["moderator"].pk}


def test_mentions_notify_once_and_outsiders_of_private_boards_are_not_notified(
    django_capture_on_commit_callbacks,
):
    private_board = forums_community_board(visibility="members", join_policy="open")
    member = UserFactory(display_name="Amina Diallo")
    author = UserFactory(display_name="Layla")
    outsider = UserFactory(display_name="Olga")
    forums_member(member, private_board)
    forums_member(author, private_board)
    with django_capture_on_commit_callbacks(execute=True):
        thread = forums_thread(board=private_board, author=author, body="Ask @[Amina Diallo] or @Olga")
    assert Notification.objects.filter(recipient=member, kind="mention").count() == 1
    assert not Notification.objects.filter(recipient=outsider).exists()
    post = thread.posts.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(post=post, editor=author, body=post.body + " again", expected_version=1)
    assert Notification.objects.filter(recipient=member).count() == 1


def test_quote_notifies_the_quoted_author(board, people, django_capture_on_commit_callbacks):
    thread = forums_thread(board=board, author=people["member"])
    services.watch_set(user=people["member"], thread=thread, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, people["other_member"], quoted_post=thread.posts.get())
    assert Notification.objects.get(recipient=people["member"]).kind == NotificationKind.QUOTE


def test_immediate_email_has_unsubscribe_link_and_headers(board, people, django_capture_on_commit_callbacks):
    thread = forums_thread(board=board, author=people["member"], title="Seed banks")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, people["other_member"], body="Our seed bank is in Nairobi.")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [people["member"].email]
    assert "Seed banks" in message.subject
    assert "Our seed bank is in Nairobi." in message.body
    token = unsubscribe_token(people["member"])
    assert reverse("forums:unsubscribe", args=[token]) in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Notification.objects.get(recipient=people["member"]).emailed_at is not None


def test_email_in_recipients_language(board, people, django_capture_on_commit_callbacks):
    people["member"].preferred_language = "fr"
    people["member"].save()
    thread = forums_thread(board=board, author=people["member"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, people["other_member"])
    assert "/fr/forums/" in mail.outbox[0].body


def test_failed_email_never_loses_the_post_and_is_retried(board, people, django_capture_on_commit_callbacks):
    assert SMTPException in tasks.send_notification_email.autoretry_for
    assert tasks.send_notification_email.max_retries >= 5
    thread = forums_thread(board=board, author=people["member"])
    mail.outbox.clear()
    with (
        mock.patch.object(mail.EmailMessage, "send", side_effect=SMTPException("mail server down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        post = reply(thread, people["other_member"], body="Still saved")
    assert Post.objects.filter(pk=post.pk).exists()
    notification = Notification.objects.get(recipient=people["member"])
    assert notification.emailed_at is None and mail.outbox == []
    # The retry Celery schedules runs the same task again: now the mail server answers.
    result = tasks.send_notification_email.apply(args=[notification.pk])
    assert result.successful() and result.result is True
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_broken_mail_and_broker_do_not_break_the_reply_page(
    client, board, people, django_capture_on_commit_callbacks
):
    thread = forums_thread(board=board, author=people["member"])
    client.force_login(people["other_member"])
    with (
        mock.patch.object(mail.EmailMessage, "send", side_effect=SMTPException("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("forums:reply", args=[thread.pk]),
            {"body": "Saved anyway", "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"},
        )
    assert response.status_code == 302
    assert Post.objects.filter(body="Saved anyway").exists()
    notification = Notification.objects.get(recipient=people["member"])
    assert notification.emailed_at is None  # still due: a later retry or the digest sends it


def test_email_sent_once_even_if_task_runs_twice(board, people, django_capture_on_commit_callbacks):
    thread = forums_thread(board=board, author=people["member"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, people["other_member"])
    notification = Notification.objects.get(recipient=people["member"])
    assert tasks.send_notification_email(notification.pk) is False
    assert tasks.notify_post_published(notification.post_id) == 0
    assert len(mail.outbox) == 1


def test_never_means_no_email_but_still_in_site(board, people, django_capture_on_commit_callbacks):
    set_frequency(people["member"], EmailFrequency.NEVER)
    thread = forums_thread(board=board, author=people["member"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, people["other_member"])
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=people["member"]).count() == 1


def test_daily_digest_groups_notifications(board, people, django_capture_on_commit_callbacks):
    set_frequency(people["member"], EmailFrequency.DAILY)
    thread = forums_thread(board=board, author=people["member"], title="Pollinators")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, people["other_member"], body="One")
        reply(thread, people["moderator"], body="Two")
    assert not [m for m in mail.outbox if m.to == [people["member"].email]]
    mail.outbox.clear()
    assert tasks.send_daily_digests() == 1
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert "2 new notifications" in digest.subject
    assert digest.body.count("Pollinators") == 2
    assert "List-Unsubscribe" in digest.extra_headers
    assert tasks.send_daily_digests() == 0  # nothing new: no second digest
    assert len(mail.outbox) == 1


def test_beat_schedule_runs_the_digest(settings):
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "forums.tasks.send_daily_digests" in entries


def test_one_click_unsubscribe_get_and_post(client, people):
    user = people["member"]
    token = unsubscribe_token(user)
    response = client.get(reverse("forums:unsubscribe", args=[token]))
    assert response.status_code == 200 and "You are unsubscribed" in response.text
    assert services.notification_settings_of(user).email_frequency == EmailFrequency.NEVER
    set_frequency(user, EmailFrequency.DAILY)
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(
        reverse("forums:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert services.notification_settings_of(user).email_frequency == EmailFrequency.NEVER


def test_forged_unsubscribe_token_is_400(client, people):
    response = client.get(reverse("forums:unsubscribe", args=["forged:token"]))
    assert response.status_code == 400
    assert services.notification_settings_of(people["member"]).email_frequency == EmailFrequency.IMMEDIATELY


def test_bell_count_notifications_page_and_mark_read(
    client, board, people, django_capture_on_commit_callbacks
):
    thread = forums_thread(board=board, author=people["member"])
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, people["other_member"])
        reply(thread, people["moderator"])
    client.force_login(people["member"])
    page = client.get(reverse("forums:index"))
    assert 'class="bell__count">2<' in page.text
    listing = client.get(reverse("forums:notifications"))
    assert listing.status_code == 200 and "replied in" in listing.text
    first = Notification.objects.filter(recipient=people["member"]).first()
    opened = client.get(reverse("forums:notification_open", args=[first.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("forums:post", args=[first.post_id])
    assert 'class="bell__count">1<' in client.get(reverse("forums:index")).text
    client.post(reverse("forums:notifications"))
    assert "bell__count" not in client.get(reverse("forums:index")).text


def test_someone_elses_notification_is_404(client, board, people, django_capture_on_commit_callbacks):
    thread = forums_thread(board=board, author=people["member"])
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, people["other_member"])
    notification = Notification.objects.get()
    client.force_login(people["other_member"])
    assert client.get(reverse("forums:notification_open", args=[notification.pk])).status_code == 404


def test_settings_page(client, people):
    client.force_login(people["member"])
    assert client.get(reverse("forums:notification_settings")).status_code == 200
    response = client.post(
        reverse("forums:notification_settings"), {"email_frequency": "daily", "auto_watch": "on"}
    )
    assert response.status_code == 302
    assert services.notification_settings_of(people["member"]).email_frequency == "daily"
    bad = client.post(reverse("forums:notification_settings"), {"email_frequency": "hourly"})
    assert bad.status_code == 400
