"""The one mailer: every e-mail the site's apps send is rendered and sent here (after pretix's
services/mail.py).

A message goes to one recipient, in their language (their profile's, else the site's default) and
time zone, with absolute URLs on SITE_URL, the subject prefix, a text part and an HTML part, and
optional attachments (an event's .ics). `mail_send` records it in `SentMail` under a key naming the
kind, the object, its version and the recipient, so a retried or repeated task never sends it twice.

Delivery is at most once: the key is claimed (committed, status "sending") before the mail server is
asked, and marked "sent" after. A mail-server error marks it "failed" and is raised again, so the task
retries and the retry sends it. A worker that dies between the server's acceptance and the record
leaves it "sending": it is not sent again (a lost notice is rarer and less harmful than a repeated
one, and two workers running the same task at once cannot both send).
"""

import hashlib
import logging
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string, select_template
from django.utils import timezone, translation

from cop.models import MailStatus, SentMail

logger = logging.getLogger(__name__)

HTML_LAYOUT = "email/base.html"
KEY_MAX_LENGTH = 255


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def ics_attachment(content: bytes, *, filename: str = "event.ics") -> Attachment:
    """A calendar file as an attachment that calendar programs offer to add."""
    return Attachment(filename=filename, content=content, mimetype="text/calendar")


def absolute_url(path: str) -> str:
    """`path` on the served host (SITE_URL); full addresses are returned unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def recipient_language(user) -> str:
    """The language a person reads their e-mail in: their profile's, else the site's default."""
    code = getattr(user, "preferred_language", "") or ""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def recipient_time_zone(user) -> str:
    name = getattr(user, "time_zone", "") or "UTC"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def message_render(
    *,
    template: str,
    context: dict | Callable[[], dict],
    to: str,
    language: str,
    time_zone: str = "UTC",
    headers: dict | None = None,
    attachments: Iterable[Attachment] | Callable[[], Iterable[Attachment]] = (),
) -> EmailMultiAlternatives:
    """Renders `<template>_subject.txt`, `_body.txt` and `_body.html` (or the shared HTML layout around
    the text) in `language` and `time_zone`. A callable `context` or `attachments` is called inside
    them, so that the URLs it reverses and the words it writes are the recipient's."""
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(time_zone)):
        context = {
            "site_url": settings.SITE_URL,
            "recipient_time_zone": time_zone,
            **(context() if callable(context) else context),
        }
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}_body.txt", context)
        html = select_template([f"{template}_body.html", HTML_LAYOUT]).render(
            {
                **context,
                "subject": subject,
                # A plain str, not the SafeString render_to_string returns: the layout escapes it.
                "body_text": str.__str__(text),
                "language_code": language,
                "direction": "rtl" if translation.get_language_bidi() else "ltr",
            }
        )
        attachments = list(attachments() if callable(attachments) else attachments)
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    return message


def mail_key(kind: str, key: str, to: str) -> str:
    """The record's unique key: kind, object and version (`key`), recipient; hashed when too long."""
    full = f"{kind}:{key}:{to.strip().lower()}"
    if len(full) <= KEY_MAX_LENGTH:
        return full
    return f"{kind[:100]}:sha256:{hashlib.sha256(full.encode()).hexdigest()}"


def _claim(*, key: str, kind: str, to: str, language: str, subject: str) -> bool:
    """Takes the message for this attempt: a new key, or one whose last attempt failed. False when it
    was sent, or is being sent by another attempt (or one that died: see the module's docstring)."""
    # get_or_create survives a concurrent insert of the same key; the update takes a failed row only
    # if no other attempt took it first.
    row, created = SentMail.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind[:80],
            "to": to,
            "language": language,
            "subject": subject[:255],
            "status": MailStatus.SENDING,
            "attempts": 1,
        },
    )
    if created:
        return True
    return bool(
        SentMail.objects.filter(pk=row.pk, status=MailStatus.FAILED).update(
            status=MailStatus.SENDING, attempts=F("attempts") + 1, subject=subject[:255]
        )
    )


def mail_send(
    *,
    kind: str,
    key: str,
    template: str,
    context: dict | Callable[[], dict],
    recipient=None,
    to: str | None = None,
    language: str | None = None,
    headers: dict | None = None,
    attachments: Iterable[Attachment] | Callable[[], Iterable[Attachment]] = (),
    on_sent: Callable[[], None] | None = None,
) -> bool:
    """Sends one message to `recipient` (a user: their address, language and time zone) or to the
    address `to` in `language`, unless the message `kind`+`key` went to that address already. Returns
    True when sent now. A mail-server error is recorded and raised again (the task retries); `on_sent`
    runs in the transaction that records the message as sent."""
    address = to or recipient.email
    record_key = mail_key(kind, key, address)
    if SentMail.objects.filter(key=record_key, status__in=[MailStatus.SENT, MailStatus.SENDING]).exists():
        return False
    language = language or recipient_language(recipient)
    time_zone = recipient_time_zone(recipient) if recipient is not None else "UTC"

    def full_context() -> dict:
        own = context() if callable(context) else context
        return own if recipient is None else {"recipient": recipient, **own}

    message = message_render(
        template=template,
        context=full_context,
        to=address,
        language=language,
        time_zone=time_zone,
        headers=headers,
        attachments=attachments,
    )
    if not _claim(key=record_key, kind=kind, to=address, language=language, subject=message.subject):
        return False
    try:
        message.send()
    except Exception as error:
        SentMail.objects.filter(key=record_key).update(status=MailStatus.FAILED, last_error=repr(error)[:500])
        logger.warning("mail: %s to %s failed (%r), left for a retry", kind, address, error)
        raise
    with transaction.atomic():
        SentMail.objects.filter(key=record_key).update(status=MailStatus.SENT, sent_at=timezone.now())
        if on_sent is not None:
            on_sent()
    return True


def sent_mail_prune(*, now=None) -> int:
    """Deletes the records of e-mails older than MAIL_RECORD_DAYS (long past any retry); returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.MAIL_RECORD_DAYS)
    deleted, _by_model = SentMail.objects.filter(created_at__lt=cutoff).delete()
    return deleted
