from .curated import CuratedEntry
from .exchange import ExchangeStatus, Need, Offer, SupportKind, Urgency
from .matches import Match, MatchFeedback, MatchMessage, MatchStatus
from .organisations import ClaimStatus, FocalPointClaim, Organisation, OrganisationKind, Scope
from .profiles import VISIBLE_PARTS, ContactMessage, FieldVisibility, Profile, Topic

__all__ = [
    "VISIBLE_PARTS",
    "ClaimStatus",
    "ContactMessage",
    "CuratedEntry",
    "ExchangeStatus",
    "FieldVisibility",
    "FocalPointClaim",
    "Match",
    "MatchFeedback",
    "MatchMessage",
    "MatchStatus",
    "Need",
    "Offer",
    "Organisation",
    "OrganisationKind",
    "Profile",
    "Scope",
    "SupportKind",
    "Topic",
    "Urgency",
]
