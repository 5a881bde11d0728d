"""Celery tasks of the practitioner network: they take ids, call a service or the mailer, and are
idempotent (cop.mail records what was sent)."""

from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from cop.mail import absolute_url, mail_send

from .matching import match_participants
from .models import ContactMessage, CuratedEntry, MatchMessage
from .services.curated import claim_link_days, claim_token
from .services.exchange import exchanges_expire


@shared_task
def send_contact_message(message_id: int) -> None:
    """Sends a relayed contact message to its recipient, Reply-To its sender."""
    message = ContactMessage.objects.select_related("sender", "recipient").filter(pk=message_id).first()
    if message is None:
        return
    mail_send(
        kind="network-contact",
        key=str(message.pk),
        template="cop_network/email/contact",
        context=lambda: {
            "message": message,
            "sender_name": message.sender.public_name,
            "sender_profile_url": absolute_url(reverse("cop_network:profile", args=[message.sender_id])),
        },
        recipient=message.recipient,
        headers={"Reply-To": message.sender.email},
    )


@shared_task
def notify_match_message(message_id: int) -> None:
    """Tells the people on the other side of a match (and nobody else) that a message is waiting."""
    message = (
        MatchMessage.objects.select_related("match__need", "match__offer", "author")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return
    for person in match_participants(message.match):
        if person.pk == message.author_id:
            continue
        mail_send(
            kind="network-match-message",
            key=str(message.pk),
            template="cop_network/email/match_message",
            context=lambda: {
                "match": message.match,
                "author_name": message.author.public_name if message.author else "",
                "match_url": absolute_url(reverse("cop_network:match", args=[message.match_id])),
            },
            recipient=person,
        )


@shared_task
def expire_exchanges() -> int:
    """Daily: published needs and offers past their date become expired (running it twice changes
    nothing more)."""
    return exchanges_expire(today=timezone.localdate())


@shared_task
def send_curated_invitation(entry_id: int) -> None:
    """Sends the claim link to a curated entry's address (once per invitation)."""
    entry = CuratedEntry.objects.filter(pk=entry_id, claimed_at__isnull=True).first()
    if entry is None or entry.invited_at is None:
        return
    mail_send(
        kind="network-curated-invitation",
        key=f"{entry.pk}:{entry.invited_at.timestamp():.0f}",
        template="cop_network/email/curated_invitation",
        context=lambda: {
            "entry": entry,
            "claim_url": absolute_url(reverse("cop_network:curated_claim", args=[claim_token(entry)])),
            "days": claim_link_days(),
        },
        to=entry.email,
    )
