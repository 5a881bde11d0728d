"""Reads for events: calendars, lists, a user's registrations, attendee lists. Every list goes through
events.permissions so that members-only events stay with the members; query counts do not grow with
the number of events (everything a list shows is joined or prefetched here)."""

import calendar as pycalendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cop.permissions import can_see_profile
from events import ical, permissions
from events.filters import CalendarFilter
from events.models import (
    EventPage,
    EventPageTag,
    Occurrence,
    Registration,
    RegistrationStatus,
)
from events.models.registration import ACTIVE, SEAT_HOLDING
from forums.live.selectors import room_for_event_ref


def visible_events(user) -> QuerySet:
    return EventPage.objects.live().filter(permissions.visible_events_q(user))


def occurrences_for(user, filters: Mapping | None = None) -> QuerySet:
    """Occurrences of events the user may see, narrowed by the calendar's `filters` (query parameters,
    events.filters.CalendarFilter: invalid ones are left out), with everything a list shows joined or
    prefetched."""
    qs = Occurrence.objects.filter(
        event__live=True, is_detached=False, event__in=visible_events(user).values("pk")
    )
    if filters:
        qs = CalendarFilter(filters, qs, user=user).qs
    return qs.select_related("event", "event__community").prefetch_related(
        Prefetch("event__working_languages"),
    )


def with_my_registrations(user, occurrences: list[Occurrence]) -> list[Occurrence]:
    """Sets `my_registration` on each occurrence in one query (None for anonymous visitors)."""
    mine = {}
    if user.is_authenticated and occurrences:
        mine = {
            r.occurrence_id: r
            for r in Registration.objects.filter(user=user, occurrence__in=occurrences, status__in=ACTIVE)
        }
    for occurrence in occurrences:
        occurrence.my_registration = mine.get(occurrence.pk)
    return occurrences


def upcoming(user, filters=None, *, now=None, limit=50) -> list[Occurrence]:
    now = now or timezone.now()
    qs = occurrences_for(user, filters).filter(end_utc__gt=now).order_by("start_utc", "pk")
    return with_my_registrations(user, list(qs[:limit]))


def past(user, filters=None, *, now=None, limit=50, offset=0) -> list[Occurrence]:
    now = now or timezone.now()
    qs = occurrences_for(user, filters).filter(end_utc__lte=now).order_by("-start_utc", "-pk")
    return with_my_registrations(user, list(qs[offset : offset + limit]))


def between(user, start: datetime, end: datetime, filters=None) -> list[Occurrence]:
    """Occurrences overlapping [start, end) (multi-day events appear on each of their days)."""
    qs = (
        occurrences_for(user, filters)
        .filter(start_utc__lt=end, end_utc__gt=start)
        .order_by("start_utc", "pk")
    )
    return with_my_registrations(user, list(qs[:1000]))


@dataclass
class Day:
    day: date
    in_month: bool
    is_today: bool
    occurrences: list = field(default_factory=list)


def _local_midnight(day: date, tz) -> datetime:
    return datetime.combine(day, time(0)).replace(tzinfo=tz)


def month_grid(
    user, year: int, month: int, filters=None, *, tz=None, first_weekday: int = 0
) -> list[list[Day]]:
    """Weeks of days (in the viewer's time zone) with the occurrences happening on each day."""
    tz = tz or timezone.get_current_timezone()
    cal = pycalendar.Calendar(firstweekday=first_weekday)
    days = [d for week in cal.monthdatescalendar(year, month) for d in week]
    occurrences = between(
        user, _local_midnight(days[0], tz), _local_midnight(days[-1] + timedelta(days=1), tz), filters
    )
    today = timezone.localdate(timezone=tz)
    grid = [Day(day=d, in_month=d.month == month, is_today=d == today) for d in days]
    by_day = {d.day: d for d in grid}
    for occurrence in occurrences:
        first = occurrence.start_utc.astimezone(tz).date()
        last = (occurrence.end_utc - timedelta(microseconds=1)).astimezone(tz).date()
        current = max(first, days[0])
        while current <= min(last, days[-1]):
            by_day[current].occurrences.append(occurrence)
            current += timedelta(days=1)
    return [grid[i : i + 7] for i in range(0, len(grid), 7)]


def week_days(user, monday: date, filters=None, *, tz=None) -> list[Day]:
    tz = tz or timezone.get_current_timezone()
    days = [monday + timedelta(days=i) for i in range(7)]
    occurrences = between(
        user, _local_midnight(days[0], tz), _local_midnight(days[-1] + timedelta(days=1), tz), filters
    )
    today = timezone.localdate(timezone=tz)
    result = [Day(day=d, in_month=True, is_today=d == today) for d in days]
    for occurrence in occurrences:
        first = occurrence.start_utc.astimezone(tz).date()
        last = (occurrence.end_utc - timedelta(microseconds=1)).astimezone(tz).date()
        for day in result:
            if first <= day.day <= last:
                day.occurrences.append(occurrence)
    return result


