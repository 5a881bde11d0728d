"""Free, prior and informed consent (FPIC): every write to a consent record and its custodians.

Each service checks its permission through cop.library.permissions, raises a cop.library.exceptions
error when the change is not possible, and, in the same transaction: bumps the record's `version`
(part of every cache key of what the item shows), writes one ConsentLogEntry, and after commit brings
the item's search index entry up to date (its words leave the index at once when the consent stops
being effective). Listings and pages read the decision live (cop.library.permissions), so nothing else
needs to be told. E-mails go out after commit through cop.library.tasks (cop.mail).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.models import Collection
from wagtail.search import index

from cop.commit import after_commit, enqueue_after_commit

from .. import permissions
from ..consent_validation import AUDIENCE_WIDTH, consent_validate
from ..exceptions import (
    ConsentAlreadyActive,
    ConsentInvalid,
    ConsentNotActive,
    ConsentRequired,
    LicenceBeyondConsent,
    NotCustodian,
    NothingToNarrow,
)
from ..models import CaseStudyPage, ConsentLogEntry, ConsentRecord
from ..models.choices import ADAPTATION_LICENCES, COMMERCIAL_LICENCES
from ..models.pages import getattr_consent
from ..uploads import upload_check

ACTIVE, WITHDRAWN, EXPIRED = "active", "withdrawn", "expired"
USES = ("allow_view", "allow_download", "allow_cite", "allow_adapt", "allow_commercial")
# The fields a consent form writes (the many-to-many ones are handled apart).
EDITABLE_FIELDS = (
    "holder_community",
    "holder_name",
    "consented_by",
    "consenter_role",
    "consented_on",
    "process",
    "process_notes",
    "scope_parts",
    *USES,
    "audience",
    "secret_sacred",
    "notice_title",
    "notice_summary",
    "conditions",
    "expires_on",
    "evidence",
)
M2M_FIELDS = ("audience_communities", "audience_people", "custodians")


def today() -> datetime.date:
    """The current date in the site's time zone (tests move the clock through django.utils.timezone)."""
    return timezone.localdate()


# READING A RECORD ----


def consent_item(consent: ConsentRecord):
    """The case study or building block a consent record governs."""
    if consent.case_study_id:
        return consent.case_study
    return consent.building_block


def item_consent(item) -> ConsentRecord | None:
    """The consent record of a case study or building block, or None."""
    return getattr_consent(item)


def consent_is_effective(consent: ConsentRecord | None, *, on: datetime.date | None = None) -> bool:
    """Active and not past its expiry date (valid through `expires_on`), even before the daily task
    has marked it expired: the permission's own test."""
    return permissions.consent_in_force(consent, on or today())


def item_is_live(item) -> bool:
    if isinstance(item, CaseStudyPage):
        return item.live
    return item.status == "published"


def item_submitter_id(item) -> int | None:
    if isinstance(item, CaseStudyPage):
        return item.submitted_by_id or item.owner_id
    return item.author_id


def _locked(consent: ConsentRecord) -> ConsentRecord:
    """The record re-read under a row lock, so two custodians' changes are applied one after the other."""
    return ConsentRecord.objects.select_for_update().get(pk=consent.pk)


def _require_manager(user, consent: ConsentRecord) -> None:
    if not permissions.may_manage_consent(user, consent):
        raise NotCustodian()


def _snapshot(consent: ConsentRecord) -> dict:
    values = {}
    for name in EDITABLE_FIELDS:
        field = ConsentRecord._meta.get_field(name)
        value = getattr(consent, field.attname)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    if consent.pk:
        for name in M2M_FIELDS:
            values[name] = sorted(getattr(consent, name).values_list("pk", flat=True))
    return values


def _is_narrower(before: dict, after: dict) -> bool:
    """Does the change only take people or uses away (and take at least one)?"""
    taken = False
    for use in USES:
        if after[use] and not before[use]:
            return False
        taken = taken or (before[use] and not after[use])
    width_before, width_after = AUDIENCE_WIDTH[before["audience"]], AUDIENCE_WIDTH[after["audience"]]
    if width_after > width_before:
        return False
    if width_after < width_before:
        taken = True
    elif after["audience"] != before["audience"]:
        return False
    elif after["audience"] in ("communities", "people"):
        field = "audience_communities" if after["audience"] == "communities" else "audience_people"
        old, new = set(before[field]), set(after[field])
        if not new <= old:
            return False
        taken = taken or new < old
    if after["secret_sacred"] and not before["secret_sacred"]:
        taken = True
    elif before["secret_sacred"] and not after["secret_sacred"]:
        return False
    return taken


def _changes(before: dict, after: dict) -> dict:
    return {name: [before.get(name), after[name]] for name in after if before.get(name) != after[name]}


# WHAT EVERY CHANGE DOES ----


