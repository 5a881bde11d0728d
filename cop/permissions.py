"""Who may see and do what in a community. The one place that decides: every page, list, search
result, feed, API and websocket asks here, never re-implementing the rules.

Levels, from outside in: anyone -> signed-in -> pending requester -> member -> moderator -> facilitator.
Banned users are treated as outsiders who may not even request again. Site staff (is_superuser) may do
everything; organisers manage communities in the Wagtail admin.
"""

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from wagtail.models import Page, PageViewRestriction

from cop.models import CommunityPage, JoinPolicy, Membership, MembershipStatus, Role, Visibility
from cop.prepared import PreparedGet

_CACHE_ATTR = "_cop_memberships"
# Asked on nearly every signed-in request: compiled once (cop.prepared).
_membership = PreparedGet(
    lambda user_id, community_id: Membership.objects.filter(
        user_id=user_id, community_id=community_id
    ).order_by()
)


def _request_cache(user) -> dict:
    """The user's membership rows by community id read during this request (on the user object)."""
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    return cache


def membership_of(user, community) -> Membership | None:
    """The user's membership row in `community` (any status), cached on the user object per request."""
    if user is None or not user.is_authenticated:
        return None
    cache = _request_cache(user)
    community_id = getattr(community, "pk", community)
    if community_id not in cache:
        cache[community_id] = _membership.get(user.pk, community_id)
    return cache[community_id]


def prime_memberships(user, community_ids) -> None:
    """Loads the user's memberships for many communities in one query (for lists)."""
    if user is None or not user.is_authenticated:
        return
    cache = _request_cache(user)
    missing = [cid for cid in community_ids if cid not in cache]
    if not missing:
        return
    found = {m.community_id: m for m in Membership.objects.filter(user=user, community_id__in=missing)}
    for cid in missing:
        cache[cid] = found.get(cid)


def remember_membership(user, community_id: int, membership: Membership | None) -> None:
    """Caches a membership row (or its absence) read together with something else, so that the
    permission checks on `community_id` that follow ask the database nothing more."""
    if user is None or not user.is_authenticated:
        return
    cache = _request_cache(user)
    cache[community_id] = membership


def remember_memberships(user, rows) -> None:
    """Caches the user's membership rows read together (all of theirs: cop.viewers.memberships)."""
    if user is None or not user.is_authenticated:
        return
    cache = _request_cache(user)
    cache.update((row.community_id, row) for row in rows)


def forget_memberships(user) -> None:
    """Drops the per-request cache after a membership change."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def _active_role(user, community) -> str | None:
    membership = membership_of(user, community)
    if membership is not None and membership.status == MembershipStatus.ACTIVE:
        return membership.role
    return None


def is_banned(user, community) -> bool:
    membership = membership_of(user, community)
    return membership is not None and membership.status == MembershipStatus.BANNED


def can_see_listing(user, community) -> bool:
    """May the user know the community exists and read its name, summary and how to join?"""
    if community.visibility != Visibility.HIDDEN:
        return True
    return _is_staff(user) or _active_role(user, community) is not None


def can_view(user, community) -> bool:
    """May the user read the community's content (discussions, events, case studies, members)?"""
    if _is_staff(user):
        return True
    if community.visibility == Visibility.PUBLIC:
        return not is_banned(user, community)
    return _active_role(user, community) is not None


def can_post(user, community) -> bool:
    """May the user start threads, reply, react and register for members' events here?"""
    return _is_staff(user) or _active_role(user, community) is not None


def can_moderate(user, community) -> bool:
    """May the user hide, pin, lock and move content, and handle flags?"""
    return _is_staff(user) or _active_role(user, community) in (Role.MODERATOR, Role.FACILITATOR)


def can_manage(user, community) -> bool:
    """May the user decide requests, invite, change roles, remove or ban members, post announcements?"""
    return _is_staff(user) or _active_role(user, community) == Role.FACILITATOR


def can_ban(user, community, membership) -> bool:
    """May the user bar this person? Facilitators anyone (but the last facilitator, checked by the
    service); moderators only plain members and requesters, from the moderation queue."""
    if can_manage(user, community):
        return True
    return (
        can_moderate(user, community)
        and membership.role == Role.MEMBER
        and membership.user_id != getattr(user, "pk", None)
    )


def visible_communities(user) -> QuerySet:
    """Live communities the user may see listed (hidden ones only for their members and staff)."""
    communities = CommunityPage.objects.live()
    if _is_staff(user):
        return communities
    if user is None or not user.is_authenticated:
        return communities.exclude(visibility=Visibility.HIDDEN)
    member_of = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values("community_id")
    return communities.filter(~Q(visibility=Visibility.HIDDEN) | Q(pk__in=member_of))


def readable_communities(user) -> QuerySet:
    """Live communities whose content the user may read (for feeds, search and cross-site lists)."""
    communities = CommunityPage.objects.live()
    if _is_staff(user):
        return communities
    if user is None or not user.is_authenticated:
        return communities.filter(visibility=Visibility.PUBLIC)
    member_of = Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).values("community_id")
    banned_from = Membership.objects.filter(user=user, status=MembershipStatus.BANNED).values("community_id")
    return communities.filter(
        (Q(visibility=Visibility.PUBLIC) & ~Q(pk__in=banned_from)) | Q(pk__in=member_of)
    )


