"""The one base of every refused action in the site's apps (cop, forums, live discussion, events).

A service raises a named subclass; the edge (a view, the websocket consumer) shows `message` in the
user's language and answers with `status` (HTTP) or the subclass's own code (websocket frames).
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    default_message = _("This could not be done.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))
