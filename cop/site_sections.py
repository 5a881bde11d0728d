"""cop's own section on the site home: the visitor's communities, or active ones to join.

The section is rendered once per kind of viewer (cop.viewers: not signed in, site staff, or a member of
these communities in these roles) and version of the "communities" scope (cop.fragments), which every
change it shows replaces: a community published, unpublished, moved or deleted, a membership saved or
deleted (the member counts), activity in a community (the order). A signed-in person's memberships,
which name their kind, come from the cache under their own version (cop.viewers)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from wagtail.signals import page_unpublished, post_page_move

from cop import selectors, viewers
from cop.fragments import render_one, scope_changed, scope_versions
from cop.models import CommunityPage, Membership, MembershipStatus
from cop.sections import register_section

HOME_COMMUNITIES = 6
COMMUNITIES_SCOPE = "communities"
CACHED_SECTION_TEMPLATE = "includes/cached_section.html"


@register_section("home", order=10)
def home_communities(request):
    user = request.user
    if user.is_authenticated:
        rows, versions = viewers.memberships(user, COMMUNITIES_SCOPE)
    else:
        rows, versions = [], scope_versions(COMMUNITIES_SCOPE)
    # What the section shows depends on the viewer's active communities only (or all, for staff).
    kind = viewers.kind_of(user, [row for row in rows if row.status == MembershipStatus.ACTIVE])
    html = render_one(
        "home-communities",
        kind,
        *versions,
        render=lambda: _render_home_communities(request),
    )
    return {"template": CACHED_SECTION_TEMPLATE, "html": html} if html.strip() else None


def _home_communities(user) -> dict | None:
    communities, mine = selectors.home_communities(user, limit=HOME_COMMUNITIES)
    if not communities:
        return None
    return {"template": "cop/sections/home_communities.html", "communities": communities, "mine": mine}


def _render_home_communities(request) -> str:
    section = _home_communities(request.user)
    if section is None:
        return ""
    return render_to_string(section["template"], {"section": section, "user": request.user})


@receiver(post_save, sender=CommunityPage, dispatch_uid="cop_communities_scope_saved")
@receiver(post_delete, sender=CommunityPage, dispatch_uid="cop_communities_scope_deleted")
@receiver(post_save, sender=Membership, dispatch_uid="cop_communities_scope_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="cop_communities_scope_membership_deleted")
# Wagtail's bulk unpublish, scheduled expiry and move save the base Page (no post_save for CommunityPage),
# and a move rewrites the addresses of the pages below the moved one with an update.
@receiver(page_unpublished, sender=CommunityPage, dispatch_uid="cop_communities_scope_unpublished")
@receiver(post_page_move, dispatch_uid="cop_communities_scope_page_moved")
def communities_changed(sender, **kwargs):
    scope_changed(COMMUNITIES_SCOPE)
