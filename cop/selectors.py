"""Reads for communities and practitioners. Each returns what one page shows in a bounded number of
queries (annotations and prefetches, never a query per row)."""

from collections.abc import Mapping

from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from taggit.models import Tag

from cop import permissions
from cop.filters import CommunityFilter
from cop.models import (
    Announcement,
    CommunityPage,
    CommunityPageTag,
    GBFTarget,
    Invitation,
    Language,
    Membership,
    MembershipStatus,
    Region,
    Role,
    StakeholderGroup,
)

MEMBERS_PREVIEW = 12


def _active_member_count():
    counts = (
        Membership.objects.filter(community=OuterRef("pk"), status=MembershipStatus.ACTIVE)
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def community_cards(user, *, filters: Mapping | None = None) -> QuerySet:
    """The communities the user may see listed, narrowed by `filters` (cop.filters.CommunityFilter:
    invalid values are left out), with what their cards show."""
    communities = permissions.visible_communities(user)
    if filters:
        communities = CommunityFilter(filters, communities).qs
    return (
        communities.annotate(member_count=_active_member_count())
        .prefetch_related("gbf_targets", "working_languages", "tags")
        .order_by(Coalesce("last_activity_at", "last_published_at").desc(nulls_last=True), "title")
    )


def attach_memberships(user, communities) -> None:
    """Sets `viewer_membership` on each community (one query for the whole list)."""
    communities = list(communities)
    permissions.prime_memberships(user, [c.pk for c in communities])
    for community in communities:
        community.viewer_membership = permissions.membership_of(user, community)


def filter_choices(user) -> dict:
    """What the index filters offer: every vocabulary entry, and the tags used by listed communities."""
    listed = permissions.visible_communities(user).values("pk")
    tag_ids = CommunityPageTag.objects.filter(content_object__in=listed).values("tag_id")
    return {
        "targets": list(GBFTarget.objects.all()),
        "regions": list(Region.objects.select_related("parent").order_by(Lower("name"))),
        "languages": list(Language.objects.all()),
        "stakeholders": list(StakeholderGroup.objects.all()),
        "tags": list(Tag.objects.filter(pk__in=tag_ids).order_by(Lower("name"))),
    }


def community_facilitators(community) -> list:
    return [
        m.user
        for m in Membership.objects.filter(
            community=community, status=MembershipStatus.ACTIVE, role=Role.FACILITATOR
        )
        .select_related("user")
        .order_by("joined_at")
    ]


def community_members(community) -> QuerySet:
    """Active members, facilitators first, then moderators, then by name."""
    role_order = {Role.FACILITATOR: 0, Role.MODERATOR: 1, Role.MEMBER: 2}

    return (
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
        .select_related("user")
        .annotate(
            role_rank=Case(
                *[When(role=role, then=Value(rank)) for role, rank in role_order.items()],
                output_field=IntegerField(),
            )
        )
        .order_by("role_rank", Lower("user__display_name"), "user__email")
    )


def community_member_count(community) -> int:
    return Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE).count()


def pinned_announcements(community, limit: int = 5) -> list:
    return list(
        Announcement.objects.filter(community=community, pinned=True)
        .select_related("author")
        .order_by("-created_at")[:limit]
    )


def community_announcements(community) -> QuerySet:
    return Announcement.objects.filter(community=community).select_related("author")


def pending_requests(community) -> QuerySet:
    return (
        Membership.objects.filter(community=community, status=MembershipStatus.PENDING)
        .select_related("user")
        .order_by("updated_at")
    )


def banned_memberships(community) -> QuerySet:
    return (
        Membership.objects.filter(community=community, status=MembershipStatus.BANNED)
        .select_related("user", "decided_by")
        .order_by("-updated_at")
    )


def open_invitations(community) -> QuerySet:
    return Invitation.objects.filter(
        community=community, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")


# What a community card on the site home shows (and what its URL and order need): nothing more of
# the page's many columns.
HOME_CARD_FIELDS = ("id", "path", "depth", "url_path", "title", "summary", "live")


def home_communities(user, *, limit: int) -> tuple[list, bool]:
    """The signed-in user's active communities, by name; else (or if they have none) the most active
    communities they may see, with their member counts. Returns (communities, whether they are the
    user's own), in one query each way."""
    if user.is_authenticated:
        mine = list(
            CommunityPage.objects.filter(
                live=True,
                memberships__user=user,
                memberships__status=MembershipStatus.ACTIVE,
            )
            .only(*HOME_CARD_FIELDS)
            .order_by(Lower("title"))[:limit]
        )
        if mine:
            return mine, True
    communities = (
        permissions.visible_communities(user)
        .only(*HOME_CARD_FIELDS)
        .annotate(member_count=_active_member_count())
        .order_by(Coalesce("last_activity_at", "last_published_at").desc(nulls_last=True), "title")
    )
    return list(communities[:limit]), False


def my_memberships(user) -> dict:
    """The user's active memberships and pending requests, for the "My communities" page."""
    memberships = (
        Membership.objects.filter(
            user=user,
            status__in=[MembershipStatus.ACTIVE, MembershipStatus.PENDING],
            community__live=True,
        )
        .select_related("community")
        .order_by(Lower("community__title"))
    )
    active, pending = [], []
    for membership in memberships:
        (active if membership.status == MembershipStatus.ACTIVE else pending).append(membership)
    counts = dict(
        Membership.objects.filter(
            community_id__in=[m.community_id for m in active], status=MembershipStatus.ACTIVE
        )
        .values_list("community_id")
        .annotate(n=Count("pk"))
    )
    for membership in active:
        membership.member_count = counts.get(membership.community_id, 0)
    return {"active": active, "pending": pending}


# PRACTITIONERS (the directory and profiles are cop.network's) ----


def profile_communities(viewer, person) -> list:
    """The communities `person` belongs to that `viewer` may read: membership of a members-only
    community is itself members-only information."""
    readable = permissions.readable_communities(viewer).values("pk")
    return list(
        Membership.objects.filter(user=person, status=MembershipStatus.ACTIVE, community__in=readable)
        .select_related("community")
        .order_by(Lower("community__title"))
    )
