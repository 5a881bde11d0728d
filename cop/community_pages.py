"""What the communities index and a community's page show (cop.page_context): the listing with its
filters, and a community's home as the visitor may see it.

A community's home shows the same header line (access and member count), announcements, members and
facts (facilitators, topics, languages, links) to every visitor who may read it, and the header line and
topics to those who may not: these parts are fragments (cop.fragments) keyed on the community's own
version (its page saved, moved or deleted, a membership, announcement or link of it saved or deleted),
the version of the people they name (any account's name or directory listing) and of the vocabularies
(targets, languages, regions, stakeholder groups, components, tags), the language, the time zone (the
announcements' dates) and whether the visitor may read the community, which is decided per request.
The visitor's own part (the join box, their sections) is rendered around them."""

from functools import cached_property

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.signals import post_page_move

from cop import permissions, selectors, viewers
from cop.filters import CommunityFilter
from cop.fragments import render_many, scope_changed, scope_versions
from cop.models import (
    Announcement,
    CommunityIndexPage,
    CommunityLink,
    CommunityPage,
    GBFTarget,
    KMComponent,
    Language,
    Membership,
    Region,
    StakeholderGroup,
)
from cop.page_context import gathers_context_of
from cop.sections import render_sections

PEOPLE_SCOPE = "community-people"
VOCABULARY_SCOPE = "community-vocabulary"
PART_TEMPLATES = {
    "meta": "cop/community_parts/meta.html",
    "announcements": "cop/community_parts/announcements.html",
    "members": "cop/community_parts/members.html",
    "facts": "cop/community_parts/facts.html",
}


def community_scope(community_id: int) -> str:
    return f"community:{community_id}"


@gathers_context_of(CommunityIndexPage)
def community_index_context(page: CommunityIndexPage, request) -> dict:
    """The communities the visitor may see, filtered and a page at a time."""
    choices = selectors.filter_choices(request.user)
    filterset = CommunityFilter(request.GET or None)
    filterset.offer_tags(choices["tags"])
    communities = selectors.community_cards(request.user, filters=request.GET)
    cards = Paginator(communities, page.cards_per_page).get_page(request.GET.get("page"))
    selectors.attach_memberships(request.user, cards.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": filterset.form,
        "page_obj": cards,
        "communities": cards.object_list,
        "is_filtered": filterset.is_active(),
        "querystring": query.urlencode(),
        "breadcrumbs": [{"title": page.title, "url": ""}],
    }


@gathers_context_of(CommunityPage)
def community_context(community: CommunityPage, request) -> dict:
    """Outsiders of a members-only community get the name, description and how to join; readers get the
    community home: announcements, other apps' sections (discussions, events...) and members. Hidden
    communities do not exist for outsiders."""
    user = request.user
    scopes = (community_scope(community.pk), PEOPLE_SCOPE, VOCABULARY_SCOPE)
    if user.is_authenticated:
        # The viewer's memberships from the cache, handed to cop.permissions (none here: not a member).
        rows, versions = viewers.memberships(user, *scopes)
        if all(row.community_id != community.pk for row in rows):
            permissions.remember_membership(user, community.pk, None)
    else:
        versions = scope_versions(*scopes)
    if not permissions.can_see_listing(user, community):
        raise Http404
    can_view = permissions.can_view(user, community)
    context = {
        "membership": permissions.membership_of(user, community),
        "join_action": permissions.join_action(user, community),
        "can_view": can_view,
        "can_manage": permissions.can_manage(user, community),
        "parts": community_parts(community, versions, can_view=can_view),
        "breadcrumbs": [
            {"title": str(_("Communities")), "url": reverse("cop:community_index")},
            {"title": community.title, "url": ""},
        ],
    }
    if can_view:
        context["sections"] = render_sections("community", request, community)
    return context


