"""iCalendar answers: one event's .ics and the subscribable feeds, built by events.ical and selectors."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from cop import permissions as cop_permissions
from cop.models import CommunityPage
from events import feed_cache, ical, permissions
from events.models import (
    CalendarToken,
    EventPage,
    EventType,
    Registration,
    RegistrationStatus,
)
from events.selectors import feeds as selectors


def _ics_response(body: bytes, filename: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=900"
    return response


def event_ics(request, pk: int):
    """The .ics of one event (a series with its exceptions); the join link only for its participants."""
    event = get_object_or_404(EventPage.objects.live().select_related("community"), pk=pk)
    if not permissions.can_view_event(request.user, event):
        raise Http404
    mine = (
        Registration.objects.filter(
            occurrence__event=event, user=request.user, status=RegistrationStatus.REGISTERED
        )
        if request.user.is_authenticated
        else []
    )
    online = any(permissions.can_see_online_link(request.user, event, r) for r in [None, *mine])
    event = EventPage.objects.prefetch_related("occurrences").get(pk=event.pk)
    # Stored data no calendar can hold raises ical.EventNotExpressible: said on the refused page, not a 500.
    body = ical.event_ics(event, online=online)
    return _ics_response(body, f"{event.slug}.ics", private=online)


def _feed(scope: str, events, name: str):
    """`events` builds the queryset only on a cache miss (selectors.shared_feed_ics)."""
    return _ics_response(
        selectors.shared_feed_ics(scope, events, name=name), f"{scope.replace(':', '-')}.ics"
    )


def feed_site(request):
    return _feed(feed_cache.SITE_SCOPE, selectors.feed_events, _("KM4B Communities events"))


def feed_community(request, slug: str):
    community = get_object_or_404(CommunityPage.objects.live(), slug=slug)
    # Calendar apps fetch feeds without cookies: a feed only ever holds what anyone may read.
    if not cop_permissions.can_view(AnonymousUser(), community):
        raise Http404
    return _feed(
        feed_cache.community_scope(community.pk),
        lambda: selectors.feed_events().filter(community=community),
        community.title,
    )


def feed_type(request, event_type: str):
    if event_type not in EventType.values:
        raise Http404
    label = EventType(event_type).label
    return _feed(
        feed_cache.type_scope(event_type),
        lambda: selectors.feed_events().filter(event_type=event_type),
        f"KM4B: {label}",
    )


def feed_tag(request, tag: str):
    name = f"KM4B: {tag}"
    if not selectors.tag_has_public_events(tag):
        # A tag that no public event carries (made up, no longer used, or carried only by hidden or
        # members-only communities' events) gets an empty calendar, built without caching: requests for
        # made-up tags cannot fill the cache, a subscriber's calendar keeps working, and the answer is the
        # same whether or not a hidden event carries the tag.
        return _ics_response(
            ical.feed_ics([], name=name), f"{feed_cache.tag_scope(tag).replace(':', '-')}.ics"
        )
    return _feed(
        feed_cache.tag_scope(tag), lambda: selectors.feed_events().filter(tags__slug=tag).distinct(), name
    )


def feed_personal(request, token: str):
    """The private feed of a user's registrations, join links included. The token is the only key."""
    calendar_token = CalendarToken.objects.select_related("user").filter(token=token).first()
    if calendar_token is None or not calendar_token.user.is_active:
        raise Http404
    body = selectors.personal_feed_ics(calendar_token.user, name=_("My KM4B events"))
    return _ics_response(body, "my-km4b-events.ics", private=True)
