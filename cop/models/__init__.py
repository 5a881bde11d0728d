from .announcements import Announcement
from .communities import (
    CommunityIndexPage,
    CommunityLink,
    CommunityPage,
    CommunityPageTag,
    JoinPolicy,
    Visibility,
)
from .mail import MailStatus, SentMail
from .membership import Invitation, Membership, MembershipStatus, Role
from .users import User
from .vocabularies import CountryRegion, GBFGoal, GBFTarget, KMComponent, Language, Region, StakeholderGroup

__all__ = [
    "Announcement",
    "CommunityIndexPage",
    "CommunityLink",
    "CommunityPage",
    "CommunityPageTag",
    "CountryRegion",
    "GBFGoal",
    "GBFTarget",
    "Invitation",
    "JoinPolicy",
    "KMComponent",
    "Language",
    "MailStatus",
    "Membership",
    "MembershipStatus",
    "Region",
    "Role",
    "SentMail",
    "StakeholderGroup",
    "User",
    "Visibility",
]