def _reindex(model, pk: int) -> None:
    """The item's search index entry after a consent change: removed while the consent is not
    effective, otherwise rebuilt from the item's index method (which holds only what its audience
    rule allows)."""
    item = model.objects.filter(pk=pk).first()
    if item is None:
        return
    if isinstance(item, CaseStudyPage):
        item = item.specific
    if item.holds_traditional_knowledge and not consent_is_effective(item_consent(item)):
        index.remove_object(item)
    elif item_is_live(item):
        index.insert_or_update_object(item)


def _log(consent: ConsentRecord, *, actor, action: str, details: dict | None = None) -> ConsentLogEntry:
    return ConsentLogEntry.objects.create(consent=consent, actor=actor, action=action, details=details or {})


def _changed(consent: ConsentRecord, *, actor, action: str, details: dict | None = None) -> ConsentLogEntry:
    """Saves a changed record: version + 1, one log entry, the search index after commit."""
    consent.version = (consent.version or 0) + 1
    consent.save()
    entry = _log(consent, actor=actor, action=action, details=details)
    item = consent_item(consent)
    after_commit(_reindex, type(item), item.pk)
    return entry


# SERVICES ----


def _evidence_document(*, user, upload):
    """The evidence of consent as a Wagtail document under a neutral title (the admin's document list
    never shows restricted words); served only to custodians (cop.files' checker for the library)."""
    upload_check(upload)
    document_model = get_document_model()
    document = document_model(
        title=_("Evidence of consent"),
        file=upload,
        collection=Collection.get_first_root_node(),
        uploaded_by_user=user,
    )
    document.save()
    return document


