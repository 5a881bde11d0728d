"""cop's own section on the site home: the visitor's communities, or active ones to join."""

from cop import selectors
from cop.sections import register_section

HOME_COMMUNITIES = 6


@register_section("home", order=10)
def home_communities(request):
    mine = []
    if request.user.is_authenticated:
        mine = [m.community for m in selectors.my_memberships(request.user)["active"]][:HOME_COMMUNITIES]
    if mine:
        return {"template": "cop/sections/home_communities.html", "communities": mine, "mine": True}
    communities = list(selectors.community_cards(request.user)[:HOME_COMMUNITIES])
    if not communities:
        return None
    selectors.attach_memberships(request.user, communities)
    return {"template": "cop/sections/home_communities.html", "communities": communities, "mine": False}
