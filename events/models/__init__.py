from .feeds import EventFeedScopes
from .imports import ImportedFeed, ImportOutcome, ImportReport
from .occurrences import Occurrence
from .pages import (
    EventFormat,
    EventIndexPage,
    EventPage,
    EventPageTag,
    EventPartner,
    EventSpeaker,
    EventType,
    OccurrenceChange,
    QuestionKind,
    RegistrationMode,
    RegistrationQuestion,
)
from .registration import CalendarToken, Registration, RegistrationStatus, SentReminder

__all__ = [
    "CalendarToken",
    "EventFeedScopes",
    "EventFormat",
    "EventIndexPage",
    "EventPage",
    "EventPageTag",
    "EventPartner",
    "EventSpeaker",
    "EventType",
    "ImportOutcome",
    "ImportReport",
    "ImportedFeed",
    "Occurrence",
    "OccurrenceChange",
    "QuestionKind",
    "Registration",
    "RegistrationMode",
    "RegistrationQuestion",
    "RegistrationStatus",
    "SentReminder",
]
