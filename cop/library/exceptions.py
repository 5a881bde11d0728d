"""What can go wrong in the case-study libraries, by name (cop.errors: the edge shows the message with
the status; views do not catch these except to show the message on a form they render again)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from cop.errors import DomainError, RateLimited


class LibraryError(DomainError):
    """A refused library action."""


class ItemNotFound(LibraryError):
    # A hidden item is "not found": its existence is not revealed.
    status = 404
    default_message = _("This item does not exist, or you may not see it.")


class NotCustodian(LibraryError):
    status = 403
    default_message = _(
        "Only the custodians of this consent record (or, when none is left, the holder community's "
        "facilitators) can do this."
    )


class ConsentInvalid(LibraryError):
    default_message = _("This consent record is not complete. Check the fields and try again.")


class ConsentNotActive(LibraryError):
    status = 409
    default_message = _("This consent has been withdrawn or has expired: restore it first.")


class ConsentAlreadyActive(LibraryError):
    status = 409
    default_message = _("This consent is active: there is nothing to restore.")


class NothingToNarrow(LibraryError):
    status = 409
    default_message = _(
        "Nothing would be narrowed: choose a smaller audience or remove at least one permitted use."
    )


class LastCustodian(LibraryError):
    status = 409
    default_message = _("A consent record needs at least one custodian: add another custodian first.")


class AlreadyCustodian(LibraryError):
    status = 409
    default_message = _("This person is already a custodian of this consent record.")


class ConsentRequired(LibraryError):
    status = 409
    default_message = _(
        "This item holds traditional knowledge: it cannot be published without an active consent "
        "record (free, prior and informed consent) of its holder community. Your draft is kept."
    )


class LicenceBeyondConsent(ConsentRequired):
    """The licence would let anyone do what the holder community did not consent to (a ConsentRequired:
    every publishing path refuses it the same way, keeping the draft)."""

    default_message = _(
        "The licence chosen allows uses the holder community did not consent to (commercial use or "
        "adaptation): choose a licence within the consent, such as a NonCommercial or NoDerivatives "
        "one, or all rights reserved. Your draft is kept."
    )


class AccessNotOffered(LibraryError):
    status = 403
    default_message = _(
        "The holder community does not offer access to this item on request. Nothing was sent."
    )


class AlreadyHasAccess(LibraryError):
    status = 409
    default_message = _("You can already see this item in full.")


class AlreadyRequested(LibraryError):
    status = 409
    default_message = _(
        "You have already asked for access to this item; its custodians will answer your request."
    )


class RequestNotPending(LibraryError):
    status = 409
    default_message = _("This request has already been answered.")


class GrantNotActive(LibraryError):
    status = 409
    default_message = _("Only a granted access can be revoked.")


class InvalidDate(LibraryError):
    default_message = _("Choose a date from today onwards.")


class RequestRateLimited(LibraryError, RateLimited):
    default_message = _("You have sent many access requests in a short time. Please wait and try again.")

    wait_message = ngettext_lazy(
        "You have sent many access requests in a short time. Try again in %(minutes)d minute.",
        "You have sent many access requests in a short time. Try again in %(minutes)d minutes.",
        "minutes",
    )


class UploadRefused(LibraryError):
    default_message = _("This file cannot be attached.")


class SharingNotAllowed(LibraryError):
    status = 403
    default_message = _(
        "Only the members of this community can share a case study in its library. Join the community first."
    )


class SubmissionInReview(LibraryError):
    status = 409
    default_message = _(
        "This case study is with the reviewers: you can change it again if they ask for changes."
    )


class SubmissionPublished(LibraryError):
    status = 409
    default_message = _("This case study is published: ask the library's editors to change it.")


class SubmissionInvalid(LibraryError):
    default_message = _("This case study could not be saved: check its fields and try again.")


class NotInHolderReview(LibraryError):
    status = 409
    default_message = _("This case study is not waiting for the holder community's review.")
