"""Reads of the practitioner network. Each returns what one page shows in a number of queries that does
not grow with the data (asserted in tests/network)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cop.models import CountryRegion, GBFTarget, KMComponent

from . import permissions
from .filters import ExchangeFilter, OrganisationFilter, PractitionerFilter
from .models import (
    ClaimStatus,
    CuratedEntry,
    ExchangeStatus,
    FocalPointClaim,
    Match,
    MatchFeedback,
    MatchMessage,
    MatchStatus,
    Need,
    Offer,
    Organisation,
    Profile,
    SupportKind,
)

# PROFILES ----


@dataclass
class ProfileView:
    """What one viewer sees of one person: hidden parts are simply absent (None or empty)."""

    person: object
    profile: Profile | None
    parts: dict
    region: str = ""
    headline: str = ""
    photo: bool = False
    organisation: str = ""
    organisation_record: Organisation | None = None
    country: object = None
    stakeholder_group: object = None
    targets: list = field(default_factory=list)
    km_components: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    languages: list = field(default_factory=list)
    bio: str = ""
    links: list = field(default_factory=list)
    orcid: str = ""
    open_to: list = field(default_factory=list)

    @property
    def pk(self):
        return self.person.pk

    @property
    def name(self) -> str:
        return self.person.public_name


def _profile_of(person) -> Profile | None:
    try:
        return person.network_profile
    except Profile.DoesNotExist:
        return None


def profile_view(viewer, person, regions: Mapping[str, str]) -> ProfileView:
    """The parts of `person`'s profile `viewer` may see (person loaded by people_queryset)."""
    profile = _profile_of(person)
    parts = permissions.visible_parts(viewer, person, profile)
    view = ProfileView(person=person, profile=profile, parts=parts)
    if parts["headline"] and profile:
        view.headline = profile.headline
    if parts["photo"] and profile and profile.photo:
        view.photo = True
    if parts["organisation"]:
        view.organisation_record = profile.organisation_record if profile else None
        view.organisation = person.organisation
    if parts["country"] and person.country:
        view.country = person.country
        view.region = regions.get(person.country.code, "")
    if parts["expertise"]:
        view.stakeholder_group = person.stakeholder_group
        view.targets = list(person.expertise.all())
        if profile:
            view.km_components = list(profile.km_components.all())
            view.topics = list(profile.topics.all())
    if parts["languages"]:
        view.languages = list(person.languages.all())
    if parts["bio"]:
        view.bio = person.bio
    if parts["links"] and profile:
        view.links = profile.link_list
        view.orcid = profile.orcid
    if parts["open_to"] and profile:
        view.open_to = [
            str(label)
            for flag, label in (
                (profile.open_to_mentoring, _("Mentoring")),
                (profile.open_to_collaboration, _("Collaboration")),
                (profile.open_to_speaking, _("Speaking")),
                (profile.open_to_reviewing, _("Reviewing")),
            )
            if flag
        ]
    return view


def people_queryset() -> QuerySet:
    return (
        get_user_model()
        .objects.select_related(
            "stakeholder_group", "network_profile", "network_profile__organisation_record"
        )
        .prefetch_related(
            "expertise", "languages", "network_profile__km_components", "network_profile__topics"
        )
    )


def country_regions(codes) -> dict[str, str]:
    """Country code -> M49 sub-region name, for the countries given (one query)."""
    codes = {str(code) for code in codes if code}
    if not codes:
        return {}
    return dict(CountryRegion.objects.filter(country__in=codes).values_list("country", "region__name"))


def practitioner_directory(*, viewer, filters: Mapping | None = None) -> QuerySet:
    """Listed, active practitioners, narrowed by `filters` (PractitionerFilter honours each part's
    visibility for the viewer: a filter never matches on a part the viewer may not see)."""
    people = get_user_model().objects.filter(is_active=True, listed_in_directory=True)
    if filters:
        people = PractitionerFilter(filters, people, viewer=viewer).qs
    return people.order_by(Lower("display_name"), "pk")


