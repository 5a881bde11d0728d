"""E-mails to participants, sent through cop.mail in the recipient's language and time zone."""

from collections.abc import Callable, Iterable

from django.urls import reverse

from cop.mail import Attachment, absolute_url, mail_send


def absolute(path: str) -> str:
    """`path` on the served host (cop.mail.absolute_url), for the feeds and e-mails of events."""
    return absolute_url(path)


def event_url(event) -> str:
    return absolute_url(event.get_url() or "/")


def participant_mail_send(
    *,
    user,
    template: str,
    key: str,
    context: dict | Callable[[], dict],
    attachments: Iterable[Attachment] | Callable[[], Iterable[Attachment]] = (),
) -> bool:
    """Sends templates/events/email/<template>_* to `user` once per `key` (the object and its version),
    with the addresses of the event and of My events."""

    def full_context() -> dict:
        own = context() if callable(context) else context
        full = {**own, "my_events_url": absolute_url(reverse("events:my_events"))}
        if "event" in full:
            full.setdefault("event_url", event_url(full["event"]))
        return full

    return mail_send(
        kind=f"events.{template}",
        key=key,
        recipient=user,
        template=f"events/email/{template}",
        context=full_context,
        attachments=attachments,
    )
