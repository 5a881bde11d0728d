"""Domain exceptions of live discussion; the consumer and views turn them into messages."""

from django.utils.translation import gettext_lazy as _

from cop.errors import DomainError


class LiveError(DomainError):
    """A refused live action (cop.errors); `code` names it in websocket error frames."""

    code = "error"
    default_message = _("Something went wrong.")

    def __init__(self, message=None, **details):
        super().__init__(message)
        self.details = details


class StreamNotFound(LiveError):
    status = 404
    code = "not_found"
    default_message = _("This discussion does not exist.")


class StreamForbidden(LiveError):
    status = 403
    code = "forbidden"
    default_message = _("You may not read this discussion.")


class PostingForbidden(LiveError):
    status = 403
    code = "forbidden"
    default_message = _("Only members of this community may write here.")


class ModerationForbidden(LiveError):
    status = 403
    code = "forbidden"
    default_message = _("Only moderators of this community may do this.")


class RoomClosed(LiveError):
    status = 409
    code = "room_closed"
    default_message = _("This room is closed.")


class UserMuted(LiveError):
    status = 403
    code = "muted"
    default_message = _("A moderator has muted you in this room.")


class SlowModeActive(LiveError):
    status = 429
    code = "slow_mode"
    default_message = _("Slow mode is on: please wait before sending another message.")


class MessageInvalid(LiveError):
    code = "invalid"
    default_message = _("The message is empty or too long.")


class RoomWindowInvalid(LiveError):
    code = "invalid"
    default_message = _("A room must close after it opens.")
