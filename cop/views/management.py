"""The facilitators' management page: requests to approve or decline, members' roles, removals and
bans, and invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop import selectors, services
from cop.community_forms import DeclineForm, InvitationForm, ReasonForm, RoleForm
from cop.errors import DomainError
from cop.models import Invitation, Role
from cop.views.access import MEMBERS_PER_PAGE, community_membership, crumbs, index_crumb, managed_community


def _manage_context(request, community, **extra) -> dict:
    members = Paginator(selectors.community_members(community), MEMBERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return {
        "community": community,
        "members_page": members,
        "pending": list(selectors.pending_requests(community)),
        "banned": list(selectors.banned_memberships(community)),
        "invitations": list(selectors.open_invitations(community)[:100]),
        "announcements": list(selectors.community_announcements(community)[:50]),
        "roles": Role.choices,
        "invitation_form": extra.pop("invitation_form", None) or InvitationForm(),
        "breadcrumbs": crumbs(index_crumb(), (community.title, community.url), (_("Manage"), "")),
        **extra,
    }


@login_required
def community_manage(request, community_id: int):
    """The facilitators' desk: requests, members and roles, invitations, bans, announcements."""
    community = managed_community(request, community_id)
    return render(request, "cop/community_manage.html", _manage_context(request, community))


@login_required
@require_POST
def request_approve(request, community_id: int, membership_id: int):
    community = managed_community(request, community_id)
    membership = community_membership(community, membership_id)
    services.membership_approve(actor=request.user, membership_id=membership.pk)
    messages.success(request, _("%(name)s is now a member.") % {"name": membership.user.public_name})
    return redirect("cop:community_manage", community.pk)


@login_required
def request_decline(request, community_id: int, membership_id: int):
    """Asks for the reason (GET), then declines (POST)."""
    community = managed_community(request, community_id)
    membership = community_membership(community, membership_id)
    manage_url = reverse("cop:community_manage", args=[community.pk])
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.membership_decline(
            actor=request.user, membership_id=membership.pk, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request, _("The request of %(name)s was declined.") % {"name": membership.user.public_name}
        )
        return redirect(manage_url)
    return render(
        request,
        "cop/membership_action.html",
        {
            "community": community,
            "membership": membership,
            "form": form,
            "action": "decline",
            "back_url": manage_url,
            "breadcrumbs": crumbs(
                index_crumb(),
                (community.title, community.url),
                (_("Manage"), manage_url),
                (_("Decline"), ""),
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def member_role(request, community_id: int, membership_id: int):
    community = managed_community(request, community_id)
    membership = community_membership(community, membership_id)
    manage_url = reverse("cop:community_manage", args=[community.pk])
    form = RoleForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Choose one of the roles offered."))  # 400
    services.membership_set_role(
        actor=request.user, membership_id=membership.pk, role=form.cleaned_data["role"]
    )
    messages.success(
        request,
        _("%(name)s is now %(role)s.")
        % {"name": membership.user.public_name, "role": Role(form.cleaned_data["role"]).label},
    )
    return redirect(manage_url)


def _member_sanction(request, community_id: int, membership_id: int, *, action: str):
    """Remove or ban: asks for confirmation and an optional reason (GET), then acts (POST)."""
    community = managed_community(request, community_id)
    membership = community_membership(community, membership_id)
    manage_url = reverse("cop:community_manage", args=[community.pk])
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = services.membership_ban if action == "ban" else services.membership_remove
        service(actor=request.user, membership_id=membership.pk, reason=form.cleaned_data["reason"])
        done = _("%(name)s is barred from the community.") if action == "ban" else _("%(name)s was removed.")
        messages.success(request, done % {"name": membership.user.public_name})
        return redirect(manage_url)
    label = _("Bar from the community") if action == "ban" else _("Remove")
    return render(
        request,
        "cop/membership_action.html",
        {
            "community": community,
            "membership": membership,
            "form": form,
            "action": action,
            "back_url": manage_url,
            "breadcrumbs": crumbs(
                index_crumb(), (community.title, community.url), (_("Manage"), manage_url), (label, "")
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
def member_remove(request, community_id: int, membership_id: int):
    return _member_sanction(request, community_id, membership_id, action="remove")


@login_required
def member_ban(request, community_id: int, membership_id: int):
    return _member_sanction(request, community_id, membership_id, action="ban")


@login_required
@require_POST
def member_unban(request, community_id: int, membership_id: int):
    community = managed_community(request, community_id)
    membership = community_membership(community, membership_id)
    manage_url = reverse("cop:community_manage", args=[community.pk])
    services.membership_unban(actor=request.user, membership_id=membership.pk)
    messages.success(request, _("The ban on %(name)s was lifted.") % {"name": membership.user.public_name})
    return redirect(manage_url)


@login_required
@require_POST
def invitation_create(request, community_id: int):
    community = managed_community(request, community_id)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user, community=community, **form.cleaned_data
            )
        except services.CommunityError as error:
            form.add_error("email", error.message)
            return render(
                request,
                "cop/community_manage.html",
                _manage_context(request, community, invitation_form=form),
                status=error.status,
            )
        messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
        return redirect("cop:community_manage", community.pk)
    return render(
        request,
        "cop/community_manage.html",
        _manage_context(request, community, invitation_form=form),
        status=400,
    )


@login_required
@require_POST
def invitation_revoke(request, community_id: int, invitation_id: int):
    community = managed_community(request, community_id)
    invitation = get_object_or_404(Invitation, pk=invitation_id, community=community)
    manage_url = reverse("cop:community_manage", args=[community.pk])
    services.invitation_revoke(actor=request.user, invitation_id=invitation.pk)
    messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect(manage_url)