def directory_page(viewer, people) -> list[ProfileView]:
    """The visible cards of one page of the directory (a page of user ids)."""
    return profile_views(viewer, [person.pk for person in people])


def profile_views(viewer, ids: list[int]) -> list[ProfileView]:
    """What `viewer` sees of each of these people, in this order (a constant number of queries)."""
    loaded = people_queryset().in_bulk(ids)
    persons = [loaded[pk] for pk in ids if pk in loaded]
    regions = country_regions(person.country for person in persons)
    return [profile_view(viewer, person, regions) for person in persons]


def profile_page(viewer, person) -> ProfileView:
    person = people_queryset().get(pk=person.pk)
    return profile_view(viewer, person, country_regions([person.country]))


# ORGANISATIONS ----


def organisation_list(*, filters: Mapping | None = None) -> QuerySet:
    organisations = Organisation.objects.all()
    if filters:
        organisations = OrganisationFilter(filters, organisations).qs
    return organisations.prefetch_related("gbf_targets").order_by(Lower("name"), "pk")


def organisation_detail(organisation_id: int) -> Organisation:
    listed_people = get_user_model().objects.filter(is_active=True, listed_in_directory=True)
    return (
        Organisation.objects.prefetch_related(
            "gbf_targets",
            "member_organisations",
            "member_of",
            Prefetch("focal_points", queryset=listed_people.order_by(Lower("display_name"))),
        )
        .filter(pk=organisation_id)
        .first()
    )


def pending_claims() -> QuerySet:
    return FocalPointClaim.objects.filter(status=ClaimStatus.PENDING).select_related("organisation", "user")


def focal_organisations(user) -> QuerySet:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(focal_points=user).order_by(Lower("name"))


# NEEDS AND OFFERS ----


def _exchange_model(kind: str):
    return {"need": Need, "offer": Offer}[kind]


def exchange_list(*, kind: str, filters: Mapping | None = None) -> QuerySet:
    """Published needs or offers, newest first, narrowed by `filters`."""
    items = _exchange_model(kind).objects.filter(status=ExchangeStatus.PUBLISHED)
    if filters:
        items = ExchangeFilter(filters, items).qs
    return (
        items.select_related("language", "organisation")
        .prefetch_related("gbf_targets")
        .order_by("-created_at", "-pk")
    )


def exchange_detail(kind: str, item_id: int):
    return (
        _exchange_model(kind)
        .objects.select_related("language", "organisation", "author")
        .prefetch_related("gbf_targets", "km_components")
        .filter(pk=item_id)
        .first()
    )


def my_exchanges(user) -> dict:
    mine = Q(author=user) | Q(organisation__focal_points=user)
    return {
        "needs": list(Need.objects.filter(mine).distinct().order_by("-created_at")),
        "offers": list(Offer.objects.filter(mine).distinct().order_by("-created_at")),
    }


def my_published(user, kind: str) -> QuerySet:
    """The user's published needs or offers: their own and their organisations' (as a focal point)."""
    mine = Q(author=user) | Q(organisation__focal_points=user)
    items = _exchange_model(kind).objects.filter(mine, status=ExchangeStatus.PUBLISHED)
    return _exchange_model(kind).objects.filter(pk__in=items.values("pk")).order_by("title")


def moderation_queue() -> dict:
    return {
        kind: list(
            _exchange_model(kind)
            .objects.filter(status=ExchangeStatus.SUBMITTED)
            .select_related("author", "organisation", "language")
            .order_by("created_at")
        )
        for kind in ("need", "offer")
    }


# MATCHMAKING ----

WEIGHTS = {"target": 3, "component": 2, "kind": 4, "language": 2, "country": 2, "region": 1, "open": 1}