# Page models that live elsewhere in the tree but belong to a community through a foreign key (an event
# page under the events index, say). Their apps register them so that visible_pages hides them too.
_COMMUNITY_OWNED_PAGES: list[tuple[type, str]] = []


def register_community_page(model, field: str = "community") -> None:
    """Declares that pages of `model` belong to the community in `field` (null: the whole site's)."""
    if (model, field) not in _COMMUNITY_OWNED_PAGES:
        _COMMUNITY_OWNED_PAGES.append((model, field))


def community_owned_pages() -> tuple[tuple[type, str], ...]:
    """The registered (page model, community field) pairs that visible_pages hides with their community
    (for a caller deciding over pages it keeps, as the site search does)."""
    return tuple(_COMMUNITY_OWNED_PAGES)


def _view_restricted_pages() -> QuerySet:
    """Ids of the pages at or below a page under a Wagtail view restriction: what Wagtail's public()
    leaves out, as a subquery the database answers when the query runs (public() reads the
    restrictions while the query is built, so a query kept compiled would miss a new one)."""
    # Driven by the restricted pages (few, most often none), not by every page of the tree.
    restricted_above = Page.objects.filter(
        pk__in=PageViewRestriction.objects.values("page_id"),
        depth__lte=OuterRef("depth"),
        path=Substr(OuterRef("path"), 1, F("depth") * Page.steplen),
    )
    return Page.objects.filter(Exists(restricted_above)).values("pk")


def visible_pages(user, pages, *, include_view_restricted: bool = False):
    """Narrows a Wagtail page queryset (e.g. for site search) to pages the user may find.

    Community pages are findable when listed for the user; pages below a community (threads, events,
    case studies published as pages) only when the user may read that community. One query, whatever
    the number of communities; nothing is read while the query is built (it may be kept compiled).
    Pages under a Wagtail view restriction are left out unless `include_view_restricted` (the caller
    then checks the restriction against the request)."""
    if not include_view_restricted:
        pages = pages.exclude(pk__in=_view_restricted_pages())
    if _is_staff(user):
        return pages
    listed = visible_communities(user).values("pk")
    readable = readable_communities(user).values("pk")
    # A page lies below a community when the community's path is a prefix of the page's path.
    under_unreadable = (
        CommunityPage.objects.exclude(pk__in=readable)
        .filter(depth__lt=OuterRef("depth"))
        .filter(path=Substr(OuterRef("path"), 1, F("depth") * CommunityPage.steplen))
    )
    hidden = CommunityPage.objects.exclude(pk__in=listed).values("pk")
    # Expressed as `pk__in` so that Wagtail's search backends, which filter on fields, accept it; only
    # pages of the queryset's own model are looked at (the outer query holds no other).
    blocked = pages.model._base_manager.filter(Exists(under_unreadable) | Q(pk__in=hidden)).values("pk")
    pages = pages.exclude(pk__in=blocked)
    for model, field in _COMMUNITY_OWNED_PAGES:
        if not (issubclass(model, pages.model) or issubclass(pages.model, model)):
            continue  # no page is both (an event page is never a case study): nothing to leave out
        owned_elsewhere = model.objects.filter(**{f"{field}__isnull": False}).exclude(
            **{f"{field}__in": readable}
        )
        pages = pages.exclude(pk__in=owned_elsewhere.values("pk"))
    return pages


class JoinAction:
    """What the community page offers a visitor, from `join_action`."""

    SIGN_IN = "sign_in"
    JOIN = "join"
    REQUEST = "request"
    PENDING = "pending"
    INVITATION_ONLY = "invitation_only"
    MEMBER = "member"
    BANNED = "banned"


def join_action(user, community) -> str:
    """Which way in (or out) the community page offers this user."""

    membership = membership_of(user, community)
    if membership is not None:
        if membership.status == MembershipStatus.ACTIVE:
            return JoinAction.MEMBER
        if membership.status == MembershipStatus.BANNED:
            return JoinAction.BANNED
        if membership.status == MembershipStatus.PENDING:
            return JoinAction.PENDING
    if community.join_policy == JoinPolicy.INVITATION or community.visibility == Visibility.HIDDEN:
        return JoinAction.INVITATION_ONLY
    if user is None or not user.is_authenticated:
        return JoinAction.SIGN_IN
    return JoinAction.JOIN if community.join_policy == JoinPolicy.OPEN else JoinAction.REQUEST


def can_see_profile(viewer, person) -> bool:
    """Public profiles are those listed in the network; the person and site staff always see their own."""
    if not person.is_active:
        return _is_staff(viewer)
    if person.listed_in_directory:
        return True
    return _is_staff(viewer) or (viewer is not None and viewer.is_authenticated and viewer.pk == person.pk)
