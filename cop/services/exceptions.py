"""What can go wrong in a community, by name (cop.errors.DomainError: the edge shows the message with
the status)."""

from django.utils.translation import gettext_lazy as _

from cop.errors import DomainError


class CommunityError(DomainError):
    """A refused community action (cop.errors)."""

    status = 409


class NotAllowed(CommunityError):
    status = 403
    default_message = _("You are not allowed to do this in this community.")


class Banned(CommunityError):
    status = 403
    default_message = _("The facilitators of this community have barred you from it.")


class AlreadyMember(CommunityError):
    default_message = _("You are already a member of this community.")


class AlreadyRequested(CommunityError):
    default_message = _("Your request to join is already waiting for the facilitators.")


class RequestNotPending(CommunityError):
    default_message = _(
        "This request is no longer waiting for a decision: it was withdrawn or already decided."
    )


class NotMember(CommunityError):
    default_message = _("This person is not an active member of the community.")


class NotBanned(CommunityError):
    default_message = _("This person is not barred from the community.")


class ApprovalRequired(CommunityError):
    default_message = _("The facilitators approve new members of this community: send a request to join.")


class InvitationOnly(CommunityError):
    status = 403
    default_message = _("This community takes new members by invitation only.")


class LastFacilitator(CommunityError):
    default_message = _(
        "A community needs at least one facilitator. Make another member a facilitator first."
    )


class InvitationInvalid(CommunityError):
    status = 404
    default_message = _("This invitation link is not valid. Check that you copied the whole link.")


class InvitationExpired(CommunityError):
    status = 410
    default_message = _(
        "This invitation has expired. Ask a facilitator of the community to invite you again."
    )


class InvitationUsed(CommunityError):
    status = 410
    default_message = _("This invitation has already been used.")


class InvitationRevoked(CommunityError):
    status = 410
    default_message = _("This invitation was withdrawn by the community's facilitators.")
