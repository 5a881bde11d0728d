"""Sections events add to pages it does not own: upcoming events on the site home and on a
community's home (see cop.sections).

What a section lists is shared: its occurrences are kept as list entries (events.fragments.Listed) per
version of the "events" scope (cop.fragments; every event page or occurrence saved or deleted replaces
it) and of the "communities" scope (their names and who may see them), and only until the first of them
has ended (then the list moves on); an empty list until either version changes. On a community's home
everyone who may read the community (decided per request by cop.permissions) shares its list; on the
site home, everyone who may read the same communities (cop.viewers.reading_kind). Each item's text is
its own fragment (events.fragments.render_items). Visitors who are not signed in get the whole section
from one fragment per time zone; a signed-in viewer's registration badges are theirs, read for the
items shown under the version of their registrations and added after each item."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.signals import page_unpublished, post_page_move

from cop import permissions as cop_permissions
from cop import viewers
from cop.fragments import FRAGMENT_SECONDS, render_one, scope_changed, scope_versions
from cop.sections import register_section
from cop.site_sections import CACHED_SECTION_TEMPLATE, COMMUNITIES_SCOPE
from events.fragments import (
    EVENTS_SCOPE,
    VOCABULARIES_SCOPE,
    Listed,
    data_key,
    kept_listed,
    listed,
    render_items,
    seconds_left,
)
from events.models import EventPage, Occurrence
from events.selectors import calendar as selectors

TEMPLATE = "events/sections/upcoming.html"
HOME_EVENTS = 4
COMMUNITY_EVENTS = 5


def _section_html(list_html, community) -> str:
    return render_to_string(TEMPLATE, {"section": {"list_html": list_html, "community": community}})


def _member_section(user, entries: list[Listed], community, vocabularies: str) -> dict | None:
    """A signed-in viewer's section: the kept entries with their registrations read for them; the text
    is kept per state of the entries, registrations, community, time zone and vocabularies' version
    (viewers with the same registrations share it)."""
    if not entries:
        return None
    statuses = selectors.registration_statuses(user, [entry.pk for entry in entries])
    shown = tuple((entry.pk, entry.state, entry.cancelled, statuses.get(entry.pk)) for entry in entries)
    html = render_one(
        "upcoming-events-section",
        community.pk if community else None,
        timezone.get_current_timezone_name(),
        vocabularies,
        shown,
        render=lambda: _section_html(render_items(entries, statuses=statuses, compact=True), community),
    )
    return {"template": CACHED_SECTION_TEMPLATE, "html": html}


def _versions(user) -> tuple[list, list[str], str]:
    """The viewer's membership rows, the events' and communities' versions and the vocabularies'
    version, in one cache round trip (cop.viewers)."""
    rows, (*versions, vocabularies) = viewers.memberships(
        user, EVENTS_SCOPE, COMMUNITIES_SCOPE, VOCABULARIES_SCOPE
    )
    return rows, versions, vocabularies


def _anonymous_section(name: str, *parts, load, community) -> dict | None:
    def render():
        occurrences = list(load())
        if not occurrences:
            return "", FRAGMENT_SECONDS
        loaded = {occurrence.pk: occurrence for occurrence in occurrences}
        entries = listed(occurrences)
        html = _section_html(render_items(entries, compact=True, loaded=loaded), community)
        return html, seconds_left(entries)

    versions = scope_versions(EVENTS_SCOPE, COMMUNITIES_SCOPE, VOCABULARIES_SCOPE)  # the items name languages
    html = render_one(name, *versions, timezone.get_current_timezone_name(), *parts, render=render)
    return {"template": CACHED_SECTION_TEMPLATE, "html": html} if html.strip() else None


def _upcoming(user, limit: int):
    return (
        selectors.occurrences_for(user).filter(end_utc__gt=timezone.now()).order_by("start_utc", "pk")[:limit]
    )


@register_section("home", order=30)
def home_upcoming_events(request):
    user = request.user
    if not user.is_authenticated:
        return _anonymous_section(
            "home-upcoming-events-anonymous", load=lambda: _upcoming(user, HOME_EVENTS), community=None
        )
    rows, versions, vocabularies = _versions(user)
    entries = kept_listed(
        data_key("home-upcoming", viewers.reading_kind(user, rows), *versions, HOME_EVENTS),
        lambda: _upcoming(user, HOME_EVENTS),
    )
    return _member_section(user, entries, None, vocabularies)


def _community_upcoming(community):
    return selectors.community_upcoming(None, community, limit=COMMUNITY_EVENTS)


@register_section("community", order=30)
def community_upcoming_events(request, community):
    user = request.user
    if not cop_permissions.can_view(user, community):
        return None
    if not user.is_authenticated:
        return _anonymous_section(
            "community-upcoming-events-anonymous",
            community.pk,
            load=lambda: _community_upcoming(community),
            community=community,
        )
    # Everyone who may read the community sees the same events: its published, not cancelled ones.
    _rows, versions, vocabularies = _versions(user)
    entries = kept_listed(
        data_key("community-upcoming", community.pk, *versions, COMMUNITY_EVENTS),
        lambda: _community_upcoming(community),
    )
    return _member_section(user, entries, community, vocabularies)


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
