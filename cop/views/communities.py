"""A community seen by its visitors: joining, asking to join, withdrawing, leaving, its members and
announcements, and the visitor's own communities (the index is its page's: cop.models.CommunityIndexPage)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop import permissions, selectors, services
from cop.community_forms import MembershipRequestForm
from cop.views.access import MEMBERS_PER_PAGE, community_or_404, crumbs, index_crumb, readable_community


@login_required
@require_POST
def community_join(request, community_id: int):
    community = community_or_404(request, community_id)
    services.membership_join(user=request.user, community=community)
    messages.success(request, _("Welcome! You are now a member of %(name)s.") % {"name": community.title})
    return redirect(community.url)


@login_required
def community_request(request, community_id: int):
    """The form to ask to join a community whose facilitators approve members."""
    community = community_or_404(request, community_id)
    form = MembershipRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership = services.membership_request(
            user=request.user, community=community, message=form.cleaned_data["message"]
        )
        if membership.is_active:
            messages.success(
                request, _("Welcome! You are now a member of %(name)s.") % {"name": community.title}
            )
        else:
            messages.success(request, _("Your request was sent. The facilitators will answer you by e-mail."))
        return redirect(community.url)
    return render(
        request,
        "cop/community_request.html",
        {
            "community": community,
            "form": form,
            "join_action": permissions.join_action(request.user, community),
            "breadcrumbs": crumbs(index_crumb(), (community.title, community.url), (_("Ask to join"), "")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def community_withdraw(request, community_id: int):
    community = community_or_404(request, community_id)
    services.membership_withdraw(user=request.user, community=community)
    messages.success(request, _("Your request to join was withdrawn."))
    # From "My communities" the user goes back there, elsewhere to the community.
    return redirect(reverse("cop:my_communities") if request.POST.get("next") == "mine" else community.url)


@login_required
def community_leave(request, community_id: int):
    """Asks for confirmation (GET), then leaves (POST)."""
    community = community_or_404(request, community_id)
    if request.method == "POST":
        services.membership_leave(user=request.user, community=community)
        messages.success(request, _("You left %(name)s.") % {"name": community.title})
        return redirect(reverse("cop:my_communities"))
    return render(
        request,
        "cop/community_leave.html",
        {
            "community": community,
            "membership": permissions.membership_of(request.user, community),
            "breadcrumbs": crumbs(index_crumb(), (community.title, community.url), (_("Leave"), "")),
        },
    )


def _readers_list(request, community_id: int, *, rows, template: str, title: str, per_page: int):
    """A paginated list that only the community's readers see (members, announcements)."""
    community = readable_community(request, community_id)
    page = Paginator(rows(community), per_page).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "community": community,
            "page_obj": page,
            "can_manage": permissions.can_manage(request.user, community),
            "breadcrumbs": crumbs(index_crumb(), (community.title, community.url), (title, "")),
        },
    )


def community_members(request, community_id: int):
    return _readers_list(
        request,
        community_id,
        rows=selectors.community_members,
        template="cop/community_members.html",
        title=_("Members"),
        per_page=MEMBERS_PER_PAGE,
    )


def community_announcements(request, community_id: int):
    return _readers_list(
        request,
        community_id,
        rows=selectors.community_announcements,
        template="cop/community_announcements.html",
        title=_("Announcements"),
        per_page=20,
    )


@login_required
def my_communities(request):
    return render(
        request,
        "cop/my_communities.html",
        {**selectors.my_memberships(request.user), "breadcrumbs": crumbs((_("My communities"), ""))},
    )
