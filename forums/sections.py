"""The "latest discussions" sections on the site home and on each community's home (see cop.sections)."""

from cop.permissions import can_view
from cop.sections import register_section

from . import selectors
from .models import Board
from .services import board_ensure_for_community


@register_section("community", order=20)
def community_discussions(request, community):
    if not can_view(request.user, community):
        return None
    board = Board.objects.filter(community=community).first() or board_ensure_for_community(
        community=community
    )
    threads = selectors.latest_threads(request.user, community=community)
    return {
        "template": "forums/sections/latest_threads.html",
        "threads": threads,
        "board": board,
        "community": community,
    }


@register_section("home", order=20)
def home_discussions(request):
    threads = selectors.latest_threads(request.user, limit=6)
    if not threads:
        return None
    return {"template": "forums/sections/latest_threads.html", "threads": threads, "board": None}
