"""What parsing a feed gives: its events, their changes, and the reason an event is skipped."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time

from django.utils.translation import gettext as _

# Parsing ----


class SkipEvent(Exception):
    """This event cannot be imported; `reason` says why (the rest of the feed goes on)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


@dataclass
class ParsedChange:
    original_date: str
    cancelled: bool
    new_start_date: str | None = None
    new_start_time: str | None = None


@dataclass
class ParsedEvent:
    uid: str
    title: str
    description: str
    location: str
    url: str
    time_zone: str
    all_day: bool
    start_date: str
    start_time: str | None
    end_date: str
    end_time: str | None
    rrule: str = ""
    cancelled: bool = False
    sequence: int = 0
    latitude: float | None = None
    longitude: float | None = None
    changes: list[ParsedChange] = field(default_factory=list)

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True, default=str).encode()).hexdigest()

    @property
    def local_start(self) -> datetime:
        return datetime.combine(
            date.fromisoformat(self.start_date), time.fromisoformat(self.start_time or "00:00")
        )

    @property
    def local_end(self) -> datetime:
        return datetime.combine(
            date.fromisoformat(self.end_date), time.fromisoformat(self.end_time or "00:00")
        )

    @property
    def label(self) -> str:
        return event_label(self.title, self.uid)


@dataclass
class ParsedFeed:
    events: list[ParsedEvent]
    messages: list[str]
    # Events the feed holds that could not be imported, each named with its reason.
    skipped: list[str] = field(default_factory=list)
    # Every UID the feed still has, imported or not (past, skipped, beyond the limit): none is removed.
    present_uids: set[str] = field(default_factory=set)


def event_label(title: str, uid: str) -> str:
    """How the report names an event: its SUMMARY and its UID."""
    title = (title or "")[:80] or _("Untitled event")
    if not uid or uid.startswith("generated-"):
        return _("“%(title)s” (no UID)") % {"title": title}
    return _("“%(title)s” (UID %(uid)s)") % {"title": title, "uid": uid[:80]}


def text_of(component, name: str, limit: int) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).replace("\x00", "").strip()[:limit]
