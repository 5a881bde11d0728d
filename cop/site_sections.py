"""cop's own section on the site home: the visitor's communities, or active ones to join."""

from cop import selectors
from cop.sections import register_section

HOME_COMMUNITIES = 6


@register_section("home", order=10)
def home_communities(request):
    communities, mine = selectors.home_communities(request.user, limit=HOME_COMMUNITIES)
    if not communities:
        return None
    return {"template": "cop/sections/home_communities.html", "communities": communities, "mine": mine}
