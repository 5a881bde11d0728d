"""What the communities index and a community's page show (cop.page_context): the listing with its
filters, and a community's home as the visitor may see it."""

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cop import permissions, selectors
from cop.filters import CommunityFilter
from cop.models import CommunityIndexPage, CommunityPage
from cop.page_context import gathers_context_of
from cop.sections import render_sections


@gathers_context_of(CommunityIndexPage)
def community_index_context(page: CommunityIndexPage, request) -> dict:
    """The communities the visitor may see, filtered and a page at a time."""
    choices = selectors.filter_choices(request.user)
    filterset = CommunityFilter(request.GET or None)
    filterset.offer_tags(choices["tags"])
    communities = selectors.community_cards(request.user, filters=request.GET)
    cards = Paginator(communities, page.cards_per_page).get_page(request.GET.get("page"))
    selectors.attach_memberships(request.user, cards.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": filterset.form,
        "page_obj": cards,
        "communities": cards.object_list,
        "is_filtered": filterset.is_active(),
        "querystring": query.urlencode(),
        "breadcrumbs": [{"title": page.title, "url": ""}],
    }


@gathers_context_of(CommunityPage)
def community_context(community: CommunityPage, request) -> dict:
    """Outsiders of a members-only community get the name, description and how to join; readers get the
    community home: announcements, other apps' sections (discussions, events...) and members. Hidden
    communities do not exist for outsiders."""
    user = request.user
    if not permissions.can_see_listing(user, community):
        raise Http404
    can_view = permissions.can_view(user, community)
    context = {
        "membership": permissions.membership_of(user, community),
        "join_action": permissions.join_action(user, community),
        "can_view": can_view,
        "can_manage": permissions.can_manage(user, community),
        "member_count": selectors.community_member_count(community),
        "gbf_targets": list(community.gbf_targets.all()),
        "working_languages": list(community.working_languages.all()),
        "regions": list(community.regions.all()),
        "stakeholder_focus": list(community.stakeholder_focus.all()),
        "km_components": list(community.km_components.all()),
        "tags": list(community.tags.all()),
        "breadcrumbs": [
            {"title": str(_("Communities")), "url": reverse("cop:community_index")},
            {"title": community.title, "url": ""},
        ],
    }
    if can_view:
        members = list(selectors.community_members(community)[: selectors.MEMBERS_PREVIEW])
        context.update(
            facilitators=selectors.community_facilitators(community),
            members_preview=members,
            announcements=selectors.pinned_announcements(community),
            external_links=list(community.external_links.all()),
            sections=render_sections("community", request, community),
        )
    return context
