"""The library's background work: consent expiry (daily, Celery beat) and the e-mails of the consent
lifecycle and the access protocol, all through cop.mail.

Tasks take ids, reload the rows and check again, at send time, that the mail is still due and that its
recipient may still read what it says: a mail about an item withdrawn or expired in between is not
sent. Each mail goes to one person under a key naming the kind, the object and its version, so a retried
or repeated task never sends it twice.
"""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import TaskState

from cop.mail import absolute_url, mail_send
from cop.models import Membership, MembershipStatus, Role

from . import permissions
from .models import AccessRequest, AccessRequestStatus, CaseStudyPage, ConsentRecord, ConsentStatus
from .models.pages import getattr_consent
from .services.consent import consent_expire, consent_is_effective, consent_item, due_for_expiry

logger = logging.getLogger(__name__)

RETRY_OPTIONS = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 60,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


def item_kind(item) -> str:
    """The URL segment naming an item's type on the consent pages."""
    return "case-study" if isinstance(item, CaseStudyPage) else "block"


def consent_page_url(item) -> str:
    return absolute_url(reverse("cop_library:consent_manage", args=[item_kind(item), item.pk]))


def _item_context(item, consent: ConsentRecord) -> dict:
    """What a mail may say about an item: custodians read its title; others only its notice."""
    return {"item": item, "consent": consent, "holder": consent.holder_display}


def _active_user(user_id: int):
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


# EXPIRY ----


@shared_task
def expire_consents() -> int:
    """Daily: every active consent past its expiry date becomes expired (each in its own transaction;
    a rerun finds nothing left to do). Returns how many expired."""
    expired = 0
    for consent_id in due_for_expiry():
        if consent_expire(consent_id=consent_id) is not None:
            expired += 1
    if expired:
        logger.info("library: %s consents expired", expired)
    return expired


@shared_task(**RETRY_OPTIONS)
def notify_consent_expired(consent_id: int, version: int) -> int:
    """Queues one mail per custodian about an expired consent; returns how many were queued."""
    consent = ConsentRecord.objects.filter(pk=consent_id).first()
    if consent is None or consent.status != ConsentStatus.EXPIRED or consent.version != version:
        return 0
    ids = list(consent.custodians.filter(is_active=True).values_list("pk", flat=True))
    for recipient_id in ids:
        send_consent_expired.delay(consent.pk, recipient_id, version)
    return len(ids)


@shared_task(**RETRY_OPTIONS)
def send_consent_expired(consent_id: int, recipient_id: int, version: int) -> bool:
    consent = ConsentRecord.objects.filter(pk=consent_id).first()
    recipient = _active_user(recipient_id)
    if (
        consent is None
        or recipient is None
        or consent.status != ConsentStatus.EXPIRED
        or consent.version != version
    ):
        return False
    if not permissions.may_manage_consent(recipient, consent):
        return False
    item = consent_item(consent)
    return mail_send(
        kind="library.consent_expired",
        key=f"{consent.pk}:{version}",
        recipient=recipient,
        template="cop_library/email/consent_expired",
        context=lambda: {**_item_context(item, consent), "manage_url": consent_page_url(item)},
    )


# CUSTODIANSHIP ----


@shared_task(**RETRY_OPTIONS)
def notify_custodianship_passed(consent_id: int, version: int) -> int:
    """Tells the facilitators who became custodians when the last custodian left the community."""
    consent = ConsentRecord.objects.filter(pk=consent_id).first()
    if consent is None:
        return 0
    ids = list(consent.custodians.filter(is_active=True).values_list("pk", flat=True))
    for recipient_id in ids:
        send_custodianship_passed.delay(consent.pk, recipient_id, version)
    return len(ids)


@shared_task(**RETRY_OPTIONS)
def send_custodianship_passed(consent_id: int, recipient_id: int, version: int) -> bool:
    consent = ConsentRecord.objects.filter(pk=consent_id).first()
    recipient = _active_user(recipient_id)
    if consent is None or recipient is None or not consent.custodians.filter(pk=recipient_id).exists():
        return False
    item = consent_item(consent)
    return mail_send(
        kind="library.custodianship_passed",
        key=f"{consent.pk}:{version}",
        recipient=recipient,
        template="cop_library/email/custodianship_passed",
        context=lambda: {**_item_context(item, consent), "manage_url": consent_page_url(item)},
    )


# ACCESS REQUESTS ----


def _request_and_consent(request_id: int):
    access_request = (
        AccessRequest.objects.select_related("requester", "case_study", "building_block")
        .filter(pk=request_id)
        .first()
    )
    if access_request is None:
        return None, None, None
    item = access_request.case_study or access_request.building_block
    consent = ConsentRecord.objects.filter(
        **({"case_study_id": item.pk} if access_request.case_study_id else {"building_block_id": item.pk})
    ).first()
    return access_request, item, consent


@shared_task(**RETRY_OPTIONS)
def notify_access_requested(request_id: int) -> int:
    """Queues one mail per custodian about a new request; returns how many were queued."""
    access_request, item, consent = _request_and_consent(request_id)
    if access_request is None or consent is None or access_request.status != AccessRequestStatus.PENDING:
        return 0
    ids = list(consent.custodians.filter(is_active=True).values_list("pk", flat=True))
    for recipient_id in ids:
        send_access_requested.delay(access_request.pk, recipient_id)
    return len(ids)


