"""The events' cached fragments and the scopes whose versions key them (cop.fragments).

A calendar list item (`<li>` with the event's title, dates, badges and summary) is the same text for
every viewer: it is cached per state of the occurrence, its event and community (what `item_parts`
names), the vocabularies' version, language and time zone. The viewer's own registration badge is
added after it, per request. A list is built from `Listed` entries, which carry only what the keys and
the per-viewer bits need, so that a list kept in the cache (events.selectors.calendar.upcoming_listed)
needs no page rows at all."""

import hashlib
from datetime import datetime
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from cop.fragments import FRAGMENT_SECONDS, code_version, render_many, render_one, scope_versions
from events.models.occurrences import Occurrence
from events.models.registration import RegistrationStatus

# Every event page or occurrence saved or deleted replaces it (events.sections).
EVENTS_SCOPE = "events"
# Languages and GBF targets saved or deleted (events.signals): the filter form and the items' languages.
VOCABULARIES_SCOPE = "vocabularies"

# Wagtail's view restrictions saved or deleted, or pages moved (the calendar page's restrictions).
VIEW_RESTRICTIONS_SCOPE = "event-calendar-view-restrictions"
# Wagtail documents saved or deleted (an event page shows its slides' title and address).
DOCUMENTS_SCOPE = "event-documents"


def event_scope(event_id) -> str:
    """One event's version: its page, occurrences, registrations, speakers or partners saved or deleted
    replace it (events.signals)."""
    return f"event:{event_id}"


def registrations_scope(user_id) -> str:
    """One person's registrations: any of theirs saved or deleted replaces it (events.signals)."""
    return f"event-registrations:{user_id}"


def data_key(name: str, *parts) -> str:
    """The cache key of data (not text) kept under versions: no language, the code version."""
    return f"events-data:{name}:{code_version()}:{_digest(parts)}"


ITEM_TEMPLATE = "events/includes/occurrence_item_body.html"


class Listed(NamedTuple):
    """An occurrence in a list: its id, when it ends, whether it or its event is cancelled, and its
    state (a digest of `item_parts`, which its item fragment's key names). A named tuple: lists of them
    are kept in the cache, and a tuple is read back from it several times faster than a dataclass."""

    pk: int
    end_utc: datetime
    cancelled: bool
    state: str


def _digest(parts) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def item_parts(occurrence) -> tuple:
    """What an item shows, by state: the occurrence, its event and community (their revisions, the
    event's address, cancellation and iCalendar sequence)."""
    event = occurrence.event
    community = event.community if event.community_id else None
    return (
        occurrence.pk,
        occurrence.start_utc.isoformat(),
        occurrence.end_utc.isoformat(),
        occurrence.is_cancelled,
        event.pk,
        event.latest_revision_id,
        event.last_published_at,
        event.url_path,
        event.cancelled,
        event.ical_sequence,
        community.pk if community else None,
        community.latest_revision_id if community else None,
        community.last_published_at if community else None,
    )


def listed(occurrences) -> list[Listed]:
    """Occurrences loaded with events.selectors.calendar.LIST_FIELDS, as list entries."""
    return [
        Listed(occ.pk, occ.end_utc, occ.is_cancelled or occ.event.cancelled, _digest(item_parts(occ)))
        for occ in occurrences
    ]


def seconds_left(entries: list[Listed], now: datetime | None = None) -> int:
    """How long a list of entries holds: until the first of its occurrences ends (a day at most; an
    empty list until the versions its key names change)."""
    if not entries:
        return FRAGMENT_SECONDS
    first_end = min(entry.end_utc for entry in entries)
    return min(int((first_end - (now or timezone.now())).total_seconds()), FRAGMENT_SECONDS)


def kept_listed(key: str, load, *, now: datetime | None = None) -> list[Listed]:
    """The list entries kept under `key` (a data_key naming the versions and viewers the list depends
    on), or `load()` (occurrences loaded with events.selectors.calendar.LIST_FIELDS) listed and kept
    until the first of them ends, when the cache does not hold them or one of them has ended."""
    now = now or timezone.now()
    entries = cache.get(key)
    if entries is None or any(entry.end_utc <= now for entry in entries):
        entries = listed(load())
        seconds = seconds_left(entries, now)
        if seconds > 0:
            cache.set(key, entries, seconds)
    return entries


def _load(loaded: dict):
    """Loads the occurrences to render anew (those not already at hand) with their events'
    languages, in two queries."""

    def prepare(entries):
        from events.selectors.calendar import for_lists

        wanted = [entry.pk for entry in entries if entry.pk not in loaded]
        if wanted:
            loaded.update((occ.pk, occ) for occ in for_lists(Occurrence.objects.filter(pk__in=wanted)))
        occurrences = [loaded[entry.pk] for entry in entries]
        events = {occ.event_id: occ.event for occ in occurrences}
        prefetch_related_objects(list(events.values()), "working_languages")
        for occ in occurrences:
            occ.event = events[occ.event_id]

    return prepare


_OPEN = '<li class="event-item">'
_OPEN_CANCELLED = '<li class="event-item is-cancelled">'
_BADGE = '\n  <p class="event-item__meta meta"><span class="badge badge--mine">{}</span></p>'


def render_items(
    entries: list[Listed],
    *,
    statuses: dict | None = None,
    compact: bool = False,
    loaded: dict | None = None,
) -> SafeString:
    """The `<ul>` of list items: each item's cached text in its `<li>`, with the viewer's own
    registration badge (`statuses`: occurrence id to registration status) outside it. `loaded`: occurrences already at
    hand by id (the others are loaded when their item is rendered anew)."""
    if not entries:
        return mark_safe("")
    statuses = statuses or {}
    loaded = {} if loaded is None else loaded
    tz_name = timezone.get_current_timezone_name()
    (vocabularies,) = scope_versions(VOCABULARIES_SCOPE)

    def items(statuses):
        bodies = render_many(
            "events-calendar-item",
            entries,
            parts=lambda entry: (compact, tz_name, vocabularies, entry.state),
            prepare=_load(loaded),
            render=lambda entry: render_to_string(
                ITEM_TEMPLATE, {"occ": loaded[entry.pk], "compact": compact}
            ),
        )
        return _list_html(entries, bodies, statuses)

    if statuses:  # the viewer's badges go inside their items
        return items(statuses)
    # Without badges the whole list is one fragment, keyed on each item's state (its id, cancellation and
    # all its fragment shows): one cache read instead of one per item.
    return render_one(
        "events-calendar-list",
        compact,
        tz_name,
        vocabularies,
        *(entry.state for entry in entries),
        render=lambda: items({}),
    )


def _list_html(entries: list[Listed], bodies: list[SafeString], statuses: dict) -> SafeString:
    html = ['<ul class="event-list">']
    for entry, body in zip(entries, bodies, strict=True):
        html.append(_OPEN_CANCELLED if entry.cancelled else _OPEN)
        html.append(body)
        if status := statuses.get(entry.pk):
            html.append(_BADGE.format(conditional_escape(RegistrationStatus(status).label)))
        html.append("\n</li>")
    html.append("</ul>")
    return mark_safe("".join(html))  # noqa: S308 - our own fragments and an escaped label


def render_occurrences(occurrences, *, compact: bool = False) -> SafeString:
    """The list of occurrences already loaded (with `my_registration`, events.selectors.calendar)."""
    statuses = {
        occ.pk: occ.my_registration.status for occ in occurrences if getattr(occ, "my_registration", None)
    }
    return render_items(
        listed(occurrences),
        statuses=statuses,
        compact=compact,
        loaded={occ.pk: occ for occ in occurrences},
    )
