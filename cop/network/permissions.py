"""The one place that decides who sees and does what in the practitioner network: profiles and each of
their parts, contact, organisations, needs and offers, matches. Every surface (pages, filters,
suggestions) asks here."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q

from cop import permissions as cop_permissions
from cop.prepared import PreparedValues

from .models import ExchangeStatus, FieldVisibility, Profile
from .models.profiles import VISIBLE_PARTS

MODERATORS_GROUP = "Network moderators"

# Asked on every network page a signed-in person opens (the directory's filters and cards depend on it):
# compiled once per thread (cop.prepared), as building the ORM query cost more than the database's answer.
_in_moderators_group = PreparedValues(
    lambda user_id: Group.objects.filter(name=MODERATORS_GROUP, user=user_id).values_list("pk")
)
PUBLIC_STATUSES = (ExchangeStatus.PUBLISHED, ExchangeStatus.EXPIRED, ExchangeStatus.CLOSED)


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_network_organiser(user) -> bool:
    """Site staff and members of the "Network moderators" group (remembered on the user object)."""
    if not _signed_in(user):
        return False
    if user.is_staff or user.is_superuser:
        return True
    cached = getattr(user, "_network_organiser", None)
    if cached is None:
        cached = _in_moderators_group.get(user.pk) is not None
        user._network_organiser = cached
    return cached


# PROFILES ----


def can_see_profile(viewer, person) -> bool:
    """Listed profiles are public; the person and site staff see an unlisted one."""
    return cop_permissions.can_see_profile(viewer, person)


def visibility_levels(viewer, person=None) -> tuple[str, ...]:
    """The visibility levels whose parts `viewer` sees on `person`'s profile (or on anyone's)."""
    if person is not None and _signed_in(viewer) and viewer.pk == person.pk:
        return tuple(FieldVisibility.values)
    if _signed_in(viewer):
        return (FieldVisibility.PUBLIC, FieldVisibility.MEMBERS)
    return (FieldVisibility.PUBLIC,)


def visible_parts(viewer, person, profile: Profile | None) -> dict[str, bool]:
    """For each part of a profile (VISIBLE_PARTS), whether `viewer` sees it; a person without a network
    profile has the defaults."""
    levels = visibility_levels(viewer, person)
    return {
        part: (profile.visibility_of(part) if profile is not None else default) in levels
        for part, default in VISIBLE_PARTS.items()
    }


def visible_part_q(viewer, part: str) -> Q:
    """Users whose `part` the viewer may see, as a filter (for directory filters: filtering on a hidden
    part would reveal it). The viewer's own profile is always theirs to see."""
    levels = visibility_levels(viewer)
    field = f"network_profile__{part}_visibility"
    q = Q(**{f"{field}__in": levels})
    if VISIBLE_PARTS[part] in levels:
        q |= Q(network_profile__isnull=True)
    if _signed_in(viewer):
        q |= Q(pk=viewer.pk)
    return q


def can_contact(viewer, person, profile: Profile | None) -> bool:
    """Signed-in members may write to a listed person who accepts contact, never to themselves."""
    if not _signed_in(viewer) or viewer.pk == person.pk or not person.is_active:
        return False
    if not person.listed_in_directory:
        return False
    return profile is None or profile.accepts_contact


# ORGANISATIONS ----


def is_focal_point(user, organisation) -> bool:
    if not _signed_in(user) or organisation is None:
        return False
    return organisation.focal_points.filter(pk=user.pk).exists()


def can_edit_organisation(user, organisation) -> bool:
    return is_network_organiser(user) or is_focal_point(user, organisation)


def can_claim_organisation(user) -> bool:
    return _signed_in(user)


# NEEDS AND OFFERS ----


def is_side(user, item) -> bool:
    """The author of a need or offer, or a focal point of the organisation it was posted for."""
    if not _signed_in(user):
        return False
    return item.author_id == user.pk or is_focal_point(user, item.organisation)


def people_answering_for(*items):
    """The active people on the side of these needs or offers: their authors and the focal points of
    the organisations they were posted for (one query when evaluated)."""
    sides = Q(pk__in=[item.author_id for item in items])
    organisations = [item.organisation_id for item in items if item.organisation_id]
    if organisations:
        sides |= Q(focal_point_of__in=organisations)
    return get_user_model().objects.filter(sides, is_active=True).distinct()


def has_someone_to_reach(item) -> bool:
    """Whether someone can answer for a need or offer: its author is still on the platform, or its
    organisation has a focal point who is (one query)."""
    return people_answering_for(item).exists()


def can_see_exchange(user, item) -> bool:
    if item.status in PUBLIC_STATUSES:
        return True
    return is_network_organiser(user) or is_side(user, item)


def public_exchange_q() -> Q:
    return Q(status__in=PUBLIC_STATUSES)


def can_post_exchange(user) -> bool:
    return _signed_in(user)


def can_post_for(user, organisation) -> bool:
    """One posts for oneself, or for an organisation one is a focal point of."""
    return organisation is None or is_focal_point(user, organisation)


def can_edit_exchange(user, item) -> bool:
    return is_side(user, item) and item.status in (
        ExchangeStatus.DRAFT,
        ExchangeStatus.SUBMITTED,
        ExchangeStatus.REJECTED,
    )


def can_moderate(user) -> bool:
    return is_network_organiser(user)


def can_see_suggestions(user, item) -> bool:
    return is_network_organiser(user) or is_side(user, item)


# MATCHES ----


def match_sides(user, match) -> set[str]:
    """Which sides of `match` the user stands on: "need", "offer", both or none."""
    sides = set()
    if is_side(user, match.need):
        sides.add("need")
    if is_side(user, match.offer):
        sides.add("offer")
    return sides


def can_see_match(user, match) -> bool:
    """A match and its conversation: the two sides and organisers only."""
    return is_network_organiser(user) or bool(match_sides(user, match))


def can_run_match(user) -> bool:
    return is_network_organiser(user)


# CURATED ENTRIES, EXPORTS ----


def can_curate(user) -> bool:
    """Adding practitioners not yet on the platform and inviting them to claim their entry."""
    return is_network_organiser(user)


def can_export_directory(user) -> bool:
    return is_network_organiser(user)
