"""E-mails about membership, sent by Celery after the change is committed.

Tasks take ids, reload the row and send only if the notice is still due, so a retried or repeated task
never sends twice. A failing SMTP server is retried with back-off; the membership change stays saved.
"""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cop.models import Invitation, Membership, MembershipStatus, Role

logger = logging.getLogger(__name__)

RETRY_OPTIONS = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


def _absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def _message(template: str, context: dict, to: str, language: str) -> EmailMessage:
    """Renders `cop/email/<template>_subject.txt` and `_body.txt` in the recipient's language."""
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL}
        if "community" in context:
            context["community_url"] = _absolute(context["community"].url)
        subject = render_to_string(f"cop/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"cop/email/{template}_body.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    return EmailMessage(subject=subject, body=body, to=[to])


def _send(messages: list[EmailMessage]) -> None:
    if messages:
        with get_connection() as connection:
            connection.send_messages(messages)


@shared_task(bind=True, **RETRY_OPTIONS)
def notify_membership_requested(self, membership_id: int) -> int:
    """Tells the community's facilitators (or, if it has none, the organisers) that someone asks to
    join. Returns the number of e-mails sent."""
    membership = Membership.objects.select_related("user", "community").filter(pk=membership_id).first()
    if membership is None or membership.status != MembershipStatus.PENDING or membership.request_notified_at:
        return 0
    recipients = [
        m.user
        for m in Membership.objects.filter(
            community_id=membership.community_id, status=MembershipStatus.ACTIVE, role=Role.FACILITATOR
        ).select_related("user")
    ]
    if not recipients:
        # A community set up in the admin may have no facilitator yet: its organisers decide.
        recipients = list(get_user_model().objects.filter(is_superuser=True, is_active=True))
    messages = []
    for recipient in recipients:
        language = recipient.preferred_language
        with translation.override(language):
            manage_url = _absolute(reverse("cop:community_manage", args=[membership.community_id]))
        messages.append(
            _message(
                "membership_requested",
                {
                    "membership": membership,
                    "requester": membership.user,
                    "community": membership.community,
                    "recipient": recipient,
                    "manage_url": manage_url,
                },
                recipient.email,
                language,
            )
        )
    _send(messages)
    Membership.objects.filter(pk=membership.pk).update(request_notified_at=timezone.now())
    logger.info("cop: request %s notified to %s facilitators", membership.pk, len(messages))
    return len(messages)


@shared_task(bind=True, **RETRY_OPTIONS)
def notify_membership_decided(self, membership_id: int) -> int:
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
    _send(
        [
            _message(
                template,
                {"membership": membership, "community": membership.community, "recipient": membership.user},
                membership.user.email,
                membership.user.preferred_language,
            )
        ]
    )
    Membership.objects.filter(pk=membership.pk).update(decision_notified_at=timezone.now())
    return 1


@shared_task(bind=True, **RETRY_OPTIONS)
def send_invitation(self, invitation_id: int) -> int:
    """Sends the signed invitation link to the invited address."""
    from cop.services import INVITATION_MAX_AGE, invitation_token

    invitation = Invitation.objects.select_related("community", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_open or invitation.sent_at:
        return 0
    # Someone who already has an account reads it in their own language, others in the inviter's.
    language = (
        get_user_model()
        .objects.filter(email__iexact=invitation.email)
        .values_list("preferred_language", flat=True)
        .first()
        or invitation.language
    )
    with translation.override(language):
        accept_url = _absolute(reverse("cop:invitation", args=[invitation_token(invitation)]))
    _send(
        [
            _message(
                "invitation",
                {
                    "invitation": invitation,
                    "community": invitation.community,
                    "inviter": invitation.invited_by,
                    "accept_url": accept_url,
                    "valid_days": INVITATION_MAX_AGE // (24 * 3600),
                },
                invitation.email,
                language,
            )
        ]
    )
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return 1