def event_occurrences(event: EventPage, *, now=None, include_past=False) -> list[Occurrence]:
    """The occurrences shown on an event page, with seat counts annotated."""
    now = now or timezone.now()
    qs = event.occurrences.filter(is_detached=False)
    if not include_past:
        qs = qs.filter(end_utc__gt=now)
    qs = qs.annotate(
        seats_taken=Count("registrations", filter=Q(registrations__status__in=SEAT_HOLDING)),
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
    ).order_by("start_utc")
    return list(qs[:60])


def largest_registered_count(event: EventPage) -> int:
    """The most seats held at any one upcoming occurrence (a capacity may not go below it)."""
    result = (
        event.occurrences.filter(end_utc__gt=timezone.now())
        .annotate(held=Count("registrations", filter=Q(registrations__status__in=SEAT_HOLDING)))
        .aggregate(most=Max("held"))
    )
    return result["most"] or 0


def my_registrations(user, *, now=None, past: bool = False) -> list[Registration]:
    """The user's registrations for events they may still see ("My events"), upcoming or past; each
    upcoming one carries `show_online_link` (permissions.can_see_online_link)."""
    now = now or timezone.now()
    qs = Registration.objects.filter(
        permissions.visible_events_q(user, prefix="occurrence__event__"),
        user=user,
        occurrence__event__live=True,
    ).select_related("occurrence", "occurrence__event", "occurrence__event__community")
    if past:
        qs = qs.filter(status=RegistrationStatus.REGISTERED, occurrence__end_utc__lte=now)
        return list(qs.order_by("-occurrence__start_utc")[:100])
    registrations = list(
        qs.filter(status__in=ACTIVE, occurrence__end_utc__gt=now).order_by("occurrence__start_utc")[:200]
    )
    for registration in registrations:
        registration.show_online_link = permissions.can_see_online_link(
            user, registration.occurrence.event, registration
        )
    return registrations


def attendees(occurrence: Occurrence) -> list[Registration]:
    return list(
        occurrence.registrations.filter(status__in=ACTIVE)
        .select_related("user")
        .order_by("status", "waitlisted_at", "created_at", "pk")
    )


def community_upcoming(user, community, *, limit=5, now=None) -> list[Occurrence]:
    now = now or timezone.now()
    qs = (
        Occurrence.objects.filter(
            event__live=True,
            event__community=community,
            end_utc__gt=now,
            is_detached=False,
            is_cancelled=False,
        )
        .select_related("event", "event__community")
        .prefetch_related("event__working_languages")
        .order_by("start_utc")
    )
    return list(qs[:limit])


def _live_room(event: EventPage):
    """The event's live discussion room (forums.live), if it has one."""
    if not event.live_discussion:
        return None
    return room_for_event_ref(f"event:{event.pk}")


def _speakers(user, event: EventPage) -> list:
    """Speakers, with a link to the member's profile where the viewer may see it."""
    speakers = list(event.speakers.select_related("member"))
    for speaker in speakers:
        member = speaker.member
        speaker.profile_url = (
            reverse("cop:profile", args=[member.pk])
            if member is not None and can_see_profile(user, member)
            else ""
        )
    return speakers


def event_page_context(user, event: EventPage, *, now=None) -> dict:
    """Everything an event page shows, in a bounded number of queries."""
    now = now or timezone.now()
    can_manage = permissions.can_manage_event(user, event)
    occurrences = event_occurrences(event, now=now, include_past=can_manage)
    upcoming_occurrences = [occ for occ in occurrences if occ.end_utc > now]
    with_my_registrations(user, occurrences)
    for occ in occurrences:
        capacity = event.capacity
        occ.seats_left = None if capacity is None else max(capacity - occ.seats_taken, 0)
        occ.is_past = occ.end_utc <= now
        occ.has_started = occ.start_utc <= now
        occ.google_url = ical.google_calendar_url(occ)
        occ.outlook_url = ical.outlook_calendar_url(occ)
    mine = [occ.my_registration for occ in upcoming_occurrences if occ.my_registration is not None]
    show_online_link = any(
        permissions.can_see_online_link(user, event, registration) for registration in [None, *mine]
    )
    next_occurrence = upcoming_occurrences[0] if upcoming_occurrences else None
    return {
        "occurrences": occurrences,
        "upcoming_occurrences": upcoming_occurrences,
        "next_occurrence": next_occurrence,
        "can_manage": can_manage,
        "can_register": permissions.can_register(user, event),
        "registration_open": event.registration_is_open(now),
        "show_online_link": show_online_link,
        "seat_offered": any(r.status == RegistrationStatus.OFFERED for r in mine),
        "speakers": _speakers(user, event),
        "partners": list(event.partners.all()),
        "working_languages": list(event.working_languages.all()),
        "interpretation_languages": list(event.interpretation_languages.all()),
        "gbf_targets": list(event.gbf_targets.all()),
        "tags": list(event.tags.all()),
        "is_over": bool(occurrences) and not upcoming_occurrences,
        "live_room": _live_room(event),
        "breadcrumbs": [
            {"title": str(_("Events")), "url": reverse("events:calendar")},
            {"title": event.title, "url": ""},
        ],
    }


