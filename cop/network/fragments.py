"""Cached fragments of the practitioner network (cop.fragments): a directory card and the body of a
profile page, rendered once per state of what they show and kind of viewer, and the directory's filter
form, rendered once per version of its vocabularies.

What a card or profile body shows of a person depends on three things, and its key names each:
- the person: a version per person ("network-person:<id>"), replaced at once (and again after commit)
  whenever their account row, their network profile or one of their vocabularies changes, and when the
  account or the profile is deleted (receivers below: any path, the profile editor, the admin, the data
  rights services, a curated entry merged into the account);
- the vocabularies it names (targets, components, topics, languages, stakeholder groups, regions, the
  organisation record): one version for all ("network-vocabularies"), replaced when any of them is
  saved or deleted or a vocabulary's members change from its side;
- the viewer's visibility levels for that person (permissions.visibility_levels: anonymous, signed-in
  member, or the person themselves), which decide each part's presence; the rest of the viewer's state
  (may write, is it me) is named in the key where a fragment shows it.

The language and the code version are in every key (cop.fragments.fragment_key). Other apps name a
person's version too (events' speaker cards import person_scope while models load): the selectors are
imported where they are used."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache as django_cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from wagtail.models import Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cop.fragments import (
    FRAGMENT_SECONDS,
    fragment_key,
    render_many,
    render_one,
    scope_changed,
    scope_versions,
)
from cop.models import (
    CommunityPage,
    CountryRegion,
    GBFTarget,
    KMComponent,
    Language,
    Membership,
    Region,
    StakeholderGroup,
)

from . import permissions
from .models import Organisation, Profile, Topic

VOCABULARIES_SCOPE = "network-vocabularies"
COMMUNITIES_SCOPE = "network-communities"


def person_scope(person_id) -> str:
    return f"network-person:{person_id}"


def levels_key(viewer, person) -> str:
    """The viewer's kind for this person, as the visibility levels it sees ("public+members", ...)."""
    return "+".join(permissions.visibility_levels(viewer, person))


@dataclass(frozen=True)
class Card:
    """One directory card: the person's id and name, and its HTML (what templates print)."""

    pk: int
    name: str
    html: str

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


@dataclass(frozen=True)
class _Person:
    """What the key of a card needs of its person (visibility_levels reads the pk)."""

    pk: int


def directory_cards(viewer, ids: list[int]) -> list[Card]:
    """The cards of one page of the directory (the people's ids, in order), each the fragment of its
    person's version, the vocabularies' version and the viewer's levels for them. The whole page is
    read under one key naming every card's parts (one cache read when nothing on it changed); else each
    card from its own fragment, the people not cached loaded in one go (selectors.profile_views) and
    rendered. Two cache round trips when nothing changed, and no query."""
    from . import selectors

    people = [_Person(pk) for pk in ids]
    *person_versions, vocabularies = scope_versions(
        *(person_scope(person.pk) for person in people), VOCABULARIES_SCOPE
    )
    version_of = {person.pk: version for person, version in zip(people, person_versions, strict=True)}

    def parts(person):
        return (person.pk, version_of[person.pk], vocabularies, levels_key(viewer, person))

    page_key = fragment_key("network-card-page", *(parts(person) for person in people))
    cards = django_cache.get(page_key)
    if cards is None:
        views = {}
        names = dict(selectors.people_names(ids))

        def prepare(missing):
            views.update((view.pk, view) for view in selectors.profile_views(viewer, [p.pk for p in missing]))

        def render(person):
            view = views.get(person.pk)
            if view is None:  # deleted between the page's query and this one
                return ""
            return render_to_string("cop_network/includes/person_card.html", {"card": view})

        htmls = render_many("network-card", people, parts=parts, render=render, prepare=prepare)
        cards = [
            (person.pk, names[person.pk], str(html))
            for person, html in zip(people, htmls, strict=True)
            if html and person.pk in names
        ]
        django_cache.set(page_key, cards, FRAGMENT_SECONDS)
    return [Card(pk, name, mark_safe(html)) for pk, name, html in cards]  # noqa: S308 - our own templates


def directory_filters(viewer, render) -> str:
    """The directory's filter form without any filter given: the same for every viewer of a kind (it
    names no person; its choices are the vocabularies), rendered once per kind and vocabularies'
    version."""
    if permissions.is_network_organiser(viewer):
        kind = "organiser"
    else:
        kind = "member" if viewer.is_authenticated else "anonymous"
    return render_one("network-directory-filters", kind, *scope_versions(VOCABULARIES_SCOPE), render=render)


