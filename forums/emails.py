"""Builds the forum e-mails, in the recipient's language, each with a one-click unsubscribe link and
the List-Unsubscribe headers (RFC 2369 and RFC 8058)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .tokens import unsubscribe_token


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _links(user) -> dict:
    return {
        "unsubscribe_url": _absolute(
            reverse("forums:unsubscribe", kwargs={"token": unsubscribe_token(user)})
        ),
        "settings_url": _absolute(reverse("forums:notification_settings")),
        "notifications_url": _absolute(reverse("forums:notifications")),
    }


def _message(user, template: str, context: dict) -> EmailMultiAlternatives:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {**context, **_links(user), "user": user, "site_url": settings.SITE_URL}
        subject = " ".join(render_to_string(f"forums/email/{template}_subject.txt", context).split())
        body = render_to_string(f"forums/email/{template}_body.txt", context)
        unsubscribe = context["unsubscribe_url"]
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return message


def _item(notification) -> dict:
    url = ""
    if notification.post_id:
        url = _absolute(reverse("forums:post", kwargs={"pk": notification.post_id}))
    elif notification.thread_id:
        url = _absolute(reverse("forums:thread", kwargs={"pk": notification.thread_id}))
    return {"notification": notification, "url": url}


def notification_message(notification) -> EmailMultiAlternatives:
    user = notification.recipient
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        item = _item(notification)
    return _message(user, "notification", {"item": item, "notification": notification})


def digest_message(user, notifications) -> EmailMultiAlternatives:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        items = [_item(n) for n in notifications]
    return _message(user, "digest", {"items": items, "count": len(items)})
