"""Reads for matchmaking: explained match suggestions between needs and offers (their score and the
reasons shown), and the matches themselves (their participants, a match's page, a user's matches, the
organisers' board, the completed cooperations listed publicly)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cop.models import CountryRegion, GBFTarget, KMComponent

from . import permissions
from .models import (
    ExchangeStatus,
    Match,
    MatchFeedback,
    MatchMessage,
    MatchStatus,
    Need,
    Offer,
    SupportKind,
)

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


_SCORED_COLUMNS = ("pk", "support_kind", "language_id", "country", "expires_on")
# The most points a candidate can have besides the shared targets and components.
_OTHER_POINTS = (
    WEIGHTS["kind"] + WEIGHTS["language"] + max(WEIGHTS["country"], WEIGHTS["region"]) + WEIGHTS["open"]
)
# Ids read by `pk IN (...)` at most (beyond, every candidate is read instead).
PREFILTER_MAX = 2000
# Candidates read first, per suggestion asked for: those sharing the most (the more are read, the
# higher the score the list is known to reach, the fewer others need reading).
FIRST_READ = 20


def _best_sharing_vocabulary(candidates, shared_targets, shared_components, score_rows, limit):
    """The scored candidates that can be among the `limit` best, read in SQL by the targets and
    components they share, or None when that cannot be told without reading every candidate.

    A candidate's score is its points for shared targets and components plus at most _OTHER_POINTS.
    Those sharing the most (FIRST_READ per suggestion) are read and scored first; if `limit` of them
    score at least F, a candidate whose shared points are below F - _OTHER_POINTS scores below F and
    can neither enter the list nor tie with its last (the order is score, then id); so the candidates
    at or above that bar are read too, and no other. When the bar is not above zero (candidates sharing nothing could reach the list)
    or too many ids would be read, None."""
    shared_points: dict[int, int] = {}
    for pk, targets in shared_targets.items():
        shared_points[pk] = WEIGHTS["target"] * len(targets)
    for pk, components in shared_components.items():
        shared_points[pk] = shared_points.get(pk, 0) + WEIGHTS["component"] * len(components)
    if limit < 1 or len(shared_points) < limit:
        return None
    ranked = sorted(shared_points.values(), reverse=True)
    first_bar = ranked[min(len(ranked), FIRST_READ * limit) - 1]
    first = [pk for pk, points in shared_points.items() if points >= first_bar]
    if len(first) > PREFILTER_MAX:
        return None
    scored = score_rows(candidates.filter(pk__in=first).values_list(*_SCORED_COLUMNS))
    if len(scored) < limit:
        return None
    floor = sorted((score for score, _pk, _row in scored), reverse=True)[limit - 1]
    bar = floor - _OTHER_POINTS
    if bar <= 0:
        return None
    more = [pk for pk, points in shared_points.items() if bar <= points < first_bar]
    if len(first) + len(more) > PREFILTER_MAX:
        return None
    if more:
        scored += score_rows(candidates.filter(pk__in=more).values_list(*_SCORED_COLUMNS))
    return scored


def match_suggestions(item, *, viewer=None, limit: int = 10, today: date | None = None) -> list[Suggestion]:
    """Published, open items of the other kind that could answer `item` (an offer for a need, a need
    for an offer), best first, each with the reasons of its score in words. Pairs the viewer marked
    "not relevant" are left out. At most eight queries, whatever the number of candidates: the
    candidates that can be among the best are found by the targets and components they share and only
    they are read and scored (_best_sharing_vocabulary; every candidate when that cannot be told),
    on numbers; only the shown ones are put in words (_Facts gives both, so they agree)."""
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

    # The same sums as _Facts.score, inlined: this loop runs once per candidate read.
    weight_target, weight_component = WEIGHTS["target"], WEIGHTS["component"]

    def score_rows(rows) -> list[tuple[int, int, tuple]]:
        scored = []
        for row in rows:
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
        return scored

    scored = _best_sharing_vocabulary(candidates, shared_targets, shared_components, score_rows, limit)
    if scored is None:  # no shortcut: every candidate is read and scored
        scored = score_rows(candidates.values_list(*_SCORED_COLUMNS))
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
    return list(permissions.people_answering_for(match.need, match.offer))


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
