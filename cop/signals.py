"""Receivers that finish a flow begun before the user was signed in, and the signals cop sends for the
apps above it (cop imports none of them)."""

from allauth.account.signals import user_logged_in
from django.contrib import messages
from django.dispatch import Signal, receiver
from django.utils.translation import gettext as _

INVITATION_SESSION_KEY = "cop_invitation_token"

# Sent by cop.services, inside the transaction, when an active membership ends (the member leaves, is
# removed or is banned), with `membership` (already saved in its new status). Receivers take away what
# only members had (events cancels their registrations for the community's members-only events); their
# own tasks and broadcasts go out after commit (cop.commit).
membership_ended = Signal()


@receiver(user_logged_in, dispatch_uid="cop_accept_invitation_on_login")
def accept_invitation_on_login(sender, request, user, **kwargs):
    """An invitee who opened the link, then logged in or signed up, lands as a member."""
    from cop import services  # imported here: cop.services sends this module's signals

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
