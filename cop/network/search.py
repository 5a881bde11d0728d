"""The practitioner network in the site search (home.views.search): listed people, organisations and
published needs and offers, each part found and shown only as the visitor may see it. Four queries,
whatever the number of results: a person's name, headline and organisation are read with the person
(the directory's profile_views would load their vocabularies too, which a result does not show).

Building those queries costs far more than running them, so a query's hits (and their rows as the site
search lists them) are kept in the cache per
words, language (fragment_key) and kind of viewer, under the version of the "network-search" scope
(cop.fragments), which every write to what the search reads or shows replaces at once and again after
commit: an account, a network profile, an organisation, a need or an offer saved or deleted (receivers
below, whatever the path: services, the admin, cascades), and the services' bulk updates, which send no
signal (network_changed: publishing, rejecting, closing, expiring needs and offers, an account deleted,
a curated entry claimed).

The kind of viewer is the visibility levels they see on others' profiles (permissions.visibility_levels:
everyone, or signed-in members; organisers see no more here). A person sees their own profile whole, so
a member whose own headline or organisation is shown to nobody has hits of their own, keyed on them and
their person version (cop.network.fragments.person_scope, replaced when their account or profile
changes); every other member shares the members' hits, which are the same for them."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cop.fragments import FRAGMENT_SECONDS, fragment_key, scope_changed, scope_versions

from . import permissions
from .fragments import person_scope
from .models import ExchangeStatus, FieldVisibility, Need, Offer, Organisation, Profile
from .models.profiles import VISIBLE_PARTS
from .selectors import _profile_of, practitioner_directory

SEARCH_LIMIT = 20
SEARCH_SCOPE = "network-search"
# A query's kept hits live an hour (not cop.fragments' day), as the site search's kept lists do: the query is
# the client's to choose; popular queries stay warm, one-off ones leave the cache.
SEARCH_SECONDS = 3600
HITS_TEMPLATE = "cop_network/includes/search_hits.html"
# The parts of a profile the search matches and shows besides the name.
SEARCHED_PARTS = ("headline", "organisation")


@dataclass
class SearchHit:
    """One network result of the site search: only what the viewer may see of it."""

    kind: str
    title: str
    url: str
    summary: str = ""


def _every_word(words: list[str], one_word) -> Q:
    condition = Q()
    for word in words:
        condition &= one_word(word)
    return condition


def _person_hit(viewer, person) -> SearchHit:
    """The person as the viewer sees them (selectors.profile_view's name, headline and organisation)."""
    profile = _profile_of(person)
    parts = permissions.visible_parts(viewer, person, profile)
    headline = profile.headline if parts["headline"] and profile else ""
    organisation = ""
    if parts["organisation"]:
        record = profile.organisation_record if profile else None
        organisation = person.organisation or (record.name if record else "")
    return SearchHit(
        kind=_("Practitioner"),
        title=person.public_name,
        url=reverse("cop_network:profile", kwargs={"user_id": person.pk}),
        summary=" · ".join(part for part in (headline, organisation) if part),
    )


def site_search(*, viewer, words: list[str], limit: int = SEARCH_LIMIT) -> list[SearchHit]:
    """Listed people, organisations and published needs and offers in which every word appears, in a
    part the viewer may see (a hidden headline or organisation never matches, an opted-out person never
    appears); each shown as the viewer sees it. Kept per kind of viewer (see above); when not kept, a
    constant number of queries."""
    return _kept(viewer, words, limit)[0] if words else []


def site_search_rows(*, viewer, words: list[str], limit: int = SEARCH_LIMIT) -> tuple[int, SafeString]:
    """site_search's hits as the site search lists them (HITS_TEMPLATE's <li> items, kept with the
    hits), and how many."""
    if not words:
        return 0, mark_safe("")
    hits, html = _kept(viewer, words, limit)
    return len(hits), mark_safe(html)  # noqa: S308 - our own rendered template


def _kept(viewer, words: list[str], limit: int) -> tuple[list[SearchHit], str]:
    """The hits of `words` for the viewer's kind and their rendered rows, from the cache or found."""
    levels = permissions.visibility_levels(viewer)
    if FieldVisibility.MEMBERS in levels:  # signed in
        version, own = scope_versions(SEARCH_SCOPE, person_scope(viewer.pk))
        kind = ("self", viewer.pk, own) if _sees_more_of_self(viewer, own, levels) else ()
    else:
        (version,) = scope_versions(SEARCH_SCOPE)
        kind = ()
    # The words as one part (a word holding the key's separator names no other list of words).
    key = fragment_key("network-search", version, limit, "+".join(levels), *kind, repr(list(words)))
    kept = cache.get(key)
    if kept is None:
        hits = _found(viewer, words, limit)
        kept = (hits, render_to_string(HITS_TEMPLATE, {"hits": hits}))
        cache.set(key, kept, SEARCH_SECONDS)
    return kept


def _sees_more_of_self(viewer, version: str, levels: tuple[str, ...]) -> bool:
    """Whether the viewer's own headline or organisation is shown to fewer than `levels` (they alone
    find and see it): one query per version of their account and profile."""
    key = fragment_key("network-search-self", viewer.pk, version)
    more = cache.get(key)
    if more is None:
        shown_to = Profile.objects.filter(user_id=viewer.pk).values_list(
            *(f"{part}_visibility" for part in SEARCHED_PARTS)
        )
        shown_to = shown_to.first() or tuple(VISIBLE_PARTS[part] for part in SEARCHED_PARTS)
        more = any(visibility not in levels for visibility in shown_to)
        cache.set(key, more, FRAGMENT_SECONDS)
    return more


def _found(viewer, words: list[str], limit: int) -> list[SearchHit]:
    """The hits of `words` for `viewer`, from the database (four queries)."""
    headline_seen = permissions.visible_part_q(viewer, "headline")
    organisation_seen = permissions.visible_part_q(viewer, "organisation")

    def person_word(word):
        by_name = (
            Q(display_name__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
        by_headline = Q(network_profile__headline__icontains=word) & headline_seen
        by_organisation = (
            Q(organisation__icontains=word) | Q(network_profile__organisation_record__name__icontains=word)
        ) & organisation_seen
        return by_name | by_headline | by_organisation

    people = (
        practitioner_directory(viewer=viewer)
        .filter(_every_word(words, person_word))
        .select_related("network_profile__organisation_record")[:limit]  # one-to-one and foreign keys
    )
    hits = [_person_hit(viewer, person) for person in people]
    organisations = Organisation.objects.filter(
        _every_word(words, lambda word: Q(name__icontains=word) | Q(mission__icontains=word))
    ).order_by(Lower("name"), "pk")[:limit]
    hits += [
        SearchHit(
            kind=_("Organisation or network"),
            title=organisation.name,
            url=reverse("cop_network:organisation", kwargs={"organisation_id": organisation.pk}),
            summary=Truncator(organisation.mission).words(30),
        )
        for organisation in organisations.only("pk", "name", "mission")
    ]
    for kind, model, label in (
        ("need", Need, _("Need for support")),
        ("offer", Offer, _("Offer of support")),
    ):
        items = (
            model.objects.filter(status=ExchangeStatus.PUBLISHED)
            .filter(
                _every_word(words, lambda word: Q(title__icontains=word) | Q(description__icontains=word))
            )
            .only("pk", "title", "description")
            .order_by("-created_at", "-pk")[:limit]
        )
        hits += [
            SearchHit(
                kind=label,
                title=item.title,
                url=reverse(f"cop_network:{kind}", kwargs={"item_id": item.pk}),
                summary=Truncator(item.description).words(30),
            )
            for item in items
        ]
    return hits


# What replaces the version ----


def network_changed() -> None:
    """What the network search reads changed through a bulk update (no signal): the services call it."""
    scope_changed(SEARCH_SCOPE)


User = get_user_model()


@receiver(post_save, sender=User, dispatch_uid="cop_network_search_account_saved")
def _account_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing the search reads
    network_changed()


@receiver(post_delete, sender=User, dispatch_uid="cop_network_search_account_deleted")
def _account_deleted(sender, instance, **kwargs):
    network_changed()


for _model in (Profile, Organisation, Need, Offer):
    for _signal, _what in ((post_save, "saved"), (post_delete, "deleted")):
        _signal.connect(
            lambda sender, **kwargs: network_changed(),
            sender=_model,
            weak=False,
            dispatch_uid=f"cop_network_search_{_model._meta.model_name}_{_what}",
        )
