"""Sections events add to pages it does not own: upcoming events on the site home and on a
community's home (see cop.sections).

Visitors who are not signed in all see the same list (no registration badges): it is rendered once
per version of the "events" scope (cop.fragments; every event page or occurrence saved or deleted
replaces it) and of the "communities" scope (their names and who may see them), per time zone, and
kept only until the first event it shows has ended (then the list moves on)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.signals import page_unpublished, post_page_move

from cop import permissions as cop_permissions
from cop.fragments import render_one, scope_changed, scope_versions
from cop.sections import register_section
from cop.site_sections import CACHED_SECTION_TEMPLATE, COMMUNITIES_SCOPE
from events.fragments import EVENTS_SCOPE
from events.models import EventPage, Occurrence
from events.selectors import calendar as selectors

TEMPLATE = "events/sections/upcoming.html"


def _cached(name: str, request, *parts, section) -> dict | None:
    def render():
        shown = section()
        if not shown:
            return "", 0
        html = render_to_string(TEMPLATE, {"section": shown, "user": request.user, "request": request})
        first_end = min(occurrence.end_utc for occurrence in shown["occurrences"])
        return html, int((first_end - timezone.now()).total_seconds())

    versions = scope_versions(EVENTS_SCOPE, COMMUNITIES_SCOPE)
    html = render_one(name, *versions, timezone.get_current_timezone_name(), *parts, render=render)
    return {"template": CACHED_SECTION_TEMPLATE, "html": html} if html.strip() else None


@register_section("home", order=30)
def home_upcoming_events(request):
    def section():
        occurrences = selectors.upcoming(request.user, limit=4)
        if not occurrences:
            return None
        return {"template": TEMPLATE, "occurrences": occurrences, "community": None}

    if not request.user.is_authenticated:
        return _cached("home-upcoming-events-anonymous", request, section=section)
    return section()


@register_section("community", order=30)
def community_upcoming_events(request, community):
    if not cop_permissions.can_view(request.user, community):
        return None

    def section():
        occurrences = selectors.community_upcoming(request.user, community, limit=5)
        if not occurrences:
            return None
        return {"template": TEMPLATE, "occurrences": occurrences, "community": community}

    if not request.user.is_authenticated:
        return _cached("community-upcoming-events-anonymous", request, community.pk, section=section)
    return section()


@receiver(post_save, sender=EventPage, dispatch_uid="events_scope_event_saved")
@receiver(post_delete, sender=EventPage, dispatch_uid="events_scope_event_deleted")
@receiver(post_save, sender=Occurrence, dispatch_uid="events_scope_occurrence_saved")
@receiver(post_delete, sender=Occurrence, dispatch_uid="events_scope_occurrence_deleted")
# Wagtail's bulk unpublish and scheduled expiry save the base Page (no post_save for EventPage), and a
# move rewrites the url_path of the pages below the moved one with an update (the items' links).
@receiver(page_unpublished, sender=EventPage, dispatch_uid="events_scope_event_unpublished")
@receiver(post_page_move, dispatch_uid="events_scope_page_moved")
def events_changed(sender, **kwargs):
    scope_changed(EVENTS_SCOPE)
