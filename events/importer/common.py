"""What every step of a feed import shares: its errors, its settings and its report's limits."""

from django.conf import settings
from django.utils.translation import gettext_lazy

from cop.errors import DomainError


def setting(name: str, default):
    return getattr(settings, name, default)


class FeedError(Exception):
    """The feed could not be fetched or read; `message` says why in words for the organiser."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class ImportNotAllowed(DomainError):
    status = 403
    default_message = gettext_lazy("Only the community's facilitators can manage imported calendars.")


class FeedBusy(Exception):
    """Another run is working on this feed; try again in a while."""


class NoRemovalsHeld(DomainError):
    status = 409
    default_message = gettext_lazy("No removal is waiting for your confirmation.")


MAX_MESSAGES = 200
NOTHING_CHANGED = gettext_lazy("Nothing was changed: the events imported before are kept.")