# Calendar feeds ----


def tag_has_public_events(tag_slug: str) -> bool:
    """Does a live event that anyone may read carry this tag (past ones too)? Only such a tag has a feed."""
    return (
        EventPage.objects.live()
        .public()
        .filter(permissions.visible_events_q(None), tags__slug=tag_slug)
        .exists()
    )


def feed_events() -> QuerySet:
    """Live events anyone may read that ended at most FEED_PAST_DAYS ago, in the order a feed lists them
    (narrow it with .filter(), then read it with feed_event_rows)."""
    now = timezone.now()
    return (
        EventPage.objects.live()
        .public()
        .filter(end_utc__gte=now - timedelta(days=ical.FEED_PAST_DAYS))
        .filter(permissions.visible_events_q(None))
        .order_by("start_utc", "pk")
    )


def feed_event_rows(events: QuerySet, *, limit: int) -> list:
    """The first `limit` of `events` as events.ical.FeedEvent, with their occurrences (two queries)."""
    rows = list(events.values(*ical.FEED_EVENT_FIELDS)[:limit])
    occurrences = {row["pk"]: [] for row in rows}
    for event_id, *fields in Occurrence.objects.filter(event_id__in=list(occurrences)).values_list(
        "event_id", *ical.FEED_OCCURRENCE_FIELDS
    ):
        occurrences[event_id].append(ical.FeedOccurrence(*fields))
    return [ical.FeedEvent(row, occurrences[row["pk"]]) for row in rows]


def feed_registrations(user) -> list[Registration]:
    """The registrations a personal feed lists: active, for live events the user may still see."""
    registrations = (
        Registration.objects.filter(user=user, status__in=ACTIVE, occurrence__event__live=True)
        .select_related("occurrence", "occurrence__event", "occurrence__event__community")
        .order_by("occurrence__start_utc", "pk")[:500]
    )
    return [r for r in registrations if permissions.can_view_event(user, r.occurrence.event)]


def shared_feed_scopes(events: QuerySet) -> set[str]:
    """The shared feeds (events.ical scopes) that may list these events now: the site's and their
    communities', types' and tags' (two queries)."""
    scopes = {ical.SITE_SCOPE}
    for community_id, event_type in events.values_list("community_id", "event_type"):
        scopes.add(ical.type_scope(event_type))
        if community_id is not None:
            scopes.add(ical.community_scope(community_id))
    tags = EventPageTag.objects.filter(content_object__in=events.values("pk")).values_list(
        "tag__slug", flat=True
    )
    scopes.update(ical.tag_scope(slug) for slug in tags.distinct())
    return scopes


def registrant_feed_scopes(events: QuerySet) -> set[str]:
    """The personal feeds of everyone holding a registration or waiting-list place for these events."""
    users = Registration.objects.filter(occurrence__event__in=events.values("pk"), status__in=ACTIVE)
    return {ical.personal_scope(user_id) for user_id in users.values_list("user_id", flat=True).distinct()}


def shared_feed_ics(scope: str, events, *, name: str) -> bytes:
    """A shared feed's iCalendar text, cached per scope (events.ical). `events` is a callable that builds
    the queryset only on a cache miss (Wagtail's .public() queries on creation)."""

    def build():
        return ical.feed_ics(feed_event_rows(events(), limit=ical.FEED_MAX_EVENTS), name=name)

    return ical.cached_feed(scope, build)


def personal_feed_ics(user, *, name: str) -> bytes:
    """The user's private feed of their registrations, join links included, cached until they change."""
    return ical.cached_feed(
        ical.personal_scope(user.pk), lambda: ical.personal_ics(user, feed_registrations(user), name=name)
    )
