from datetime import timedelta

from django import template
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone

from cop.fragments import render_many, render_one, scope_versions
from events.timezones import zone
from events.validation import EARLIEST_YEAR, LATEST_YEAR, year_in_range

register = template.Library()


def when_info(occurrence, event=None, viewer_tz=None) -> dict:
    """An occurrence's start and end in the viewer's zone and in the event's own, as naive wall-clock
    datetimes (so that template filters do not convert them again), and whether the two differ."""
    event = event or occurrence.event
    viewer_tz = viewer_tz or timezone.get_current_timezone()
    event_tz = zone(event.time_zone)
    try:
        start_v, end_v = occurrence.start_utc.astimezone(viewer_tz), occurrence.end_utc.astimezone(viewer_tz)
        start_e, end_e = occurrence.start_utc.astimezone(event_tz), occurrence.end_utc.astimezone(event_tz)
    except (OverflowError, ValueError):
        start_v = None
    if start_v is None or not all(map(year_in_range, (start_v, end_v, start_e, end_e))):
        # Stored before the date bounds: a note instead of the dates (and instead of a 500).
        return {
            "occurrence": occurrence,
            "event": event,
            "unavailable": True,
            "earliest_year": EARLIEST_YEAR,
            "latest_year": LATEST_YEAR,
        }
    last_day_e = (end_e - timedelta(microseconds=1)).date()
    differs = not event.all_day and (
        start_v.utcoffset() != start_e.utcoffset() or end_v.utcoffset() != end_e.utcoffset()
    )
    return {
        "occurrence": occurrence,
        "event": event,
        "all_day": event.all_day,
        "start": start_v.replace(tzinfo=None),
        "end": end_v.replace(tzinfo=None),
        "same_day": start_v.date() == (end_v - timedelta(microseconds=1)).date(),
        "viewer_tz": str(getattr(viewer_tz, "key", viewer_tz)),
        "event_start": start_e.replace(tzinfo=None),
        "event_end": end_e.replace(tzinfo=None),
        "event_first_day": start_e.date(),
        "event_last_day": last_day_e,
        "event_same_day": start_e.date() == last_day_e,
        "event_tz": event.time_zone,
        "differs": differs,
        "start_iso": occurrence.start_utc.isoformat(),
        "end_iso": occurrence.end_utc.isoformat(),
    }


@register.inclusion_tag("events/includes/when.html")
def event_when(occurrence, event=None, compact=False):
    return {**when_info(occurrence, event), "compact": compact}


def _item_parts(compact: bool, tz_name: str):
    def parts(occ):
        event, community = occ.event, occ.event.community
        return (
            compact,
            tz_name,
            occ.pk,
            occ.start_utc.isoformat(),
            occ.end_utc.isoformat(),
            occ.is_cancelled,
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

    return parts


def _load_languages(occurrences) -> None:
    """The working languages of the events whose items are rendered anew, in one query (lists load
    only what every item shows around its cached text: events.selectors.calendar.LIST_FIELDS)."""
    events = {occ.event.pk: occ.event for occ in occurrences}
    prefetch_related_objects(list(events.values()), "working_languages")
    for occ in occurrences:
        occ.event = events[occ.event_id]


@register.simple_tag
def with_item_html(occurrences, compact=False) -> str:
    """Sets `item_html` on each occurrence: what its list item shows every viewer, cached per state of
    the occurrence, its event and community, language and time zone (cop.fragments); the viewer's
    own registration is rendered around it (events/includes/occurrence_item.html)."""
    occurrences = list(occurrences)
    tz_name = timezone.get_current_timezone_name()
    bodies = render_many(
        "events-occurrence-item",
        occurrences,
        parts=_item_parts(bool(compact), tz_name),
        prepare=_load_languages,
        render=lambda occ: render_to_string(
            "events/includes/occurrence_item_body.html", {"occ": occ, "compact": compact}
        ),
    )
    for occ, body in zip(occurrences, bodies, strict=True):
        occ.item_html = body
    return ""


@register.filter
def within_bounds(instant):
    """The instant if it can be shown in the viewer's zone, else None (the date filter then shows
    nothing): for rows stored before the date bounds, which would otherwise overflow the conversion."""
    if instant is None:
        return None
    try:
        local = instant.astimezone(timezone.get_current_timezone()) if instant.tzinfo else instant
    except (OverflowError, ValueError):
        return None
    return instant if year_in_range(instant) and year_in_range(local) else None


@register.filter
def answer_for(registration, question):
    return (registration.answers or {}).get(str(question.pk), {}).get("answer", "")


# The calendar's own parameters: with no other, its filter form shows no value and is the same for
# every viewer of a kind with the same communities.
CALENDAR_PARAMETERS = frozenset({"view", "page", "month", "week"})
VOCABULARIES_SCOPE = "vocabularies"


@register.simple_tag(takes_context=True)
def calendar_filters(context) -> str:
    """The calendar's filter form: its fields and their choices (communities, languages, GBF targets)
    cost more than the rest of the page, so without filters it is rendered once per view, kind of
    viewer, the viewer's communities and version of the vocabularies (events.signals replaces it)."""
    request = context["request"]

    def render():
        return render_to_string("events/includes/calendar_filters.html", context.flatten())

    if context["filters"].is_active or set(request.GET) - CALENDAR_PARAMETERS:
        return render()
    return render_one(
        "calendar-filters",
        context["view"],
        request.user.is_authenticated,
        context["filter_communities"],
        *scope_versions(VOCABULARIES_SCOPE),
        render=render,
    )