OFFERS_PHRASES = {
    SupportKind.TRAINING: gettext_lazy("Offers training"),
    SupportKind.ADVICE: gettext_lazy("Offers advice"),
    SupportKind.DATA: gettext_lazy("Offers data"),
    SupportKind.TECHNOLOGY: gettext_lazy("Offers technology"),
    SupportKind.FUNDING: gettext_lazy("Offers funding"),
    SupportKind.PARTNERSHIP: gettext_lazy("Offers a partnership"),
}
NEEDS_PHRASES = {
    SupportKind.TRAINING: gettext_lazy("Needs training"),
    SupportKind.ADVICE: gettext_lazy("Needs advice"),
    SupportKind.DATA: gettext_lazy("Needs data"),
    SupportKind.TECHNOLOGY: gettext_lazy("Needs technology"),
    SupportKind.FUNDING: gettext_lazy("Needs funding"),
    SupportKind.PARTNERSHIP: gettext_lazy("Needs a partnership"),
}


@dataclass(frozen=True)
class Reason:
    text: str
    points: int


@dataclass
class Suggestion:
    item: object
    score: int
    reasons: list[Reason]


def _join(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def _region_names() -> dict[str, tuple[int, str]]:
    return {
        country: (region_id, name)
        for country, region_id, name in CountryRegion.objects.values_list(
            "country", "region_id", "region__name"
        )
    }


@dataclass(frozen=True)
class _Facts:
    """What a candidate shares with the item, before it is put in words."""

    targets: tuple[int, ...]
    components: tuple[str, ...]
    same_kind: bool
    same_language: bool
    same_country: bool
    same_region: bool
    expires_on: date | None
    open_longer: bool

    @property
    def score(self) -> int:
        return (
            WEIGHTS["target"] * len(self.targets)
            + WEIGHTS["component"] * len(self.components)
            + (WEIGHTS["kind"] if self.same_kind else 0)
            + (WEIGHTS["language"] if self.same_language else 0)
            + (WEIGHTS["country"] if self.same_country else 0)
            + (WEIGHTS["region"] if self.same_region else 0)
            + (WEIGHTS["open"] if self.open_longer else 0)
        )


def _reasons(facts: _Facts, item, other_key: str, region_name: str) -> list[Reason]:
    """The facts in words, each with the points it adds (they sum to the score)."""
    reasons = []
    if facts.targets:
        text = ngettext(
            "Both work on Target %(targets)s", "Both work on Targets %(targets)s", len(facts.targets)
        )
        targets = _join([str(number) for number in facts.targets])
        reasons.append(Reason(text % {"targets": targets}, WEIGHTS["target"] * len(facts.targets)))
    if facts.components:
        text = _("Both cover %(components)s") % {"components": _join(list(facts.components))}
        reasons.append(Reason(text, WEIGHTS["component"] * len(facts.components)))
    language = item.language.name
    if facts.same_kind:
        phrase = str((OFFERS_PHRASES if other_key == "offer" else NEEDS_PHRASES)[item.support_kind])
        points = WEIGHTS["kind"]
        if facts.same_language:
            phrase = _("%(phrase)s in %(language)s") % {"phrase": phrase, "language": language}
            points += WEIGHTS["language"]
        reasons.append(Reason(phrase, points))
    elif facts.same_language:
        reasons.append(Reason(_("Works in %(language)s") % {"language": language}, WEIGHTS["language"]))
    if facts.same_country:
        reasons.append(Reason(_("Both in %(country)s") % {"country": item.country.name}, WEIGHTS["country"]))
    elif facts.same_region:
        reasons.append(Reason(_("Both in %(region)s") % {"region": region_name}, WEIGHTS["region"]))
    if facts.open_longer and facts.expires_on is None:
        reasons.append(Reason(_("No closing date"), WEIGHTS["open"]))
    elif facts.open_longer:
        date_text = formats.date_format(facts.expires_on, "DATE_FORMAT")
        reasons.append(Reason(_("Open until %(date)s") % {"date": date_text}, WEIGHTS["open"]))
    return reasons


def _shared(through, column: str, related: str, wanted) -> dict[int, list[int]]:
    """For each item of the other kind, which of the `wanted` related ids it has (one query on the
    indexed through table; items that are not candidates are simply never looked up)."""
    shared: dict[int, list[int]] = {}
    if wanted:
        for owner, value in through.objects.filter(**{f"{related}__in": wanted}).values_list(column, related):
            shared.setdefault(owner, []).append(value)
    return shared


def match_suggestions(item, *, viewer=None, limit: int = 10, today: date | None = None) -> list[Suggestion]:
    """Published, open items of the other kind that could answer `item` (an offer for a need, a need
    for an offer), best first, each with the reasons of its score in words. Pairs the viewer marked
    "not relevant" are left out. Seven queries, whatever the number of candidates; every candidate is
    scored on numbers, only the shown ones are put in words (_Facts gives both, so they agree)."""
    today = today or timezone.localdate()
    other = Offer if item.kind == "need" else Need
    other_key = "offer" if item.kind == "need" else "need"
    column = f"{other_key}_id"
    targets = dict(GBFTarget.objects.filter(pk__in=item.gbf_targets.values("pk")).values_list("pk", "number"))
    components = dict(
        KMComponent.objects.filter(pk__in=item.km_components.values("pk")).values_list("pk", "name")
    )
    candidates = (
        other.objects.filter(status=ExchangeStatus.PUBLISHED)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .exclude(author_id=item.author_id)
    )
    if viewer is not None and viewer.is_authenticated:
        hidden = MatchFeedback.objects.filter(user=viewer, **{item.kind: item}).values(column)
        candidates = candidates.exclude(pk__in=hidden)
    shared_targets = _shared(other.gbf_targets.through, column, "gbftarget_id", list(targets))
    shared_components = _shared(other.km_components.through, column, "kmcomponent_id", list(components))
    regions = _region_names()
    own_country = str(item.country) if item.country else ""
    own_region = regions.get(own_country, (None, ""))[0]
    same_region_countries = {country for country, (region, _name) in regions.items() if region == own_region}
    same_region_countries.discard(own_country)

    def facts_of(pk, kind, language_id, country, expires_on) -> _Facts:
        return _Facts(
            targets=tuple(sorted(targets[target] for target in shared_targets.get(pk, ()))),
            components=tuple(sorted(components[component] for component in shared_components.get(pk, ()))),
            same_kind=kind == item.support_kind,
            same_language=language_id == item.language_id,
            same_country=bool(own_country) and country == own_country,
            same_region=own_region is not None and country in same_region_countries,
            expires_on=expires_on,
            open_longer=expires_on is None or item.expires_on is None or expires_on >= item.expires_on,
        )

    # The same sums as _Facts.score, inlined: this loop runs once per candidate.
    weight_target, weight_component = WEIGHTS["target"], WEIGHTS["component"]
    scored = []
    for row in candidates.values_list("pk", "support_kind", "language_id", "country", "expires_on"):
        pk, kind, language_id, country, expires_on = row
        score = weight_target * len(shared_targets.get(pk, ())) + weight_component * len(
            shared_components.get(pk, ())
        )
        if kind == item.support_kind:
            score += WEIGHTS["kind"]
        if language_id == item.language_id:
            score += WEIGHTS["language"]
        if own_country and country == own_country:
            score += WEIGHTS["country"]
        elif country in same_region_countries:
            score += WEIGHTS["region"]
        if score:  # availability alone is no reason to suggest anything
            if expires_on is None or item.expires_on is None or expires_on >= item.expires_on:
                score += WEIGHTS["open"]
            scored.append((score, pk, row))
    scored.sort(key=lambda entry: (-entry[0], -entry[1]))
    best = [(score, pk, facts_of(*row)) for score, pk, row in scored[:limit]]
    loaded = other.objects.select_related("language", "organisation").in_bulk([pk for _score, pk, _f in best])
    region_name = regions.get(own_country, (None, ""))[1]
    return [
        Suggestion(item=loaded[pk], score=facts.score, reasons=_reasons(facts, item, other_key, region_name))
        for score, pk, facts in best
    ]


def match_participants(match: Match) -> list:
    """The people on both sides of a match: authors and their organisations' focal points."""
    User = get_user_model()
    sides = Q(pk__in=[match.need.author_id, match.offer.author_id])
    organisations = [org for org in (match.need.organisation_id, match.offer.organisation_id) if org]
    if organisations:
        sides |= Q(focal_point_of__in=organisations)
    return list(User.objects.filter(sides, is_active=True).distinct())


def match_detail(match_id: int) -> Match | None:
    return (
        Match.objects.select_related("need__language", "offer__language", "need__author", "offer__author")
        .prefetch_related(Prefetch("messages", queryset=MatchMessage.objects.select_related("author")))
        .filter(pk=match_id)
        .first()
    )


def my_matches(user) -> QuerySet:
    mine = (
        Q(need__author=user)
        | Q(offer__author=user)
        | Q(need__organisation__focal_points=user)
        | Q(offer__organisation__focal_points=user)
    )
    return Match.objects.filter(mine).distinct().select_related("need", "offer").order_by("-updated_at")


def match_board() -> QuerySet:
    """Every match, for organisers, open ones first."""
    return Match.objects.select_related("need", "offer").order_by("status", "-updated_at")


def completed_cooperations() -> QuerySet:
    """Completed matches both sides agreed to list publicly."""
    return (
        Match.objects.filter(
            status=MatchStatus.COMPLETED, need_side_agrees_public=True, offer_side_agrees_public=True
        )
        .select_related("need__organisation", "offer__organisation")
        .order_by("-updated_at")
    )


# CURATED ENTRIES ----


def curated_entries() -> QuerySet:
    return CuratedEntry.objects.select_related("organisation_record", "claimed_by").order_by(
        "claimed_at", Lower("name"), "pk"
    )


# EXPORTS ----

EXPORT_CHUNK = 500


def directory_export_rows(viewer):
    """The listed directory as the viewer sees it (each part as its visibility allows; never an
    address), one row per person, read in chunks of EXPORT_CHUNK (a constant number of queries per
    chunk)."""
    ids = list(practitioner_directory(viewer=viewer).values_list("pk", flat=True))
    for start in range(0, len(ids), EXPORT_CHUNK):
        yield from profile_views(viewer, ids[start : start + EXPORT_CHUNK])


# SITE SEARCH ----

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


def _organisation_name(view: ProfileView) -> str:
    return view.organisation or (view.organisation_record.name if view.organisation_record else "")


def site_search(*, viewer, words: list[str], limit: int = SEARCH_LIMIT) -> list[SearchHit]:
    """Listed people, organisations and published needs and offers in which every word appears, in a
    part the viewer may see (a hidden headline or organisation never matches, an opted-out person never
    appears); each shown as the viewer sees it. A constant number of queries."""
    from django.urls import reverse
    from django.utils.text import Truncator

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

    ids = list(
        practitioner_directory(viewer=viewer)
        .filter(_every_word(words, person_word))
        .values_list("pk", flat=True)[:limit]  # one-to-one and foreign-key joins: no duplicates
    )
    hits = [
        SearchHit(
            kind=_("Practitioner"),
            title=view.name,
            url=reverse("cop_network:profile", kwargs={"user_id": view.pk}),
            summary=" · ".join(part for part in (view.headline, _organisation_name(view)) if part),
        )
        for view in profile_views(viewer, ids)
    ]
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
    for kind, label in (("need", _("Need for support")), ("offer", _("Offer of support"))):
        items = (
            _exchange_model(kind)
            .objects.filter(status=ExchangeStatus.PUBLISHED)
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