@shared_task(**RETRY_OPTIONS)
def send_access_requested(request_id: int, recipient_id: int) -> bool:
    """One custodian is told of a pending request, while the consent is still in force."""
    access_request, item, consent = _request_and_consent(request_id)
    recipient = _active_user(recipient_id)
    if access_request is None or consent is None or recipient is None:
        return False
    if access_request.status != AccessRequestStatus.PENDING or not consent_is_effective(consent):
        return False
    if not permissions.may_manage_consent(recipient, consent):
        return False
    return mail_send(
        kind="library.access_requested",
        key=str(access_request.pk),
        recipient=recipient,
        template="cop_library/email/access_requested",
        context=lambda: {
            **_item_context(item, consent),
            "access_request": access_request,
            "requester": access_request.requester,
            "manage_url": consent_page_url(item),
        },
    )


@shared_task(**RETRY_OPTIONS)
def send_access_decided(request_id: int, status: str) -> bool:
    """The requester is told of a decision (granted, declined, revoked) that still stands, about an
    item whose consent is still in force; a grant only while they can indeed see the item."""
    access_request, item, consent = _request_and_consent(request_id)
    if access_request is None or consent is None or access_request.status != status:
        return False
    requester = access_request.requester
    if not requester.is_active or not consent_is_effective(consent):
        return False
    level = permissions.access(requester, item)
    if status == AccessRequestStatus.GRANTED and level != permissions.Access.FULL:
        return False
    if level == permissions.Access.HIDDEN:
        return False
    return mail_send(
        kind=f"library.access_{status}",
        key=f"{access_request.pk}:{access_request.decided_at.isoformat() if access_request.decided_at else ''}",
        recipient=requester,
        template=f"cop_library/email/access_{status}",
        context=lambda: {
            **_item_context(item, consent),
            "access_request": access_request,
            "item_url": absolute_url(
                item.url if hasattr(item, "url") and item.url else item.get_absolute_url()
            ),
        },
    )


# MODERATION WORKFLOW ----


def _workflow_case_study(task_state):
    content = task_state.workflow_state.content_object
    return getattr(content, "specific", content)


@shared_task(**RETRY_OPTIONS)
def send_workflow_step(task_state_id: int, step: str) -> int:
    """Tells the submitter where their case study stands: `step` is "submitted" (waiting for a
    review), "approved" (a step passed), "changes_requested" (with the reviewer's comment) or
    "published". Returns how many were sent."""
    task_state = (
        TaskState.objects.select_related("workflow_state", "task", "finished_by")
        .filter(pk=task_state_id)
        .first()
    )
    if task_state is None:
        return 0
    if step == "submitted" and task_state.status == TaskState.STATUS_SKIPPED:
        return 0  # the holder community's step, skipped for an item without traditional knowledge
    item = _workflow_case_study(task_state)
    recipient_ids = {task_state.workflow_state.requested_by_id, getattr(item, "submitted_by_id", None)} - {
        None
    }
    sent = 0
    for recipient in get_user_model().objects.filter(pk__in=recipient_ids, is_active=True):
        # The item may have been withdrawn in between: only someone who may still read it is told.
        if permissions.access(recipient, item) != permissions.Access.FULL:
            continue
        # Its submitter edits it on the site ("My case studies"); an editor, in the admin.
        edit_url = absolute_url(
            reverse("cop_library:submission_edit", args=[item.pk])
            if recipient.pk == item.submitted_by_id
            else reverse("wagtailadmin_pages:edit", args=[item.pk])
        )
        sent += mail_send(
            kind=f"library.workflow_{step}",
            key=str(task_state.pk),
            recipient=recipient,
            template="cop_library/email/workflow_step",
            context=lambda edit_url=edit_url: {
                "item": item,
                "step": step,
                "task_name": task_state.task.name,
                "comment": task_state.comment,
                "reviewer": task_state.finished_by,
                "edit_url": edit_url,
                "item_url": absolute_url(item.url) if item.live and item.url else "",
            },
        )
    return sent


@shared_task(**RETRY_OPTIONS)
def notify_holder_reviewers(task_state_id: int) -> int:
    """Tells the holder community's reviewers (custodians, else its facilitators) that a case study
    waits for their review. Returns how many were sent."""
    task_state = TaskState.objects.filter(pk=task_state_id, status=TaskState.STATUS_IN_PROGRESS).first()
    if task_state is None:
        return 0
    item = _workflow_case_study(task_state)
    consent = getattr_consent(item)
    if consent is None:
        return 0
    reviewer_ids = set(consent.custodians.values_list("pk", flat=True))
    if not reviewer_ids and consent.holder_community_id:
        reviewer_ids = set(
            Membership.objects.filter(
                community_id=consent.holder_community_id,
                status=MembershipStatus.ACTIVE,
                role=Role.FACILITATOR,
            ).values_list("user_id", flat=True)
        )
    task = task_state.task.specific
    sent = 0
    for reviewer in get_user_model().objects.filter(pk__in=reviewer_ids, is_active=True):
        if not task.may_review(item, reviewer):
            continue
        sent += mail_send(
            kind="library.review_requested",
            key=str(task_state.pk),
            recipient=reviewer,
            template="cop_library/email/review_requested",
            context=lambda: {
                "item": item,
                "holder": consent.holder_display,
                # The review on the site: custodians need no access to the admin.
                "review_url": absolute_url(reverse("cop_library:holder_review", args=[item.pk])),
            },
        )
    return sent
