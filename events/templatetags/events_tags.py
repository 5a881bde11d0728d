from datetime import timedelta

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from cop.fragments import render_one, scope_versions
from events.fragments import VOCABULARIES_SCOPE, render_occurrences
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


@register.simple_tag
def occurrence_list(occurrences, compact=False) -> str:
    """The `<ul>` of occurrences loaded by events.selectors.calendar: each item's text cached
    (events.fragments.render_items), the viewer's own registration badge added after it."""
    return render_occurrences(list(occurrences), compact=bool(compact))


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


@register.simple_tag(takes_context=True)
def calendar_filters(context) -> str:
    """The calendar's filter form: its fields and their choices (communities, languages, GBF targets)
    cost more than the rest of the page, so without filters it is rendered once per view, kind of
    viewer, the viewer's communities and version of the vocabularies (events.signals replaces it).
    `filters` is the calendar's filter set when filters were given; else `filter_set()` builds the
    empty one, only when the form is rendered."""
    request = context["request"]
    filterset = context["filters"]

    def render():
        shown = filterset if filterset is not None else context["filter_set"]()
        return render_to_string(
            "events/includes/calendar_filters.html",
            {**context.flatten(), "filters": shown, "filter_form": shown.form},
        )

    if filterset is not None:
        return render()
    return render_one(
        "calendar-filters",
        context["view"],
        request.user.is_authenticated,
        context["filter_communities"],
        *scope_versions(VOCABULARIES_SCOPE),
        render=render,
    )
