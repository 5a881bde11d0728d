"""Receivers that finish a flow begun before the user was signed in."""

from allauth.account.signals import user_logged_in
from django.contrib import messages
from django.dispatch import receiver
from django.utils.translation import gettext as _

from cop import services

INVITATION_SESSION_KEY = "cop_invitation_token"


@receiver(user_logged_in, dispatch_uid="cop_accept_invitation_on_login")
def accept_invitation_on_login(sender, request, user, **kwargs):
    """An invitee who opened the link, then logged in or signed up, lands as a member."""
    token = request.session.pop(INVITATION_SESSION_KEY, None) if request is not None else None
    if not token:
        return
    try:
        membership = services.invitation_accept(user=user, token=token)
    except services.CommunityError as error:
        messages.warning(request, error.message)
        return
    messages.success(
        request, _("Welcome! You are now a member of %(name)s.") % {"name": membership.community.title}
    )
