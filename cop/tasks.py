"""E-mails about membership, sent by Celery after the change is committed, through cop.mail.

Tasks take ids, reload the row and send only if the notice is still due. Each e-mail task sends to one
person and cop.mail records it under a key, so a retried or repeated task never sends twice; a failing
SMTP server is retried with back-off and the membership change stays saved.
"""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cop.mail import absolute_url, mail_send, sent_mail_prune
from cop.models import Invitation, Membership, MembershipStatus, Role
from cop.services import INVITATION_MAX_AGE, invitation_token

logger = logging.getLogger(__name__)

RETRY_OPTIONS = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**RETRY_OPTIONS)
def notify_membership_requested(membership_id: int) -> int:
    """Tells the community's facilitators (or, if it has none, the organisers) that someone asks to
    join: one e-mail task each, then marks the request notified. Returns the number of tasks queued."""
    membership = Membership.objects.filter(pk=membership_id).first()
    if membership is None or membership.status != MembershipStatus.PENDING or membership.request_notified_at:
        return 0
    recipient_ids = list(
        Membership.objects.filter(
            community_id=membership.community_id, status=MembershipStatus.ACTIVE, role=Role.FACILITATOR
        ).values_list("user_id", flat=True)
    )
    if not recipient_ids:
        # A community set up in the admin may have no facilitator yet: its organisers decide.
        recipient_ids = list(
            get_user_model().objects.filter(is_superuser=True, is_active=True).values_list("pk", flat=True)
        )
    # Outside any transaction (a task), so each is queued at once; a rerun queues them again and
    # cop.mail's keys make the copies send nothing.
    version = membership.updated_at.isoformat()
    for recipient_id in recipient_ids:
        send_membership_requested.delay(membership.pk, recipient_id, version)
    Membership.objects.filter(pk=membership.pk).update(request_notified_at=timezone.now())
    logger.info("cop: request %s notified to %s facilitators", membership.pk, len(recipient_ids))
    return len(recipient_ids)


@shared_task(**RETRY_OPTIONS)
def send_membership_requested(membership_id: int, recipient_id: int, version: str) -> bool:
    """E-mails one facilitator about a pending request (`version` tells one request from a later one)."""
    membership = Membership.objects.select_related("user", "community").filter(pk=membership_id).first()
    recipient = get_user_model().objects.filter(pk=recipient_id, is_active=True).first()
    if membership is None or recipient is None or membership.status != MembershipStatus.PENDING:
        return False
    return mail_send(
        kind="cop.membership_requested",
        key=f"{membership.pk}:{version}",
        recipient=recipient,
        template="cop/email/membership_requested",
        context=lambda: {
            "membership": membership,
            "requester": membership.user,
            "community": membership.community,
            "community_url": absolute_url(membership.community.url),
            "manage_url": absolute_url(reverse("cop:community_manage", args=[membership.community_id])),
        },
    )


@shared_task(**RETRY_OPTIONS)
def notify_membership_decided(membership_id: int) -> int:
    """Tells the requester whether the facilitators approved or declined the request."""
    membership = Membership.objects.select_related("user", "community").filter(pk=membership_id).first()
    if (
        membership is None
        or membership.decision_notified_at
        or membership.status not in (MembershipStatus.ACTIVE, MembershipStatus.DECLINED)
    ):
        return 0
    template = (
        "membership_approved" if membership.status == MembershipStatus.ACTIVE else "membership_declined"
    )
    sent = mail_send(
        kind=f"cop.{template}",
        key=f"{membership.pk}:{membership.updated_at.isoformat()}",
        recipient=membership.user,
        template=f"cop/email/{template}",
        context=lambda: {
            "membership": membership,
            "community": membership.community,
            "community_url": absolute_url(membership.community.url),
        },
        on_sent=lambda: Membership.objects.filter(pk=membership.pk).update(
            decision_notified_at=timezone.now()
        ),
    )
    return int(sent)


@shared_task(**RETRY_OPTIONS)
def send_invitation(invitation_id: int) -> int:
    """Sends the signed invitation link to the invited address."""
    invitation = Invitation.objects.select_related("community", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_open or invitation.sent_at:
        return 0
    # Someone who already has an account reads it in their own language, others in the inviter's.
    account = get_user_model().objects.filter(email__iexact=invitation.email).first()
    sent = mail_send(
        kind="cop.invitation",
        key=str(invitation.pk),
        to=invitation.email,
        language=(account.preferred_language if account else "") or invitation.language,
        template="cop/email/invitation",
        context=lambda: {
            "invitation": invitation,
            "community": invitation.community,
            "community_url": absolute_url(invitation.community.url),
            "inviter": invitation.invited_by,
            "accept_url": absolute_url(reverse("cop:invitation", args=[invitation_token(invitation)])),
            "valid_days": INVITATION_MAX_AGE // (24 * 3600),
        },
        on_sent=lambda: Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now()),
    )
    return int(sent)


@shared_task
def prune_sent_mail() -> int:
    """Run daily by Celery beat: forgets the records of e-mails sent over MAIL_RECORD_DAYS ago."""
    return sent_mail_prune()
