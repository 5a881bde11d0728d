"""Front-end views of the communities: thin, they ask cop.permissions, read through cop.selectors and
write through cop.services; a refused action (cop.errors.DomainError) becomes the refused page at the
edge (cop.edge)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop import permissions, selectors, services
from cop.community_forms import (
    AnnouncementForm,
    DeclineForm,
    InvitationForm,
    MembershipRequestForm,
    PractitionerProfileForm,
    ReasonForm,
    RoleForm,
)
from cop.errors import DomainError
from cop.filters import PractitionerFilter
from cop.models import Announcement, CommunityIndexPage, CommunityPage, Invitation, Membership, Role
from cop.signals import INVITATION_SESSION_KEY

MEMBERS_PER_PAGE = 50
PEOPLE_PER_PAGE = 30

# HELPERS ----


def _community_or_404(request, community_id: int) -> CommunityPage:
    """A live community the user may at least know exists; hidden ones are 404 for outsiders."""
    community = get_object_or_404(CommunityPage.objects.live(), pk=community_id)
    if not permissions.can_see_listing(request.user, community):
        raise Http404
    return community


def _readable_community(request, community_id: int) -> CommunityPage:
    community = _community_or_404(request, community_id)
    if not permissions.can_view(request.user, community):
        raise services.NotAllowed(_("Only members of this community can see this."))
    return community


def _managed_community(request, community_id: int) -> CommunityPage:
    community = _community_or_404(request, community_id)
    if not permissions.can_manage(request.user, community):
        raise services.NotAllowed(_("Only the facilitators of this community can do this."))
    return community


def _community_membership(community, membership_id: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user"), pk=membership_id, community=community)


def _crumbs(*items) -> list[dict]:
    return [{"title": title, "url": url} for title, url in items]


def _index_crumb() -> tuple[str, str]:
    return (_("Communities"), reverse("cop:community_index"))


# COMMUNITY INDEX ----


def community_index(request):
    """The named route of the communities index (cop:community_index): serves the Wagtail page."""
    index = CommunityIndexPage.objects.live().first()
    if index is None:
        raise Http404
    return index.specific.serve(request)


# JOIN, REQUEST, WITHDRAW, LEAVE ----


@login_required
@require_POST
def community_join(request, community_id: int):
    community = _community_or_404(request, community_id)
    services.membership_join(user=request.user, community=community)
    messages.success(request, _("Welcome! You are now a member of %(name)s.") % {"name": community.title})
    return redirect(community.url)


@login_required
def community_request(request, community_id: int):
    """The form to ask to join a community whose facilitators approve members."""
    community = _community_or_404(request, community_id)
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
            "breadcrumbs": _crumbs(_index_crumb(), (community.title, community.url), (_("Ask to join"), "")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def community_withdraw(request, community_id: int):
    community = _community_or_404(request, community_id)
    services.membership_withdraw(user=request.user, community=community)
    messages.success(request, _("Your request to join was withdrawn."))
    # From "My communities" the user goes back there, elsewhere to the community.
    return redirect(reverse("cop:my_communities") if request.POST.get("next") == "mine" else community.url)


@login_required
def community_leave(request, community_id: int):
    """Asks for confirmation (GET), then leaves (POST)."""
    community = _community_or_404(request, community_id)
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
            "breadcrumbs": _crumbs(_index_crumb(), (community.title, community.url), (_("Leave"), "")),
        },
    )


# MEMBERS, ANNOUNCEMENTS ----


def _readers_list(request, community_id: int, *, rows, template: str, title: str, per_page: int):
    """A paginated list that only the community's readers see (members, announcements)."""
    community = _readable_community(request, community_id)
    page = Paginator(rows(community), per_page).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "community": community,
            "page_obj": page,
            "can_manage": permissions.can_manage(request.user, community),
            "breadcrumbs": _crumbs(_index_crumb(), (community.title, community.url), (title, "")),
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


# FACILITATORS' MANAGEMENT ----


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
        "breadcrumbs": _crumbs(_index_crumb(), (community.title, community.url), (_("Manage"), "")),
        **extra,
    }


@login_required
def community_manage(request, community_id: int):
    """The facilitators' desk: requests, members and roles, invitations, bans, announcements."""
    community = _managed_community(request, community_id)
    return render(request, "cop/community_manage.html", _manage_context(request, community))


@login_required
@require_POST
def request_approve(request, community_id: int, membership_id: int):
    community = _managed_community(request, community_id)
    membership = _community_membership(community, membership_id)
    services.membership_approve(actor=request.user, membership_id=membership.pk)
    messages.success(request, _("%(name)s is now a member.") % {"name": membership.user.public_name})
    return redirect("cop:community_manage", community.pk)


