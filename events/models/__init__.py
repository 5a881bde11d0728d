from .choices import EventFormat, EventType, QuestionKind, RegistrationMode
from .feeds import EventFeedScopes
from .imports import ImportedFeed, ImportOutcome, ImportReport
from .index import EventIndexPage
from .occurrences import Occurrence
from .pages import EventPage, EventPageTag
from .parts import EventPartner, EventSpeaker, OccurrenceChange, RegistrationQuestion
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
