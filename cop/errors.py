"""The one base of every refused action in the site's apps (cop, forums, live discussion, events).

A service raises a named subclass; the edge (a view, the websocket consumer) shows `message` in the
user's language and answers with `status` (HTTP) or the subclass's own code (websocket frames).
"""

import math

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    default_message = _("This could not be done.")
    # Seconds after which trying again may succeed (a rate limit): the edge sends it as Retry-After.
    retry_after: int | None = None

    def __init__(self, message=None, *, retry_after: int | None = None):
        self.message = message or self.default_message
        if retry_after is not None:
            self.retry_after = retry_after
        super().__init__(str(self.message))


class Forbidden(DomainError):
    """The user may not do this (a view's permission check); the message says who may."""

    status = 403
    default_message = _("You are not allowed to do this.")


class RateLimited(DomainError):
    """Too many attempts in a short time: 429, with Retry-After. A subclass sets `wait_message`, an
    ngettext_lazy(singular, plural, "minutes") saying how long to wait; it is formatted with the minutes
    left, in the language active where the error is raised (the request's)."""

    status = 429
    wait_message = None

    def __init__(self, message=None, *, retry_after: int | None = None):
        if message is None and retry_after is not None and self.wait_message is not None:
            message = self.wait_message % {"minutes": max(1, math.ceil(retry_after / 60))}
        super().__init__(message, retry_after=retry_after)
