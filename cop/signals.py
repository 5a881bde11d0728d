"""Receivers that finish a flow begun before the user was signed in, and the signals cop sends for the
apps above it (cop imports none of them)."""

from allauth.account.signals import user_logged_in
from django.contrib import messages
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import Signal, receiver
from django.utils.translation import gettext as _

from cop import permissions, services
from cop.models import Membership, MembershipStatus

INVITATION_SESSION_KEY = "cop_invitation_token"

# Sent once, inside the transaction, when a membership stops giving access, whatever path changed the
# row (cop.services' leave, removal and ban, the Wagtail admin's edit form or delete view, a shell): an
# active membership saved in another status or deleted, or anyone banned (a banned requester or
# outsider loses even a public community). `membership` is the row in its new status (or as it was when
# deleted). Receivers take away what only members had (events cancels their registrations for the
# community's members-only events) and must be idempotent; their own tasks and broadcasts go out after
# commit (cop.commit).
membership_ended = Signal()


def _access_ended(before, after) -> bool:
    if after == MembershipStatus.ACTIVE:
        return False
    return before == MembershipStatus.ACTIVE or (
        after == MembershipStatus.BANNED and before != MembershipStatus.BANNED
    )


def _send_membership_ended(membership: Membership) -> None:
    permissions.forget_memberships(membership.user)
    membership_ended.send(sender=Membership, membership=membership)


@receiver(pre_save, sender=Membership, dispatch_uid="cop_membership_status_before_save")
@receiver(pre_delete, sender=Membership, dispatch_uid="cop_membership_status_before_delete")
def membership_status_before(sender, instance, **kwargs):
    instance._saved_status = instance.status_in_database()


@receiver(post_save, sender=Membership, dispatch_uid="cop_membership_saved")
def membership_saved(sender, instance, raw=False, **kwargs):
    before, instance._saved_status = instance._saved_status, instance.status
    if not raw and _access_ended(before, instance.status):
        _send_membership_ended(instance)


@receiver(post_delete, sender=Membership, dispatch_uid="cop_membership_deleted")
def membership_deleted(sender, instance, origin=None, **kwargs):
    # Only a membership deleted for itself (one row, or a queryset of memberships, as the admin's
    # delete views do): when its user or community is deleted, what depended on them goes with them.
    deleted_for_itself = isinstance(origin, Membership) or (
        isinstance(origin, QuerySet) and origin.model is Membership
    )
    if deleted_for_itself and instance._saved_status == MembershipStatus.ACTIVE:
        _send_membership_ended(instance)


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
