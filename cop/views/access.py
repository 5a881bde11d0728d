"""What the community views share: the community a request may see, read or manage (or the refusal),
and the breadcrumbs."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from cop import permissions, services
from cop.models import CommunityPage, Membership

MEMBERS_PER_PAGE = 50  # the members list and the management page


def community_or_404(request, community_id: int) -> CommunityPage:
    """A live community the user may at least know exists; hidden ones are 404 for outsiders."""
    community = get_object_or_404(CommunityPage.objects.live(), pk=community_id)
    if not permissions.can_see_listing(request.user, community):
        raise Http404
    return community


def readable_community(request, community_id: int) -> CommunityPage:
    community = community_or_404(request, community_id)
    if not permissions.can_view(request.user, community):
        raise services.NotAllowed(_("Only members of this community can see this."))
    return community


def managed_community(request, community_id: int) -> CommunityPage:
    community = community_or_404(request, community_id)
    if not permissions.can_manage(request.user, community):
        raise services.NotAllowed(_("Only the facilitators of this community can do this."))
    return community


def community_membership(community, membership_id: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user"), pk=membership_id, community=community)


def crumbs(*items) -> list[dict]:
    return [{"title": title, "url": url} for title, url in items]


def index_crumb() -> tuple[str, str]:
    return (_("Communities"), reverse("cop:community_index"))
