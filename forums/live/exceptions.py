"""Domain exceptions of live discussion; the consumer and views turn them into messages."""

from django.utils.translation import gettext_lazy as _


class LiveError(Exception):
    code = "error"
    message = _("Something went wrong.")

    def __init__(self, message=None, **details):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details


class StreamNotFound(LiveError):
    code = "not_found"
    message = _("This discussion does not exist.")


class StreamForbidden(LiveError):
    code = "forbidden"
    message = _("You may not read this discussion.")


class PostingForbidden(LiveError):
    code = "forbidden"
    message = _("Only members of this community may write here.")


class ModerationForbidden(LiveError):
    code = "forbidden"
    message = _("Only moderators of this community may do this.")


class RoomClosed(LiveError):
    code = "room_closed"
    message = _("This room is closed.")


class UserMuted(LiveError):
    code = "muted"
    message = _("A moderator has muted you in this room.")


class SlowModeActive(LiveError):
    code = "slow_mode"
    message = _("Slow mode is on: please wait before sending another message.")


class MessageInvalid(LiveError):
    code = "invalid"
    message = _("The message is empty or too long.")


class RoomWindowInvalid(LiveError):
    code = "invalid"
    message = _("A room must close after it opens.")
