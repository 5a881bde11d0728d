from .communities import (
    CommunityIndexPage,
    CommunityLink,
    CommunityPage,
    CommunityPageTag,
    JoinPolicy,
    Visibility,
)
from .membership import Membership, MembershipStatus, Role
from .users import User
from .vocabularies import CountryRegion, GBFGoal, GBFTarget, KMComponent, Language, Region, StakeholderGroup

__all__ = [
    "CommunityIndexPage",
    "CommunityLink",
    "CommunityPage",
    "CommunityPageTag",
    "CountryRegion",
    "GBFGoal",
    "GBFTarget",
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
