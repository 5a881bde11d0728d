"""Organisations and networks: edits by their focal points, and focal point claims."""

import math

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cop.ratelimit import rate_limit_hit

from .. import permissions
from ..exceptions import (
    AlreadyFocalPoint,
    ClaimDecided,
    ClaimPending,
    ClaimRateLimited,
    NotFocalPoint,
    NotModerator,
)
from ..models import ClaimStatus, FocalPointClaim, Organisation

ORGANISATION_FIELDS = ("name", "kind", "mission", "scope", "countries", "website", "feed_url")
ORGANISATION_MANY = ("gbf_targets", "member_organisations")
# Focal point requests per member (each is read by an organiser; a declined one may be asked again).
CLAIM_LIMITS = {"hour": (3600, 5), "day": (24 * 3600, 10)}


@transaction.atomic
def organisation_update(*, organisation: Organisation, user, values: dict) -> Organisation:
    """Saves an organisation's description; its focal points and organisers may."""
    if not permissions.can_edit_organisation(user, organisation):
        raise NotFocalPoint()
    for name in ORGANISATION_FIELDS:
        if name in values:
            setattr(organisation, name, values[name])
    organisation.save()
    for name in ORGANISATION_MANY:
        if name in values:
            related = values[name]
            if name == "member_organisations":
                related = [other for other in related if other.pk != organisation.pk]
            getattr(organisation, name).set(related)
    return organisation


@transaction.atomic
def focal_point_claim_request(*, organisation: Organisation, user, message: str) -> FocalPointClaim:
    """A member asks to become a focal point; organisers decide."""
    if permissions.is_focal_point(user, organisation):
        raise AlreadyFocalPoint()
    limits = getattr(settings, "NETWORK_FOCAL_POINT_CLAIM_RATE_LIMITS", CLAIM_LIMITS)
    wait = rate_limit_hit(f"network:focal-point-claim:{user.pk}", limits)
    if wait is not None:
        raise ClaimRateLimited(retry_after=math.ceil(wait))
    try:
        with transaction.atomic():
            return FocalPointClaim.objects.create(
                organisation=organisation, user=user, message=message.strip()
            )
    except IntegrityError:
        raise ClaimPending() from None


@transaction.atomic
def focal_point_claim_decide(*, claim: FocalPointClaim, by, approve: bool) -> FocalPointClaim:
    """Approves (the claimant becomes a focal point) or declines a pending claim, once."""
    if not permissions.is_network_organiser(by):
        raise NotModerator()
    updated = FocalPointClaim.objects.filter(pk=claim.pk, status=ClaimStatus.PENDING).update(
        status=ClaimStatus.APPROVED if approve else ClaimStatus.DECLINED,
        decided_by=by,
        decided_at=timezone.now(),
    )
    if not updated:
        raise ClaimDecided()
    claim.refresh_from_db()
    if approve:
        claim.organisation.focal_points.add(claim.user_id)
    return claim
