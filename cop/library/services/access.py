"""The access protocol: people outside an item's audience ask its custodians for access, who grant it
(optionally until a date), decline it, or revoke it later. Every step is logged on the consent record;
the requester and the custodians are told by e-mail after commit (cop.library.tasks, which checks the
decision again at send time)."""

import datetime
import math

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.commit import enqueue_after_commit
from cop.ratelimit import rate_limit_hit

from .. import permissions
from ..exceptions import (
    AccessNotOffered,
    AlreadyHasAccess,
    AlreadyRequested,
    GrantNotActive,
    InvalidDate,
    ItemNotFound,
    NotCustodian,
    RequestNotPending,
    RequestRateLimited,
)
from ..models import AccessRequest, AccessRequestStatus, CaseStudyPage, ConsentRecord
from .consent import _changed, consent_is_effective, item_consent, today

DEFAULT_RATE_LIMITS = {"hour": (3600, 5), "day": (86400, 20)}


def _item_lookup(item) -> dict:
    return {"case_study": item} if isinstance(item, CaseStudyPage) else {"building_block": item}


def request_item(access_request: AccessRequest):
    return access_request.case_study if access_request.case_study_id else access_request.building_block


def _check_rate_limit(user) -> None:
    limits = getattr(settings, "LIBRARY_ACCESS_REQUEST_RATE_LIMITS", DEFAULT_RATE_LIMITS)
    wait = rate_limit_hit(f"library:access_request:{user.pk}", limits)
    if wait is not None:
        raise RequestRateLimited(retry_after=max(1, math.ceil(wait)))


@transaction.atomic
def access_request(*, user, item, message: str = "") -> AccessRequest:
    """Asks the custodians of `item` for access. Only a signed-in person who sees the item's notice
    may ask; not for a secret/sacred item (whose existence is not revealed: 404) nor for one whose
    consent offers no viewing at all; one pending request per person and item; rate limited."""
    level = permissions.access(user, item)
    if level == permissions.Access.HIDDEN:
        raise ItemNotFound()
    if level == permissions.Access.FULL:
        raise AlreadyHasAccess()
    if not user.is_authenticated:
        raise AccessNotOffered(_("Sign in to ask for access to this item."))
    consent = item_consent(item)
    if (
        consent is None
        or not consent_is_effective(consent)
        or consent.secret_sacred
        or not consent.allow_view
    ):
        raise AccessNotOffered()
    if not permissions.may_request_access(user, item):
        raise AccessNotOffered()
    if AccessRequest.objects.filter(
        requester=user, status=AccessRequestStatus.PENDING, **_item_lookup(item)
    ).exists():
        raise AlreadyRequested()
    _check_rate_limit(user)
    try:
        with transaction.atomic():
            request = AccessRequest.objects.create(
                requester=user, message=(message or "").strip()[:2000], **_item_lookup(item)
            )
    except IntegrityError as error:  # a concurrent request by the same person
        raise AlreadyRequested() from error
    consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
    _changed(consent, actor=user, action="access_requested", details={"request": request.pk})
    enqueue_after_commit("cop.library.tasks.notify_access_requested", request.pk)
    return request


def _decidable(user, access_request: AccessRequest) -> tuple[AccessRequest, ConsentRecord]:
    access_request = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
    consent = item_consent(request_item(access_request))
    if consent is None or not permissions.may_manage_consent(user, consent):
        raise NotCustodian()
    return access_request, ConsentRecord.objects.select_for_update().get(pk=consent.pk)


def _decided(access_request: AccessRequest, *, user, status: str, note: str) -> None:
    access_request.status = status
    access_request.decided_by = user
    access_request.decided_at = timezone.now()
    access_request.decision_note = (note or "").strip()[:2000]


@transaction.atomic
def access_grant(
    *, user, access_request: AccessRequest, granted_until: datetime.date | None = None, note: str = ""
) -> AccessRequest:
    """A custodian grants a pending request, for good or until `granted_until` (inclusive)."""
    access_request, consent = _decidable(user, access_request)
    if access_request.status != AccessRequestStatus.PENDING:
        raise RequestNotPending()
    if granted_until is not None and granted_until < today():
        raise InvalidDate(_("The access cannot end before today."))
    _decided(access_request, user=user, status=AccessRequestStatus.GRANTED, note=note)
    access_request.granted_until = granted_until
    access_request.save()
    _changed(
        consent,
        actor=user,
        action="access_granted",
        details={
            "request": access_request.pk,
            "requester": access_request.requester_id,
            "until": granted_until.isoformat() if granted_until else None,
        },
    )
    _tell_requester(access_request)
    return access_request


@transaction.atomic
def access_decline(*, user, access_request: AccessRequest, note: str = "") -> AccessRequest:
    """A custodian declines a pending request, with an optional note the requester reads."""
    access_request, consent = _decidable(user, access_request)
    if access_request.status != AccessRequestStatus.PENDING:
        raise RequestNotPending()
    _decided(access_request, user=user, status=AccessRequestStatus.DECLINED, note=note)
    access_request.save()
    _changed(
        consent,
        actor=user,
        action="access_declined",
        details={"request": access_request.pk, "requester": access_request.requester_id},
    )
    _tell_requester(access_request)
    return access_request


@transaction.atomic
def access_revoke(*, user, access_request: AccessRequest, note: str = "") -> AccessRequest:
    """A custodian takes a granted access back, at once."""
    access_request, consent = _decidable(user, access_request)
    if access_request.status != AccessRequestStatus.GRANTED:
        raise GrantNotActive()
    _decided(access_request, user=user, status=AccessRequestStatus.REVOKED, note=note)
    access_request.save()
    _changed(
        consent,
        actor=user,
        action="access_revoked",
        details={"request": access_request.pk, "requester": access_request.requester_id},
    )
    _tell_requester(access_request)
    return access_request


def _tell_requester(access_request: AccessRequest) -> None:
    enqueue_after_commit("cop.library.tasks.send_access_decided", access_request.pk, access_request.status)
