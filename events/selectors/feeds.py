"""What the iCalendar feeds list (events.ical writes them): the public events, a user's registrations,
and which cached feeds an event appears in."""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from events import feed_cache, ical, permissions
from events.models import EventPage, EventPageTag, Occurrence, Registration
from events.models.registration import ACTIVE


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
    scopes = {feed_cache.SITE_SCOPE}
    for community_id, event_type in events.values_list("community_id", "event_type"):
        scopes.add(feed_cache.type_scope(event_type))
        if community_id is not None:
            scopes.add(feed_cache.community_scope(community_id))
    tags = EventPageTag.objects.filter(content_object__in=events.values("pk")).values_list(
        "tag__slug", flat=True
    )
    scopes.update(feed_cache.tag_scope(slug) for slug in tags.distinct())
    return scopes


def registrant_feed_scopes(events: QuerySet) -> set[str]:
    """The personal feeds of everyone holding a registration or waiting-list place for these events."""
    users = Registration.objects.filter(occurrence__event__in=events.values("pk"), status__in=ACTIVE)
    return {
        feed_cache.personal_scope(user_id) for user_id in users.values_list("user_id", flat=True).distinct()
    }


def shared_feed_ics(scope: str, events, *, name: str) -> bytes:
    """A shared feed's iCalendar text, cached per scope (events.ical). `events` is a callable that builds
    the queryset only on a cache miss (Wagtail's .public() queries on creation)."""

    def build():
        return ical.feed_ics(feed_event_rows(events(), limit=ical.FEED_MAX_EVENTS), name=name)

    return feed_cache.cached_feed(scope, build)


def personal_feed_ics(user, *, name: str) -> bytes:
    """The user's private feed of their registrations, join links included, cached until they change."""
    return feed_cache.cached_feed(
        feed_cache.personal_scope(user.pk),
        lambda: ical.personal_ics(user, feed_registrations(user), name=name),
    )