def community_parts(community: CommunityPage, versions: tuple, *, can_view: bool) -> dict:
    """The shared parts of the community's home (PART_TEMPLATES' names to their text) under `versions`
    (of the community, people and vocabularies scopes), from the cache in one round trip; those missing
    are rendered from the queries they need, each run once."""
    names = ["meta", "facts", "announcements", "members"] if can_view else ["meta", "facts"]
    zone = timezone.get_current_timezone_name()
    shown = _PartsData(community, can_view)
    html = render_many(
        "community-part",
        names,
        parts=lambda name: (name, community.pk, *versions, zone, can_view),
        render=lambda name: render_to_string(PART_TEMPLATES[name], shown.context()).strip(),
    )
    return dict(zip(names, html, strict=True))


class _PartsData:
    """What the parts show, each read once and only when a part is rendered anew."""

    def __init__(self, community: CommunityPage, can_view: bool):
        self.community, self.can_view = community, can_view

    def context(self) -> dict:
        community = self.community
        context = {
            "page": community,
            "community": community,
            "can_view": self.can_view,
            "member_count": self.member_count,
            "gbf_targets": self.vocabulary("gbf_targets"),
            "working_languages": self.vocabulary("working_languages"),
            "regions": self.vocabulary("regions"),
            "stakeholder_focus": self.vocabulary("stakeholder_focus"),
            "km_components": self.vocabulary("km_components"),
            "tags": self.vocabulary("tags"),
        }
        if self.can_view:
            context.update(
                facilitators=self.facilitators,
                members_preview=self.members_preview,
                announcements=self.announcements,
                external_links=self.external_links,
            )
        return context

    @cached_property
    def member_count(self) -> int:
        return selectors.community_member_count(self.community)

    @cached_property
    def _vocabularies(self) -> dict:
        return {}

    def vocabulary(self, name: str) -> list:
        if name not in self._vocabularies:
            self._vocabularies[name] = list(getattr(self.community, name).all())
        return self._vocabularies[name]

    @cached_property
    def facilitators(self) -> list:
        return selectors.community_facilitators(self.community)

    @cached_property
    def members_preview(self) -> list:
        return list(selectors.community_members(self.community)[: selectors.MEMBERS_PREVIEW])

    @cached_property
    def announcements(self) -> list:
        return selectors.pinned_announcements(self.community)

    @cached_property
    def external_links(self) -> list:
        return list(self.community.external_links.all())


# What changes the parts: a new version for the community, the people or the vocabularies, at once and
# again after commit (cop.fragments.scope_changed).


@receiver(post_save, sender=CommunityPage, dispatch_uid="cop_community_parts_page_saved")
@receiver(post_delete, sender=CommunityPage, dispatch_uid="cop_community_parts_page_deleted")
@receiver(post_page_move, dispatch_uid="cop_community_parts_page_moved")
def _community_page_changed(sender, instance, **kwargs):
    if isinstance(instance, CommunityPage):
        scope_changed(community_scope(instance.pk))


@receiver(post_save, sender=Membership, dispatch_uid="cop_community_parts_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="cop_community_parts_membership_deleted")
@receiver(post_save, sender=Announcement, dispatch_uid="cop_community_parts_announcement_saved")
@receiver(post_delete, sender=Announcement, dispatch_uid="cop_community_parts_announcement_deleted")
@receiver(post_save, sender=CommunityLink, dispatch_uid="cop_community_parts_link_saved")
@receiver(post_delete, sender=CommunityLink, dispatch_uid="cop_community_parts_link_deleted")
def _community_row_changed(sender, instance, **kwargs):
    scope_changed(community_scope(instance.community_id))


@receiver(post_save, sender=get_user_model(), dispatch_uid="cop_community_parts_person_saved")
@receiver(post_delete, sender=get_user_model(), dispatch_uid="cop_community_parts_person_deleted")
def _person_changed(sender, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a log-in changes nothing the parts show
    scope_changed(PEOPLE_SCOPE)


def _vocabulary_changed(sender, **kwargs):
    scope_changed(VOCABULARY_SCOPE)


for _model in (GBFTarget, KMComponent, Language, Region, StakeholderGroup, Tag):
    post_save.connect(
        _vocabulary_changed, sender=_model, dispatch_uid=f"cop_community_parts_{_model.__name__}"
    )
    post_delete.connect(
        _vocabulary_changed, sender=_model, dispatch_uid=f"cop_community_parts_{_model.__name__}_deleted"
    )
