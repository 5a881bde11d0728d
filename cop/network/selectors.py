"""Reads of the practitioner network. Each returns what one page shows in a number of queries that does
not grow with the data (asserted in tests/network)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from cop.models import CountryRegion

from . import permissions
from .filters import ExchangeFilter, OrganisationFilter, PractitionerFilter
from .models import (
    ClaimStatus,
    CuratedEntry,
    ExchangeStatus,
    FocalPointClaim,
    Need,
    Offer,
    Organisation,
    Profile,
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
    stakeholder_groups: list = field(default_factory=list)
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
        view.stakeholder_groups = list(person.stakeholder_groups.all())
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
        .objects.select_related("network_profile", "network_profile__organisation_record")
        .prefetch_related(
            "stakeholder_groups",
            "expertise",
            "languages",
            "network_profile__km_components",
            "network_profile__topics",
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


def people_names(ids: list[int]) -> list[tuple[int, str]]:
    """(id, public name) of each of these people that still exists (one query)."""
    fields = ("pk", "email", "display_name", "first_name", "last_name")
    return [
        (person.pk, person.public_name)
        for person in get_user_model().objects.filter(pk__in=ids).only(*fields)
    ]


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