@transaction.atomic
def consent_record(
    *,
    user,
    item,
    values: dict,
    audience_communities=(),
    audience_people=(),
    custodians=(),
    evidence_upload=None,
):
    """Creates the consent record of `item` (a case study or building block) or changes it.

    Who: the item's custodians; before publication also its submitter (or author), who writes the
    first record. A new record's custodians default to the user writing it. A change that only takes
    people or uses away is logged as "narrowed", any other as "changed"."""
    consent = item_consent(item)
    creating = consent is None
    if creating:
        is_submitter = user.is_authenticated and item_submitter_id(item) == user.pk
        if not (is_submitter or user.is_superuser):
            raise NotCustodian()
        # By id: an unsaved record must not be cached on the item if the rules below refuse it.
        field = "case_study_id" if isinstance(item, CaseStudyPage) else "building_block_id"
        consent = ConsentRecord(**{field: item.pk})
        before = {}
    else:
        consent = _locked(consent)
        _require_manager(user, consent)
        before = _snapshot(consent)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ConsentInvalid(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    many = {
        "audience_communities": list(audience_communities),
        "audience_people": list(audience_people),
        "custodians": list(custodians) or ([user] if creating else list(consent.custodians.all())),
    }
    merged = {**{name: getattr(consent, name) for name in EDITABLE_FIELDS}, **values}
    consent_validate(merged, many=many, creating=creating)
    for name, value in values.items():
        setattr(consent, name, value)
    if evidence_upload is not None:
        consent.evidence = _evidence_document(user=user, upload=evidence_upload)
    if creating:
        consent.status = ACTIVE
        consent.version = 1
        consent.save()
    else:
        consent.version = (consent.version or 0) + 1
        consent.save()
    consent.audience_communities.set(many["audience_communities"])
    consent.audience_people.set(many["audience_people"])
    consent.custodians.set(many["custodians"])
    after = _snapshot(consent)
    if creating:
        _log(consent, actor=user, action="created", details={"values": after})
    else:
        changes = _changes(before, after)
        action = "narrowed" if _is_narrower(before, after) else "changed"
        _log(consent, actor=user, action=action, details={"changes": changes})
    after_commit(_reindex, type(item), item.pk)
    return consent


@transaction.atomic
def consent_narrow(
    *,
    user,
    consent: ConsentRecord,
    audience: str | None = None,
    audience_communities=None,
    audience_people=None,
    remove_uses=(),
    secret_sacred: bool | None = None,
) -> ConsentRecord:
    """Takes people or uses away, at once: a smaller audience (a wider one is refused: that is a change
    to record with the holder community, through consent_record), uses removed, or secret/sacred."""
    consent = _locked(consent)
    _require_manager(user, consent)
    before = _snapshot(consent)
    after = dict(before)
    if audience is not None:
        after["audience"] = audience
    if audience_communities is not None:
        after["audience_communities"] = sorted(getattr(c, "pk", c) for c in audience_communities)
    if audience_people is not None:
        after["audience_people"] = sorted(getattr(p, "pk", p) for p in audience_people)
    for use in remove_uses:
        if use not in USES:
            raise ConsentInvalid(_("Unknown use: %(name)s.") % {"name": use})
        after[use] = False
    if secret_sacred is not None:
        after["secret_sacred"] = secret_sacred
    if after["audience"] not in AUDIENCE_WIDTH or not _is_narrower(before, after):
        raise NothingToNarrow()
    if after["audience"] == "communities" and not after["audience_communities"]:
        raise ConsentInvalid(_("Choose at least one community whose members may see the item."))
    if after["audience"] == "people" and not after["audience_people"]:
        raise ConsentInvalid(_("Choose at least one person who may see the item."))
    consent.audience = after["audience"]
    consent.secret_sacred = after["secret_sacred"]
    for use in USES:
        setattr(consent, use, after[use])
    consent.audience_communities.set(
        after["audience_communities"] if consent.audience == "communities" else []
    )
    consent.audience_people.set(after["audience_people"] if consent.audience == "people" else [])
    _changed(
        consent, actor=user, action="narrowed", details={"changes": _changes(before, _snapshot(consent))}
    )
    return consent


@transaction.atomic
def consent_withdraw(*, user, consent: ConsentRecord, reason: str) -> ConsentRecord:
    """Withdraws consent, effective at once on every surface: only the custodians still see the item."""
    consent = _locked(consent)
    _require_manager(user, consent)
    reason = (reason or "").strip()
    if not reason:
        raise ConsentInvalid(_("Give the reason for the withdrawal: it is kept in the audit log."))
    if consent.status != ACTIVE:
        raise ConsentNotActive(_("This consent is already withdrawn or expired."))
    consent.status = WITHDRAWN
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = user
    consent.withdrawal_reason = reason[:2000]
    _changed(consent, actor=user, action="withdrawn", details={"reason": consent.withdrawal_reason})
    return consent


@transaction.atomic
def consent_restore(
    *,
    user,
    consent: ConsentRecord,
    consented_on: datetime.date,
    consented_by: str = "",
    expires_on: datetime.date | None = None,
) -> ConsentRecord:
    """Restores a withdrawn or expired consent, with the date the holder community consented again
    (and a new expiry date, or none)."""
    consent = _locked(consent)
    _require_manager(user, consent)
    if consent_is_effective(consent):
        raise ConsentAlreadyActive()
    if consented_on is None or consented_on > today():
        raise ConsentInvalid(_("Give the date consent was given again: today or earlier."))
    if expires_on is not None and expires_on < today():
        raise ConsentInvalid(_("The expiry date has already passed."))
    previous = consent.status
    consent.status = ACTIVE
    consent.consented_on = consented_on
    if consented_by.strip():
        consent.consented_by = consented_by.strip()
    consent.expires_on = expires_on
    consent.withdrawn_at = None
    consent.withdrawn_by = None
    _changed(
        consent,
        actor=user,
        action="restored",
        details={
            "previous_status": previous,
            "consented_on": consented_on.isoformat(),
            "expires_on": expires_on.isoformat() if expires_on else None,
        },
    )
    return consent


@transaction.atomic
def consent_expire(*, consent_id: int) -> ConsentRecord | None:
    """Marks an active consent past its expiry date as expired (the system's act: no actor) and tells
    its custodians after commit. Idempotent: None when there is nothing to expire."""
    consent = ConsentRecord.objects.select_for_update().filter(pk=consent_id).first()
    if (
        consent is None
        or consent.status != ACTIVE
        or consent.expires_on is None
        or consent.expires_on >= today()
    ):
        return None
    consent.status = EXPIRED
    _changed(consent, actor=None, action="expired", details={"expires_on": consent.expires_on.isoformat()})
    enqueue_after_commit("cop.library.tasks.notify_consent_expired", consent.pk, consent.version)
    return consent


def due_for_expiry() -> list[int]:
    """Ids of active consents past their expiry date."""
    return list(
        ConsentRecord.objects.filter(status=ACTIVE, expires_on__lt=today())
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# PUBLICATION ----


def publication_check(item) -> None:
    """Refuses to publish an item holding traditional knowledge without an effective consent record
    (every publishing path calls this: the Wagtail admin, the workflow's last approval, the
    snippet's publish, the site's submission)."""
    if not getattr(item, "holds_traditional_knowledge", False):
        return
    pk = getattr(item, "pk", None)
    consent = None
    if pk is not None:
        lookup = {"case_study_id": pk} if isinstance(item, CaseStudyPage) else {"building_block_id": pk}
        consent = ConsentRecord.objects.filter(**lookup).first()
    if not consent_is_effective(consent):
        raise ConsentRequired()
    licence = getattr(item, "licence", None)
    if (licence in COMMERCIAL_LICENCES and not consent.allow_commercial) or (
        licence in ADAPTATION_LICENCES and not consent.allow_adapt
    ):
        raise LicenceBeyondConsent()
