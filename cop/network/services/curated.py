"""Curated entries: organisers add practitioners not yet on the platform; the person claims the entry
through a signed, expiring link sent to its e-mail address (possession of the address is the proof),
signed in with a new or an existing account, and the entry merges into that account."""

import hashlib
import logging
import math

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from cop.commit import enqueue_after_commit
from cop.ratelimit import rate_limit_hit

from .. import permissions
from ..exceptions import (
    ClaimLinkExpired,
    ClaimLinkInvalid,
    ClaimRateLimited,
    ClaimWrongAccount,
    EntryAlreadyClaimed,
    NotModerator,
)
from ..models import CuratedEntry, Need, Offer, Profile

logger = logging.getLogger(__name__)

CLAIM_SALT = "cop_network.curated-claim"
ENTRY_FIELDS = ("name", "email", "headline", "organisation", "organisation_record", "country", "bio")
ENTRY_MANY = ("gbf_targets", "km_components", "topics", "languages")
# Claim links sent to one entry's address: an organiser cannot flood the inbox of someone not on the
# platform.
INVITE_LIMITS = {"hour": (3600, 3), "day": (24 * 3600, 5)}


def claim_link_days() -> int:
    return getattr(settings, "NETWORK_CLAIM_LINK_DAYS", 14)


def _address_digest(email: str) -> str:
    # The link names the address it was sent to: changing the entry's address voids older links.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def claim_token(entry: CuratedEntry) -> str:
    return signing.dumps({"e": entry.pk, "a": _address_digest(entry.email)}, salt=CLAIM_SALT, compress=True)


def entry_from_token(token: str) -> CuratedEntry:
    """The entry a claim link names; ClaimLinkInvalid (forged, mangled, for another address) or
    ClaimLinkExpired. Claimed entries are returned: the caller says so."""
    try:
        data = signing.loads(token, salt=CLAIM_SALT, max_age=claim_link_days() * 24 * 3600)
    except signing.SignatureExpired:
        raise ClaimLinkExpired() from None
    except (signing.BadSignature, ValueError, TypeError):
        raise ClaimLinkInvalid() from None
    if not isinstance(data, dict) or not isinstance(data.get("e"), int):
        raise ClaimLinkInvalid()
    entry = CuratedEntry.objects.filter(pk=data["e"]).first()
    if entry is None or data.get("a") != _address_digest(entry.email):
        raise ClaimLinkInvalid()
    return entry


def claim_refusal(entry: CuratedEntry, user) -> None:
    """Raises when `user` may not claim `entry`: it was claimed already, or its address is a verified
    address of another account (that account is the person's: they claim it signed in there)."""
    from allauth.account.models import EmailAddress

    if entry.is_claimed:
        raise EntryAlreadyClaimed()
    if (
        EmailAddress.objects.filter(email__iexact=entry.email, verified=True)
        .exclude(user_id=user.pk)
        .exists()
    ):
        raise ClaimWrongAccount()


def _require_organiser(user) -> None:
    if not permissions.can_curate(user):
        raise NotModerator()


@transaction.atomic
def curated_entry_create(*, by, values: dict, invite: bool = True) -> CuratedEntry:
    """Adds a practitioner not yet on the platform; sends them the claim link unless told not to."""
    _require_organiser(by)
    entry = CuratedEntry(added_by=by, **{name: values[name] for name in ENTRY_FIELDS if name in values})
    entry.email = entry.email.strip().lower()
    entry.full_clean()
    entry.save()
    for name in ENTRY_MANY:
        if name in values:
            getattr(entry, name).set(values[name])
    if invite:
        curated_entry_invite(by=by, entry=entry)
    return entry


@transaction.atomic
def curated_entry_invite(*, by, entry: CuratedEntry) -> CuratedEntry:
    """(Re)sends the claim link to the entry's address (a new link, so a new e-mail)."""
    _require_organiser(by)
    if entry.is_claimed:
        raise EntryAlreadyClaimed()
    limits = getattr(settings, "NETWORK_CLAIM_INVITE_RATE_LIMITS", INVITE_LIMITS)
    wait = rate_limit_hit(f"network:curated-invite:{entry.pk}", limits)
    if wait is not None:
        raise ClaimRateLimited(retry_after=math.ceil(wait))
    entry.invited_at = timezone.now()
    entry.save(update_fields=["invited_at"])
    enqueue_after_commit("cop.network.tasks.send_curated_invitation", entry.pk)
    return entry


def _fill(target, names_values: dict, log: list, label: str) -> list[str]:
    filled = []
    for name, value in names_values.items():
        if value and not getattr(target, name):
            setattr(target, name, value)
            filled.append(name)
    if filled:
        log.append({"action": "filled", "on": label, "fields": filled})
    return filled


@transaction.atomic
def curated_entry_claim(*, user, token: str) -> CuratedEntry:
    """Merges the entry the link names into `user`'s account: empty profile fields are filled from it,
    its vocabularies added, its organisation linked, the needs and offers posted for it become theirs.
    What was done is kept in the entry's merge_log. A claimed entry cannot be claimed again, nor one
    whose address another account has verified."""
    entry = entry_from_token(token)
    entry = CuratedEntry.objects.select_for_update().get(pk=entry.pk)
    claim_refusal(entry, user)
    log: list = []
    account_filled = _fill(
        user,
        {
            "display_name": entry.name,
            "organisation": entry.organisation,
            "country": entry.country,
            "bio": entry.bio,
        },
        log,
        "account",
    )
    if account_filled:
        user.save(update_fields=account_filled)
    profile, _created = Profile.objects.get_or_create(user=user)
    profile_filled = _fill(
        profile,
        {"headline": entry.headline, "organisation_record": entry.organisation_record},
        log,
        "profile",
    )
    if profile_filled:
        profile.save(update_fields=profile_filled)
    for target, name, source in (
        (user, "expertise", "gbf_targets"),
        (user, "languages", "languages"),
        (profile, "km_components", "km_components"),
        (profile, "topics", "topics"),
    ):
        wanted = set(getattr(entry, source).values_list("pk", flat=True))
        added = sorted(wanted - set(getattr(target, name).values_list("pk", flat=True)))
        if added:
            getattr(target, name).add(*added)
            log.append({"action": "added", "on": name, "ids": added})
    for model in (Need, Offer):
        moved = list(model.objects.filter(curated_entry=entry).values_list("pk", flat=True))
        if moved:
            model.objects.filter(pk__in=moved).update(author=user, curated_entry=None)
            log.append({"action": "moved", "on": model.kind, "ids": moved})
    _verify_address(user, entry.email, log)
    entry.claimed_by = user
    entry.claimed_at = timezone.now()
    entry.merge_log = log
    entry.save(update_fields=["claimed_by", "claimed_at", "merge_log"])
    logger.info("network: curated entry %s claimed by user %s: %s", entry.pk, user.pk, log)
    return entry


def _verify_address(user, email: str, log: list) -> None:
    """The link reached `email`: if the account holds that address, it is now verified."""
    from allauth.account.models import EmailAddress

    if EmailAddress.objects.filter(user=user, email__iexact=email, verified=False).update(verified=True):
        log.append({"action": "verified", "on": "email"})
