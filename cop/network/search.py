"""The practitioner network in the site search (home.views.search): listed people, organisations and
published needs and offers, each part found and shown only as the visitor may see it. Four queries,
whatever the number of results: a person's name, headline and organisation are read with the person
(the directory's profile_views would load their vocabularies too, which a result does not show)."""

from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from . import permissions
from .models import ExchangeStatus, Need, Offer, Organisation
from .selectors import _profile_of, practitioner_directory

SEARCH_LIMIT = 20


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
    appears); each shown as the viewer sees it. A constant number of queries."""
    if not words:
        return []
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
