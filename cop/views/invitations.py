"""The invitee's side of an invitation: the link in the e-mail."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cop import services
from cop.signals import INVITATION_SESSION_KEY


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
