"""The calendar's listings: upcoming and past occurrences, a month grid, a week, a community's next
events; each occurrence carries the viewer's registration."""

import calendar as pycalendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone

from cop import permissions as cop_permissions
from cop.fragments import FRAGMENT_SECONDS, scope_versions
from cop.site_sections import COMMUNITIES_SCOPE
from events import permissions
from events.filters import CalendarFilter
from events.fragments import EVENTS_SCOPE, Listed, data_key, kept_listed, registrations_scope
from events.models.occurrences import Occurrence
from events.models.registration import ACTIVE, Registration
from events.selectors.registrations import with_my_registrations


def occurrences_for(user, filters: Mapping | None = None) -> QuerySet:
    """Occurrences of events the user may see, narrowed by the calendar's `filters` (query parameters,
    events.filters.CalendarFilter: invalid ones are left out), with everything a list shows joined or
    prefetched."""
    qs = Occurrence.objects.filter(
        permissions.visible_events_q(user, prefix="event__"), event__live=True, is_detached=False
    )
    if filters:
        qs = CalendarFilter(filters, qs, user=user).qs
    return for_lists(qs)


# What the lists show and their fragments' keys name (events.templatetags.events_tags): Wagtail pages
# are wide, and the event's and community's StreamFields are parsed (JSON into blocks) for every row
# loaded, which cost more than the rest of a list's query. The event's languages, shown only inside
# an item's cached fragment, are loaded for the items rendered anew (events.fragments.render_items).
_PAGE_FIELDS = ("title", "slug", "url_path", "path", "depth", "live", "content_type", "locale")
_PAGE_FIELDS += ("latest_revision_id", "last_published_at")
LIST_FIELDS = (
    *(f"event__{name}" for name in _PAGE_FIELDS),
    *(f"event__{name}" for name in ("community", "cancelled", "ical_sequence", "all_day", "time_zone")),
    *(f"event__{name}" for name in ("event_type", "event_format", "summary")),
    *(f"event__community__{name}" for name in _PAGE_FIELDS),
    "event__community__visibility",
    *(field.attname for field in Occurrence._meta.concrete_fields),
)


def for_lists(qs: QuerySet) -> QuerySet:
    return qs.select_related("event", "event__community").only(*LIST_FIELDS)


class ReadableCommunity(NamedTuple):  # kept in the cache: a tuple is read back faster than a dataclass
    pk: int
    title: str
    visibility: str


def readable_communities(user) -> list[ReadableCommunity]:
    """The communities the calendar lets the user filter by (those they may read), by title: kept per
    user (or for all anonymous visitors) and version of the "communities" scope, which every community
    saved or deleted and every membership saved or deleted replaces (cop.site_sections)."""
    superuser = bool(user.is_authenticated and user.is_superuser)
    (version,) = scope_versions(COMMUNITIES_SCOPE)
    key = data_key("readable-communities", user.pk if user.is_authenticated else "", superuser, version)
    communities = cache.get(key)
    if communities is None:
        rows = (
            cop_permissions.readable_communities(user)
            .order_by("title")
            .values_list("pk", "title", "visibility")
        )
        communities = [ReadableCommunity(*row) for row in rows]
        cache.set(key, communities, FRAGMENT_SECONDS)
    return communities


def upcoming_listed(user, community_ids, *, limit=40, now=None) -> list[Listed]:
    """The next `limit` occurrences `user` may see, unfiltered, as list entries (events.fragments):
    kept per set of communities the viewer may read (`community_ids`, readable_communities) and
    versions of the "events" and "communities" scopes (every event, occurrence, community or
    membership saved or deleted replaces them), and only until the first of them ends."""
    now = now or timezone.now()
    versions = scope_versions(EVENTS_SCOPE, COMMUNITIES_SCOPE)
    return kept_listed(
        data_key("upcoming", *versions, limit, sorted(community_ids)),
        lambda: occurrences_for(user).filter(end_utc__gt=now).order_by("start_utc", "pk")[:limit],
        now=now,
    )


def registration_statuses(user, occurrence_ids) -> dict[int, str]:
    """The user's active registration status by occurrence (none for visitors): kept per version of
    the user's registrations (events.fragments.registrations_scope) and the occurrences asked about."""
    if not user.is_authenticated or not occurrence_ids:
        return {}
    (version,) = scope_versions(registrations_scope(user.pk))
    key = data_key("registration-statuses", user.pk, version, *occurrence_ids)
    statuses = cache.get(key)
    if statuses is None:
        statuses = dict(
            Registration.objects.filter(
                user=user, occurrence_id__in=occurrence_ids, status__in=ACTIVE
            ).values_list("occurrence_id", "status")
        )
        cache.set(key, statuses, FRAGMENT_SECONDS)
    return statuses


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
    # Each day is a list of its own (with_item_html per day): their languages in one query here.
    prefetch_related_objects([occurrence.event for occurrence in occurrences], "working_languages")
    today = timezone.localdate(timezone=tz)
    result = [Day(day=d, in_month=True, is_today=d == today) for d in days]
    for occurrence in occurrences:
        first = occurrence.start_utc.astimezone(tz).date()
        last = (occurrence.end_utc - timedelta(microseconds=1)).astimezone(tz).date()
        for day in result:
            if first <= day.day <= last:
                day.occurrences.append(occurrence)
    return result


def community_upcoming(user, community, *, limit=5, now=None) -> list[Occurrence]:
    now = now or timezone.now()
    qs = Occurrence.objects.filter(
        event__live=True,
        event__community=community,
        end_utc__gt=now,
        is_detached=False,
        is_cancelled=False,
    ).order_by("start_utc")
    return list(for_lists(qs)[:limit])
