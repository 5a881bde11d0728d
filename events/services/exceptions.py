"""The refusals of event actions: DomainError subclasses (cop.errors) with their message and status."""

from django.utils.translation import gettext_lazy as _

from cop.errors import DomainError


class EventError(DomainError):
    """A refused event action (cop.errors)."""

    default_message = _("This action is not possible.")


class RegistrationNotAllowed(EventError):
    default_message = _("You may not register for this event.")
    status = 403


class RegistrationClosed(EventError):
    default_message = _("Registration for this event is closed.")
    status = 409


class EventCancelled(EventError):
    default_message = _("This event has been cancelled.")
    status = 409


class EventAlreadyStarted(EventError):
    default_message = _("This event has already started or is over.")
    status = 409


class AlreadyRegistered(EventError):
    default_message = _("You are already registered for this event.")
    status = 409


class NotRegistered(EventError):
    default_message = _("You have no registration to cancel.")
    status = 409


class OfferExpired(EventError):
    default_message = _("This seat offer has expired or was already answered.")
    status = 410


class EventNotFinished(EventError):
    default_message = _("Attendance and the follow-up can be recorded only once the event has started.")
    status = 409
