"""The forum e-mails, sent through cop.mail in the recipient's language, each with a one-click
unsubscribe link and the List-Unsubscribe headers (RFC 2369 and RFC 8058)."""

import hashlib

from django.urls import reverse
from django.utils import timezone, translation

from cop.mail import absolute_url, mail_send, recipient_language

from .models import Notification
from .tokens import unsubscribe_token


def _links(user) -> dict:
    return {
        "unsubscribe_url": absolute_url(
            reverse("forums:unsubscribe", kwargs={"token": unsubscribe_token(user)})
        ),
        "settings_url": absolute_url(reverse("forums:notification_settings")),
        "notifications_url": absolute_url(reverse("forums:notifications")),
    }


def _unsubscribe_headers(user) -> dict:
    with translation.override(recipient_language(user)):
        unsubscribe = _links(user)["unsubscribe_url"]
    return {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _item(notification) -> dict:
    url = ""
    if notification.post_id:
        url = absolute_url(reverse("forums:post", kwargs={"pk": notification.post_id}))
    elif notification.thread_id:
        url = absolute_url(reverse("forums:thread", kwargs={"pk": notification.thread_id}))
    return {"notification": notification, "url": url}


def _mark_emailed(notification_ids: list[int]) -> None:
    Notification.objects.filter(pk__in=notification_ids).update(emailed_at=timezone.now())


def notification_mail_send(notification) -> bool:
    """E-mails one notification to its recipient (once: keyed on the notification) and marks it
    e-mailed. Raises on a mail-server failure, for the task to retry."""
    user = notification.recipient
    return mail_send(
        kind="forums.notification",
        key=str(notification.pk),
        recipient=user,
        template="forums/email/notification",
        context=lambda: {
            **_links(user),
            "user": user,
            "item": _item(notification),
            "notification": notification,
        },
        headers=_unsubscribe_headers(user),
        on_sent=lambda: _mark_emailed([notification.pk]),
    )


def digest_mail_send(user, notifications) -> bool:
    """E-mails one person's digest of `notifications` and marks them e-mailed; keyed on the
    notifications it lists, so a retry of the same digest sends nothing twice."""
    ids = sorted(n.pk for n in notifications)
    listed = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:32]
    return mail_send(
        kind="forums.digest",
        key=f"{user.pk}:{listed}",
        recipient=user,
        template="forums/email/digest",
        context=lambda: {
            **_links(user),
            "user": user,
            "items": [_item(n) for n in notifications],
            "count": len(notifications),
        },
        headers=_unsubscribe_headers(user),
        on_sent=lambda: _mark_emailed(ids),
    )
