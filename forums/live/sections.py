"""The community home shows its open and upcoming discussion rooms.

The section is the same for everyone who may read the community (cop.permissions, decided per
request): it is rendered once per community, time zone and version of the "live-rooms" scope (any room
saved or deleted replaces it), and kept only until the first of its rooms opens or closes. A community
without open or upcoming rooms shows nothing, but to those who may open one (then the section is
rendered for them, with no rooms)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import timezone

from cop.fragments import FRAGMENT_SECONDS, render_one, scope_changed, scope_versions
from cop.permissions import can_view
from cop.sections import register_section
from cop.site_sections import CACHED_SECTION_TEMPLATE

from . import selectors
from .models import Room
from .permissions import can_manage_rooms

TEMPLATE = "forums/live/_community_section.html"
ROOMS_SCOPE = "live-rooms"
SHOWN = 5


def _seconds_left(rooms, now) -> int:
    """Until the first change of what the rooms show (one opens or closes), a day at most."""
    changes = [at for room in rooms for at in (room.opens_at, room.closes_at) if at is not None and at > now]
    if not changes:
        return FRAGMENT_SECONDS
    return min(int((min(changes) - now).total_seconds()), FRAGMENT_SECONDS)


def _render(request, community, rooms) -> str:
    return render_to_string(TEMPLATE, {"rooms": rooms, "community": community, "request": request})


@register_section("community", order=40)
def live_rooms(request, community):
    user = request.user
    html = ""
    if can_view(user, community):

        def render():
            now = timezone.now()
            # can_view decided above; the list is the community's, whoever asks first.
            rooms = list(selectors.open_rooms_in(community)[:SHOWN])
            return (_render(request, community, rooms) if rooms else ""), _seconds_left(rooms, now)

        (version,) = scope_versions(ROOMS_SCOPE)
        html = render_one(
            "community-live-rooms", community.pk, version, timezone.get_current_timezone_name(), render=render
        )
    if not html.strip():
        if not can_manage_rooms(user, community):
            return None
        html = _render(request, community, [])
    return {"template": CACHED_SECTION_TEMPLATE, "html": html}


@receiver(post_save, sender=Room, dispatch_uid="live_rooms_scope_room_saved")
@receiver(post_delete, sender=Room, dispatch_uid="live_rooms_scope_room_deleted")
def rooms_changed(sender, **kwargs):
    scope_changed(ROOMS_SCOPE)
