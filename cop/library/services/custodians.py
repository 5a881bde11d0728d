"""The custodians of a consent record: added and removed by the record's managers, and passed on when
a custodian leaves the holder community. Each change is saved and logged as every consent change is
(cop.library.services.consent._changed: version + 1, one log entry, the search index after commit)."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from cop.commit import enqueue_after_commit
from cop.models import Membership, MembershipStatus, Role

from ..exceptions import AlreadyCustodian, ConsentInvalid, LastCustodian
from ..models import ConsentRecord
from .consent import _changed, _locked, _require_manager

logger = logging.getLogger(__name__)


@transaction.atomic
def custodian_add(*, user, consent: ConsentRecord, person) -> ConsentRecord:
    consent = _locked(consent)
    _require_manager(user, consent)
    if consent.custodians.filter(pk=person.pk).exists():
        raise AlreadyCustodian()
    consent.custodians.add(person)
    _changed(consent, actor=user, action="custodian_added", details={"person": person.pk})
    return consent


@transaction.atomic
def custodian_remove(*, user, consent: ConsentRecord, person) -> ConsentRecord:
    """Removes a custodian (a custodian may step down); the last one stays until another is added."""
    consent = _locked(consent)
    _require_manager(user, consent)
    ids = set(consent.custodians.values_list("pk", flat=True))
    if person.pk not in ids:
        raise ConsentInvalid(_("This person is not a custodian of this consent record."))
    if ids == {person.pk}:
        raise LastCustodian()
    consent.custodians.remove(person)
    _changed(consent, actor=user, action="custodian_removed", details={"person": person.pk})
    return consent


def _facilitator_ids(community_id: int, *, excluding: int) -> list[int]:
    return list(
        Membership.objects.filter(
            community_id=community_id, status=MembershipStatus.ACTIVE, role=Role.FACILITATOR
        )
        .exclude(user_id=excluding)
        .order_by("pk")
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def custodianship_pass(*, person_id: int, community_id: int) -> list[ConsentRecord]:
    """When a custodian leaves (or is removed or banned from) the holder community, their custodianship
    of that community's consents passes: to the other custodians, or, when none is left, to the
    community's facilitators. Logged on each record (`custodianship_passed`, no actor: the system).
    Idempotent: a second call finds nothing to pass."""
    passed = []
    records = ConsentRecord.objects.select_for_update().filter(
        holder_community_id=community_id, custodians=person_id
    )
    for consent in records:
        consent.custodians.remove(person_id)
        remaining = sorted(consent.custodians.values_list("pk", flat=True))
        added = []
        if not remaining:
            added = _facilitator_ids(community_id, excluding=person_id)
            consent.custodians.add(*added)
        _changed(
            consent,
            actor=None,
            action="custodianship_passed",
            details={"from": person_id, "to": remaining or added, "to_facilitators": not remaining},
        )
        if added:
            enqueue_after_commit("cop.library.tasks.notify_custodianship_passed", consent.pk, consent.version)
        passed.append(consent)
    if passed:
        logger.info("library: custodianship of %s consents passed from user %s", len(passed), person_id)
    return passed


def custodians_of(consent: ConsentRecord):
    return get_user_model().objects.filter(pk__in=consent.custodians.values("pk"), is_active=True)
