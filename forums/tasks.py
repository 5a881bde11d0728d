"""Celery tasks of the forums: they take ids, call a service and are safe to run twice.

E-mail tasks send to one person through cop.mail, which records each message so a retry never sends it
twice, and retry with back-off when the mail server fails: the post is already saved and its in-site
notification already exists, so a failed e-mail delays, never loses, anything.
"""

from smtplib import SMTPException

from celery import shared_task

from . import notifications, services

EMAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError, ConnectionError),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(autoretry_for=(Exception,), retry_backoff=30, max_retries=5)
def notify_post_published(post_id: int, mentions_only: bool = False) -> int:
    """Creates the notifications a newly published (or newly edited) post causes."""
    return len(services.notify_post_published(post_id=post_id, mentions_only=mentions_only))


@shared_task(**EMAIL_RETRY)
def send_notification_email(notification_id: int) -> bool:
    """E-mails one notification to someone who chose "immediately"."""
    return services.notification_email_send(notification_id=notification_id)


@shared_task(**EMAIL_RETRY)
def send_digest(user_id: int) -> int:
    """E-mails one person's daily digest."""
    return services.digest_send(user_id=user_id)


@shared_task
def send_daily_digests() -> int:
    """Run by Celery beat once a day: one digest task per person with something to read."""
    user_ids = list(notifications.digest_recipient_ids())
    for user_id in user_ids:
        send_digest.delay(user_id)
    return len(user_ids)