@login_required
def request_decline(request, community_id: int, membership_id: int):
    """Asks for the reason (GET), then declines (POST)."""
    community = _managed_community(request, community_id)
    membership = _community_membership(community, membership_id)
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
            "breadcrumbs": _crumbs(
                _index_crumb(),
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
    community = _managed_community(request, community_id)
    membership = _community_membership(community, membership_id)
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
    community = _managed_community(request, community_id)
    membership = _community_membership(community, membership_id)
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
            "breadcrumbs": _crumbs(
                _index_crumb(), (community.title, community.url), (_("Manage"), manage_url), (label, "")
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
    community = _managed_community(request, community_id)
    membership = _community_membership(community, membership_id)
    manage_url = reverse("cop:community_manage", args=[community.pk])
    services.membership_unban(actor=request.user, membership_id=membership.pk)
    messages.success(request, _("The ban on %(name)s was lifted.") % {"name": membership.user.public_name})
    return redirect(manage_url)


@login_required
@require_POST
def invitation_create(request, community_id: int):
    community = _managed_community(request, community_id)
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
    community = _managed_community(request, community_id)
    invitation = get_object_or_404(Invitation, pk=invitation_id, community=community)
    manage_url = reverse("cop:community_manage", args=[community.pk])
    services.invitation_revoke(actor=request.user, invitation_id=invitation.pk)
    messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect(manage_url)


@login_required
def announcement_edit(request, community_id: int, announcement_id: int | None = None):
    """Writes a new announcement or edits one."""
    community = _managed_community(request, community_id)
    announcement = (
        get_object_or_404(Announcement, pk=announcement_id, community=community) if announcement_id else None
    )
    form = AnnouncementForm(request.POST or None, instance=announcement)
    manage_url = reverse("cop:community_manage", args=[community.pk])
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ("title", "body", "pinned")}
        if announcement is None:
            services.announcement_create(actor=request.user, community=community, **fields)
        else:
            services.announcement_update(actor=request.user, announcement_id=announcement.pk, **fields)
        messages.success(request, _("The announcement was saved."))
        return redirect(manage_url)
    heading = _("Edit the announcement") if announcement else _("New announcement")
    return render(
        request,
        "cop/announcement_form.html",
        {
            "community": community,
            "form": form,
            "announcement": announcement,
            "heading": heading,
            "back_url": manage_url,
            "breadcrumbs": _crumbs(
                _index_crumb(), (community.title, community.url), (_("Manage"), manage_url), (heading, "")
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def announcement_delete(request, community_id: int, announcement_id: int):
    community = _managed_community(request, community_id)
    announcement = get_object_or_404(Announcement, pk=announcement_id, community=community)
    services.announcement_delete(actor=request.user, announcement_id=announcement.pk)
    messages.success(request, _("The announcement was deleted."))
    return redirect("cop:community_manage", community.pk)


# INVITATIONS (the invitee's side) ----


def invitation(request, token: str):
    """The link in the invitation e-mail. Anonymous visitors are asked to log in or sign up and come
    back; a signed-in user accepts with one button (POST)."""
    invitation_obj = services.invitation_from_token(token)
    community = invitation_obj.community
    if request.user.is_authenticated and invitation_obj.accepted_by_id == request.user.pk:
        messages.info(request, _("You are a member of %(name)s.") % {"name": community.title})
        return redirect(community.url)
    if request.method == "POST" and request.user.is_authenticated:
        services.invitation_accept(user=request.user, token=token)
        request.session.pop(INVITATION_SESSION_KEY, None)
        messages.success(request, _("Welcome! You are now a member of %(name)s.") % {"name": community.title})
        return redirect(community.url)
    if not invitation_obj.is_open:
        raise services.InvitationRevoked() if invitation_obj.revoked_at else services.InvitationUsed()
    if not request.user.is_authenticated:
        # Kept in the session so that logging in (even after signing up and verifying the e-mail
        # address) accepts it: see cop.signals.
        request.session[INVITATION_SESSION_KEY] = token
    return render(
        request,
        "cop/invitation.html",
        {"invitation": invitation_obj, "community": community, "next": request.get_full_path()},
    )


# MY COMMUNITIES, PROFILES, NETWORK ----


@login_required
def my_communities(request):
    return render(
        request,
        "cop/my_communities.html",
        {**selectors.my_memberships(request.user), "breadcrumbs": _crumbs((_("My communities"), ""))},
    )


def profile(request, user_id: int):
    """A practitioner's public profile."""
    person = get_object_or_404(get_user_model(), pk=user_id)
    if not permissions.can_see_profile(request.user, person):
        raise Http404
    person = selectors.prefetch_profile(person)
    return render(
        request,
        "cop/profile.html",
        {
            "person": person,
            "memberships": selectors.profile_communities(request.user, person),
            "is_self": request.user.is_authenticated and request.user.pk == person.pk,
            "breadcrumbs": _crumbs((_("Network"), reverse("cop:network")), (person.public_name, "")),
        },
    )


def network(request):
    """The practitioner directory: listed public profiles, searchable and filterable without JS."""
    filterset = PractitionerFilter(request.GET or None)
    people = Paginator(selectors.practitioner_directory(filters=request.GET), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cop/network.html",
        {
            "form": filterset.form,
            "page_obj": people,
            "is_filtered": filterset.is_active(),
            "querystring": query.urlencode(),
        },
        status=400 if filterset.is_bound and filterset.form.errors else 200,
    )


@login_required
def my_profile(request):
    """The account menu's "My public profile": one address for everyone, so that the menu is the same
    for every member (cached pages fill in only their name)."""
    return redirect("cop:profile", request.user.pk)


@login_required
def profile_settings(request):
    """The signed-in user's display name, language and time zone, and their public profile."""
    form = PractitionerProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Your settings were saved."))
        with translation.override(user.preferred_language):
            response = redirect("cop:profile_settings")
        response.set_cookie(
            "django_language", user.preferred_language, samesite="Lax", secure=request.is_secure()
        )
        return response
    return render(request, "cop/profile_settings.html", {"form": form}, status=400 if form.errors else 200)
