"""Keeping the cached iCalendar feeds (events.ical) true: which feeds an event's change invalidates,
after commit; and the personal feed's secret token."""

from django.db import transaction

from cop.commit import after_commit
from events.feed_cache import community_scope, invalidate_feeds, personal_scope
from events.models import CalendarToken, EventFeedScopes, EventPage
from events.models.registration import new_token
from events.selectors import feeds as selectors


def invalidate(scopes) -> None:
    """Invalidates the cached feeds of `scopes` (events.ical) once the transaction commits."""
    after_commit(invalidate_feeds, frozenset(scopes))


def personal_feeds(*registrations) -> set[str]:
    return {personal_scope(registration.user_id) for registration in registrations}


@transaction.atomic
def event_feeds_refresh(*, event: EventPage) -> None:
    """Invalidates the feeds that list the event now or listed it when last published (its community,
    type or tags may have changed) and its registrants' personal feeds; records where it is listed now."""

    just_this = EventPage.objects.filter(pk=event.pk)
    current = selectors.shared_feed_scopes(just_this)
    stored = EventFeedScopes.objects.filter(event_id=event.pk).values_list("scopes", flat=True).first() or []
    if set(stored) != current:
        EventFeedScopes.objects.update_or_create(event_id=event.pk, defaults={"scopes": sorted(current)})
    invalidate(current | set(stored) | selectors.registrant_feed_scopes(just_this))


def event_feeds_forget(*, event: EventPage) -> None:
    """Before an event page is deleted: invalidates every feed that lists it (its registrations go with it)."""

    just_this = EventPage.objects.filter(pk=event.pk)
    stored = EventFeedScopes.objects.filter(event_id=event.pk).values_list("scopes", flat=True).first() or []
    scopes = (
        selectors.shared_feed_scopes(just_this) | set(stored) | selectors.registrant_feed_scopes(just_this)
    )
    invalidate(scopes)


@transaction.atomic
def community_events_refresh(*, community) -> None:
    """A community's visibility or title may have changed: the feeds listing its events follow, its own
    feed (named after it) and its events' registrants' personal feeds included (search asks
    cop.permissions)."""

    events = EventPage.objects.filter(community=community)
    scopes = selectors.shared_feed_scopes(events) | selectors.registrant_feed_scopes(events)
    invalidate(scopes | {community_scope(community.pk)})


@transaction.atomic
def calendar_token_rotate(*, user) -> CalendarToken:
    """Creates the user's personal feed token, or replaces it (the old feed address stops working)."""
    token, created = CalendarToken.objects.get_or_create(user=user)
    if not created:
        token.token = new_token()
        token.save(update_fields=["token", "created_at"])
    return token


@transaction.atomic
def calendar_token_revoke(*, user) -> None:
    CalendarToken.objects.filter(user=user).delete()
