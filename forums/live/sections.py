"""The community home shows its open and upcoming discussion rooms."""

from cop.sections import register_section

from . import selectors
from .permissions import can_manage_rooms


@register_section("community", order=40)
def live_rooms(request, community):
    rooms = list(selectors.open_rooms_for(request.user, community=community)[:5])
    can_manage = can_manage_rooms(request.user, community)
    if not rooms and not can_manage:
        return None
    return {
        "template": "forums/live/_community_section.html",
        "rooms": rooms,
        "community": community,
        "can_manage": can_manage,
    }
