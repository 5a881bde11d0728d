"""Needs and offers: written by their author (for themselves or their organisation), submitted,
moderated before they are public, closed, and expired by a daily task."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..exceptions import NobodyToReach, NotFocalPoint, NotModerator, NotYours, WrongStatus
from ..models import ExchangeStatus, Need, Offer
from ..search import network_changed

EXCHANGE_FIELDS = (
    "title",
    "description",
    "rationale",
    "support_kind",
    "country",
    "language",
    "expires_on",
    "organisation",
    "urgency",
)
EXCHANGE_MANY = ("gbf_targets", "km_components")


def _model(kind: str):
    return {"need": Need, "offer": Offer}[kind]


@transaction.atomic
def exchange_save(*, kind: str, author, values: dict, item=None, submit: bool = False):
    """Creates (item None) or edits a need or an offer; `submit` sends it to moderation."""
    if item is None:
        item = _model(kind)(author=author)
    else:
        # Read again, locked: a moderator's decision made since the form was shown is not overwritten.
        item = type(item).objects.select_for_update().get(pk=item.pk)
    if item.pk is not None and not permissions.can_edit_exchange(author, item):
        # Its side, once it was published meanwhile (a moderator acted): say so, not "not yours".
        raise WrongStatus() if permissions.is_side(author, item) else NotYours()
    if not permissions.can_post_for(author, values.get("organisation")):
        raise NotFocalPoint()
    own_fields = {model_field.name for model_field in item._meta.concrete_fields}
    for name in EXCHANGE_FIELDS:
        if name in values and name in own_fields:
            setattr(item, name, values[name])
    item.status = ExchangeStatus.SUBMITTED if submit else ExchangeStatus.DRAFT
    item.save()
    for name in EXCHANGE_MANY:
        if name in values:
            getattr(item, name).set(values[name])
    return item


@transaction.atomic
def exchange_moderate(*, item, by, approve: bool, note: str = "") -> None:
    """Publishes or rejects a submitted need or offer (organisers only)."""
    if not permissions.can_moderate(by):
        raise NotModerator()
    if approve and not permissions.has_someone_to_reach(item):
        raise NobodyToReach()  # published, it would gather interest nobody could answer
    updated = (
        type(item)
        .objects.filter(pk=item.pk, status=ExchangeStatus.SUBMITTED)
        .update(
            status=ExchangeStatus.PUBLISHED if approve else ExchangeStatus.REJECTED,
            moderated_by=by,
            moderated_at=timezone.now(),
            moderation_note=note.strip()[:2000],
        )
    )
    if not updated:
        raise WrongStatus()
    network_changed()  # an update sends no signal: published ones are found, the others no longer
    item.refresh_from_db()


@transaction.atomic
def exchange_close(*, item, by) -> None:
    """Its side or an organiser closes a published need or offer (found, or no longer wanted)."""
    if not (permissions.is_side(by, item) or permissions.can_moderate(by)):
        raise NotYours()
    if (
        not type(item)
        .objects.filter(pk=item.pk, status=ExchangeStatus.PUBLISHED)
        .update(status=ExchangeStatus.CLOSED)
    ):
        raise WrongStatus()
    network_changed()  # no longer found (an update sends no signal)
    item.refresh_from_db()


def exchanges_expire(*, today: date) -> int:
    """Published needs and offers whose date has passed become expired; returns how many changed."""
    changed = 0
    for model in (Need, Offer):
        changed += model.objects.filter(status=ExchangeStatus.PUBLISHED, expires_on__lt=today).update(
            status=ExchangeStatus.EXPIRED
        )
    if changed:
        network_changed()  # no longer found (an update sends no signal)
    return changed
