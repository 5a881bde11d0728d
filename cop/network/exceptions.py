"""Refused actions of the practitioner network; the edge (cop.edge) shows their message and status."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from cop.errors import DomainError, Forbidden, RateLimited


class NetworkError(DomainError):
    pass


class ContactRefused(Forbidden):
    default_message = _("This person does not accept messages through the contact form.")


class ContactRateLimited(NetworkError, RateLimited):
    default_message = _("You have sent many messages in a short time. Please wait and try again.")

    wait_message = ngettext_lazy(
        "You have sent many messages in a short time. Please wait %(minutes)d minute and try again.",
        "You have sent many messages in a short time. Please wait %(minutes)d minutes and try again.",
        "minutes",
    )


class InterestRateLimited(NetworkError, RateLimited):
    default_message = _("You have opened many conversations in a short time. Please wait and try again.")

    wait_message = ngettext_lazy(
        "You have opened many conversations in a short time. Please wait %(minutes)d minute and try again.",
        "You have opened many conversations in a short time. Please wait %(minutes)d minutes and try again.",
        "minutes",
    )


class NotFocalPoint(Forbidden):
    default_message = _("Only the organisation's focal points may do this.")


class NotModerator(Forbidden):
    default_message = _("Only network moderators and site staff may do this.")


class NotYours(Forbidden):
    default_message = _(
        "Only its author, the focal points of its organisation and network moderators may do this."
    )


class ClaimPending(NetworkError):
    status = 409
    default_message = _(
        "You have already asked to be a focal point of this organisation; an organiser will answer."
    )


class AlreadyFocalPoint(NetworkError):
    status = 409
    default_message = _("You are already a focal point of this organisation.")


class ClaimDecided(NetworkError):
    status = 409
    default_message = _("This request was already answered.")


class WrongStatus(NetworkError):
    status = 409
    default_message = _("This cannot be done in its current state; reload the page to see it.")


class NotPublished(NetworkError):
    status = 409
    default_message = _("Only published needs and offers can be matched.")


class NobodyToReach(NetworkError):
    status = 409
    default_message = _(
        "Nobody can answer for this need or offer any more: its author has left the platform and no "
        "focal point of its organisation remains. Nothing was changed."
    )


class NotASide(Forbidden):
    default_message = _("You can express interest only from one of your own published needs or offers.")


class TransitionRefused(NetworkError):
    status = 409
    default_message = _("A match cannot move to that step from where it is now.")


class StaleTransition(NetworkError):
    status = 409
    default_message = _(
        "Someone moved this match on while you were looking at it. Reload the page and try again."
    )


class ClaimLinkInvalid(NetworkError):
    status = 400
    default_message = _(
        "This claim link is not valid: it may have been copied incompletely. Ask the network organisers "
        "for a new one."
    )


class ClaimLinkExpired(NetworkError):
    status = 410
    default_message = _("This claim link has expired. Ask the network organisers to send you a new one.")


class ClaimWrongAccount(Forbidden):
    default_message = _(
        "This link was sent to an address that belongs to another account. Sign in with that account "
        "to claim the entry; nothing was changed."
    )


class ClaimRateLimited(NetworkError, RateLimited):
    default_message = _("There were many requests in a short time. Please wait and try again.")

    wait_message = ngettext_lazy(
        "There were many requests in a short time. Please wait %(minutes)d minute and try again.",
        "There were many requests in a short time. Please wait %(minutes)d minutes and try again.",
        "minutes",
    )


class EntryAlreadyClaimed(NetworkError):
    status = 409
    default_message = _("This entry was already claimed and merged into an account.")


class AccountDeleteRateLimited(NetworkError, RateLimited):
    default_message = _("There were many attempts to delete this account. Please wait and try again.")

    wait_message = ngettext_lazy(
        "There were many attempts to delete this account. Please wait %(minutes)d minute and try again.",
        "There were many attempts to delete this account. Please wait %(minutes)d minutes and try again.",
        "minutes",
    )


class PasswordMismatch(NetworkError):
    status = 400
    default_message = _("The password is not right; your account was not deleted.")


class NoPasswordSet(NetworkError):
    status = 400
    default_message = _(
        "Your account has no password yet. Set one (Account, Change password) and then delete the account."
    )
