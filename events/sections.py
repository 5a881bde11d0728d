"""Sections events add to pages it does not own: upcoming events on the site home and on a
community's home (see cop.sections)."""

from cop import permissions as cop_permissions
from cop.sections import register_section
from events.selectors import calendar as selectors


@register_section("home", order=30)
def home_upcoming_events(request):
    occurrences = selectors.upcoming(request.user, limit=4)
    if not occurrences:
        return None
    return {"template": "events/sections/upcoming.html", "occurrences": occurrences, "community": None}


@register_section("community", order=30)
def community_upcoming_events(request, community):
    if not cop_permissions.can_view(request.user, community):
        return None
    occurrences = selectors.community_upcoming(request.user, community, limit=5)
    if not occurrences:
        return None
    return {"template": "events/sections/upcoming.html", "occurrences": occurrences, "community": community}
