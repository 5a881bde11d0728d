"""What can go wrong in the forums, by name. Views turn these into a message and a 4xx status."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from cop.errors import DomainError
from cop.errors import RateLimited as RateLimitedBase


class ForumError(DomainError):
    """A refused forum action (cop.errors)."""


class NotAllowed(ForumError):
    status = 403
    default_message = _("You are not allowed to do this.")


class NotMember(NotAllowed):
    default_message = _("Only members of this community can post here. Join the community first.")


class ThreadLocked(NotAllowed):
    default_message = _("This thread is locked by a moderator: no new replies.")


class ThreadClosed(NotAllowed):
    default_message = _("This thread is closed: no new replies.")


class NotYourPost(NotAllowed):
    default_message = _("You can only edit or remove your own posts.")


class AlreadyReacted(ForumError):
    status = 409
    default_message = _("You have already reacted this way to this post.")


class AlreadyFlagged(ForumError):
    status = 409
    default_message = _("You have already flagged this post; a moderator will look at it.")


class StaleEdit(ForumError):
    status = 409
    default_message = _(
        "Someone changed this post while you were editing it. Your text is below: compare it with the "
        "current version, then save again."
    )


class RateLimited(ForumError, RateLimitedBase):
    default_message = _("You are posting too fast for a new account. Please wait a minute and try again.")

    wait_message = ngettext_lazy(
        "You are posting too fast for a new account. Please wait %(minutes)d minute and try again.",
        "You are posting too fast for a new account. Please wait %(minutes)d minutes and try again.",
        "minutes",
    )


class AttachmentRejected(ForumError):
    default_message = _("This file cannot be attached.")


class TooManyAttachments(ForumError):
    default_message = _("Too many attachments.")


class InvalidMove(ForumError):
    default_message = _("The thread cannot be moved there.")


class NothingToDo(ForumError):
    status = 409
    default_message = _("This was already done.")
