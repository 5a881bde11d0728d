"""Matchmaking writes: "not relevant" feedback, expressing interest (a match with its private
conversation), messages, the brokered workflow and agreeing to list a completed cooperation."""

import math

from django.conf import settings
from django.db import transaction

from cop.commit import enqueue_after_commit
from cop.ratelimit import rate_limit_hit

from .. import permissions
from ..exceptions import (
    InterestRateLimited,
    NobodyToReach,
    NotASide,
    NotModerator,
    NotPublished,
    StaleTransition,
    TransitionRefused,
)
from ..models import ExchangeStatus, Match, MatchFeedback, MatchMessage, MatchStatus

# The brokered workflow: each step and where it may go next (closed from any open step).
TRANSITIONS = {
    MatchStatus.SUBMITTED: {MatchStatus.CLARIFIED, MatchStatus.CLOSED},
    MatchStatus.CLARIFIED: {MatchStatus.MATCHED, MatchStatus.CLOSED},
    MatchStatus.MATCHED: {MatchStatus.IN_COOPERATION, MatchStatus.CLOSED},
    MatchStatus.IN_COOPERATION: {MatchStatus.COMPLETED, MatchStatus.CLOSED},
    MatchStatus.COMPLETED: set(),
    MatchStatus.CLOSED: set(),
}
# New conversations a member opens (each mails the other side), as the contact relay limits messages.
INTEREST_LIMITS = {"hour": (3600, 10), "day": (24 * 3600, 30)}


@transaction.atomic
def match_feedback_hide(*, user, need, offer) -> None:
    """Feedback "not relevant": the pair no longer appears in the suggestions `user` sees."""
    MatchFeedback.objects.get_or_create(user=user, need=need, offer=offer)


@transaction.atomic
def match_express_interest(*, user, need, offer, message: str) -> Match:
    """Opens (or reopens) the private conversation between a need and an offer, from one of the user's
    own published ones, with a first message. Opening new ones is rate-limited per member."""
    if not (permissions.is_side(user, need) or permissions.is_side(user, offer)):
        raise NotASide()
    if need.status != ExchangeStatus.PUBLISHED or offer.status != ExchangeStatus.PUBLISHED:
        raise NotPublished()
    if not (permissions.has_someone_to_reach(need) and permissions.has_someone_to_reach(offer)):
        raise NobodyToReach()
    if not Match.objects.filter(need=need, offer=offer).exists():
        limits = getattr(settings, "NETWORK_INTEREST_RATE_LIMITS", INTEREST_LIMITS)
        wait = rate_limit_hit(f"network:interest:{user.pk}", limits)
        if wait is not None:
            raise InterestRateLimited(retry_after=math.ceil(wait))
    match, _created = Match.objects.get_or_create(need=need, offer=offer, defaults={"created_by": user})
    if message.strip():
        match_message_post(match=match, author=user, body=message)
    return match


@transaction.atomic
def match_message_post(*, match: Match, author, body: str) -> MatchMessage:
    """A message in the match's conversation; the other side hears of it by e-mail."""
    if not permissions.can_see_match(author, match):
        raise NotASide()
    message = MatchMessage.objects.create(match=match, author=author, body=body.strip()[:5000])
    Match.objects.filter(pk=match.pk).update(updated_at=message.created_at)
    enqueue_after_commit("cop.network.tasks.notify_match_message", message.pk)
    return message


@transaction.atomic
def match_transition(
    *, match: Match, by, to: str, seen_status: str, outcome: str | None = None, report: str | None = None
) -> Match:
    """Moves a match one step on (organisers). `seen_status` is the step the organiser saw: if someone
    moved it meanwhile, nothing changes (StaleTransition); a step out of order is refused."""
    if not permissions.can_run_match(by):
        raise NotModerator()
    if to not in TRANSITIONS.get(seen_status, set()):
        raise TransitionRefused()
    changes = {"status": to}
    if outcome is not None:
        changes["outcome"] = outcome.strip()[:2000]
    if report is not None:
        changes["report"] = report.strip()[:5000]
    if not Match.objects.filter(pk=match.pk, status=seen_status).update(**changes):
        raise StaleTransition()
    match.refresh_from_db()
    return match


@transaction.atomic
def match_agree_public(*, match: Match, user, agree: bool = True) -> Match:
    """A side agrees (or no longer agrees) that the cooperation be listed publicly once completed."""
    sides = permissions.match_sides(user, match)
    if not sides:
        raise NotASide()
    if "need" in sides:
        match.need_side_agrees_public = agree
    if "offer" in sides:
        match.offer_side_agrees_public = agree
    match.save(update_fields=["need_side_agrees_public", "offer_side_agrees_public", "updated_at"])
    return match
