"""The fixed choices of an event: its type, format, registration mode and kinds of question."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    WEBINAR = "webinar", _("Webinar")
    WORKSHOP = "workshop", _("Workshop")
    TRAINING = "training", _("Training course")
    COACHING = "coaching", _("Coaching session")
    KNOWLEDGE_FAIR = "knowledge_fair", _("Knowledge fair")
    EXPOSITION = "exposition", _("Exposition")
    DIALOGUE = "dialogue", _("Dialogue")
    ROUND_TABLE = "round_table", _("Round table")
    FORUM = "forum", _("Forum")
    SYMPOSIUM = "symposium", _("Symposium")
    CONFERENCE = "conference", _("Conference")
    STUDY_VISIT = "study_visit", _("Study visit")
    OTHER = "other", _("Other")


class EventFormat(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class RegistrationMode(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    DEADLINE = "deadline", _("Open until a deadline")


class QuestionKind(models.TextChoices):
    SHORT = "short", _("Short answer")
    LONG = "long", _("Long answer")
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("One of a list")
