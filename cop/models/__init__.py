from .announcements import Announcement
from .communities import (
    CommunityIndexPage,
    CommunityLink,
    CommunityPage,
    CommunityPageTag,
    JoinPolicy,
    Visibility,
)
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
    "Membership",
    "MembershipStatus",
    "Region",
    "Role",
    "StakeholderGroup",
    "User",
    "Visibility",
]