def profile_body(viewer, person, *, is_self: bool, can_contact: bool) -> str:
    """A profile page's body (photo, name, headline, facts, the contact button, about me): the
    fragment of the person's version, the vocabularies' version, the viewer's levels for the person,
    and whether the viewer is the person and may write to them."""

    from . import selectors

    def render():
        card = selectors.profile_page(viewer, person)
        return render_to_string(
            "cop_network/includes/profile_body.html",
            {"person": card.person, "card": card, "is_self": is_self, "can_contact": can_contact},
        )

    return render_one(
        "network-profile",
        person.pk,
        *scope_versions(person_scope(person.pk), VOCABULARIES_SCOPE),
        levels_key(viewer, person),
        is_self,
        can_contact,
        render=render,
    )


def profile_communities(request, person) -> str:
    """A profile page's list of the person's communities that the viewer may read (cop.selectors.
    profile_communities decides). Which those are depends on the viewer's own memberships, so the key
    names the viewer (the same for every visitor not signed in, and for every superuser, who read all),
    and the version of all memberships and communities, replaced when any is saved, deleted, published,
    unpublished or moved, or a site changes (the addresses)."""
    from cop import selectors as cop_selectors

    viewer = request.user
    if not viewer.is_authenticated:
        kind = "anonymous"
    elif viewer.is_superuser:
        kind = "superuser"
    else:
        kind = f"user:{viewer.pk}"

    def render():
        return render_to_string(
            "cop_network/includes/profile_communities.html",
            {"memberships": cop_selectors.profile_communities(viewer, person)},
            request=request,
        )

    return render_one(
        "network-profile-communities",
        person.pk,
        kind,
        request.get_host(),
        *scope_versions(COMMUNITIES_SCOPE),
        render=render,
    )


# What changes a person's version ----

User = get_user_model()


@receiver(post_save, sender=User, dispatch_uid="cop_network_person_saved")
def person_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing a profile shows
    scope_changed(person_scope(instance.pk))


@receiver(post_delete, sender=User, dispatch_uid="cop_network_person_deleted")
def person_deleted(sender, instance, **kwargs):
    scope_changed(person_scope(instance.pk))


@receiver(post_save, sender=Profile, dispatch_uid="cop_network_profile_saved")
@receiver(post_delete, sender=Profile, dispatch_uid="cop_network_profile_deleted")
def profile_changed(sender, instance, **kwargs):
    scope_changed(person_scope(instance.user_id))


def _many_changed(owner_id_of):
    def changed(sender, instance, action, reverse, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if reverse:  # a term's people changed from the term's side: whose cards, we do not look up
            scope_changed(VOCABULARIES_SCOPE)
        else:
            scope_changed(person_scope(owner_id_of(instance)))

    return changed


_account_many_changed = _many_changed(lambda user: user.pk)
_profile_many_changed = _many_changed(lambda profile: profile.user_id)
for _through, _handler, _uid in (
    (User.stakeholder_groups.through, _account_many_changed, "stakeholder_groups"),
    (User.expertise.through, _account_many_changed, "expertise"),
    (User.languages.through, _account_many_changed, "languages"),
    (Profile.km_components.through, _profile_many_changed, "km_components"),
    (Profile.topics.through, _profile_many_changed, "topics"),
):
    m2m_changed.connect(_handler, sender=_through, dispatch_uid=f"cop_network_person_{_uid}_changed")


# What changes the vocabularies' version ----

VOCABULARY_MODELS = (
    GBFTarget,
    KMComponent,
    Topic,
    Language,
    StakeholderGroup,
    Region,
    CountryRegion,
    Organisation,
)


def vocabularies_changed(sender, **kwargs):
    scope_changed(VOCABULARIES_SCOPE)


for _model in VOCABULARY_MODELS:
    for _signal, _what in ((post_save, "saved"), (post_delete, "deleted")):
        _signal.connect(
            vocabularies_changed,
            sender=_model,
            dispatch_uid=f"cop_network_vocabulary_{_model._meta.label_lower}_{_what}",
        )


# What changes the communities listed on profiles ----


@receiver(post_save, sender=Membership, dispatch_uid="cop_network_communities_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="cop_network_communities_membership_deleted")
@receiver(post_save, sender=CommunityPage, dispatch_uid="cop_network_communities_page_saved")
@receiver(post_delete, sender=CommunityPage, dispatch_uid="cop_network_communities_page_deleted")
@receiver(page_published, sender=CommunityPage, dispatch_uid="cop_network_communities_published")
@receiver(page_unpublished, sender=CommunityPage, dispatch_uid="cop_network_communities_unpublished")
@receiver(post_page_move, dispatch_uid="cop_network_communities_page_moved")
@receiver(post_save, sender=Site, dispatch_uid="cop_network_communities_site_saved")
@receiver(post_delete, sender=Site, dispatch_uid="cop_network_communities_site_deleted")
def communities_changed(sender, **kwargs):
    scope_changed(COMMUNITIES_SCOPE)
