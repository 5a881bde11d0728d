"""E-mails to participants, each rendered in the recipient's language and time zone."""

import zoneinfo
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation


def absolute(path: str) -> str:
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))


def event_url(event) -> str:
    return absolute(event.get_url() or "/")


def _recipient_zone(user):
    try:
        return zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def send_to_user(user, template: str, context: dict) -> None:
    """Renders templates/events/email/<template>_subject.txt and _body.txt for `user` and sends them."""
    with (
        translation.override(user.preferred_language or settings.LANGUAGE_CODE),
        timezone.override(_recipient_zone(user)),
    ):
        context = {
            **context,
            "recipient": user,
            "recipient_time_zone": user.time_zone or "UTC",
            "site_url": settings.SITE_URL,
            "my_events_url": absolute(reverse("events:my_events")),
        }
        if "event" in context:
            context.setdefault("event_url", event_url(context["event"]))
        subject = render_to_string(f"events/email/{template}_subject.txt", context).strip().replace("\n", " ")
        body = render_to_string(f"events/email/{template}_body.txt", context)
    send_mail(f"[KM4B] {subject}", body, None, [user.email])
