"""The kind of viewer a shared fragment is rendered for: what a signed-in person's pages depend on beyond
the content itself, so that people of the same kind share one cached fragment.

A person's memberships (community, role, status) are kept in the cache per person under the version of
their own "memberships:<id>" scope (cop.fragments), which every membership of theirs saved or deleted
replaces at once and again after commit; a request reads them in one cache round trip with the other
versions it needs, and the rows are handed to cop.permissions, which then asks the database nothing
about those communities for the rest of the request."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cop import permissions
from cop.fragments import FRAGMENT_SECONDS, fragment_key, scope_changed, scope_versions
from cop.models import Membership, MembershipStatus

_ROWS_ATTR = "_cop_viewer_rows"


def memberships_scope(user_id: int) -> str:
    return f"memberships:{user_id}"


def memberships(user, *scopes: str) -> tuple[list[Membership], tuple[str, ...]]:
    """The user's membership rows (any status) and the versions of `scopes`, read together; the rows
    are remembered for cop.permissions for this request, and on the user object for the other sections
    of the page (while their version is the same)."""
    *versions, own = scope_versions(*scopes, memberships_scope(user.pk))
    read = getattr(user, _ROWS_ATTR, None)
    if read is not None and read[0] == own:
        # Already handed to cop.permissions (a membership changed since has a new version; a permission
        # cache dropped without one asks the database again, as it should).
        return read[1], tuple(versions)
    key = fragment_key("viewer-memberships", user.pk, own)
    rows = cache.get(key)
    if rows is None:
        rows = list(Membership.objects.filter(user_id=user.pk).order_by("community_id"))
        cache.set(key, rows, FRAGMENT_SECONDS)
    setattr(user, _ROWS_ATTR, (own, rows))
    permissions.remember_memberships(user, rows)
    return rows, tuple(versions)


def kind_of(user, rows: list[Membership]) -> tuple:
    """Names the viewer's kind: anonymous, site staff, or a member of these communities in these roles
    (pending requests and bans too, as they change what a person may see)."""
    if not user.is_authenticated:
        return ("anonymous",)
    if user.is_superuser:
        return ("staff",)
    return ("member", tuple((row.community_id, row.role, row.status) for row in rows))


def reading_kind(user, rows: list[Membership]) -> tuple:
    """Names what decides which communities' content the viewer may read (cop.permissions.
    readable_communities): not signed in, site staff, or a member of these communities barred from
    those. Lists of what readers may read are shared by readers of the same kind."""
    if not user.is_authenticated:
        return ("anonymous",)
    if user.is_superuser:
        return ("staff",)
    active = tuple(row.community_id for row in rows if row.status == MembershipStatus.ACTIVE)
    banned = tuple(row.community_id for row in rows if row.status == MembershipStatus.BANNED)
    return ("reader", active, banned)


@receiver(post_save, sender=Membership, dispatch_uid="cop_viewers_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="cop_viewers_membership_deleted")
def _membership_changed(sender, instance, **kwargs):
    scope_changed(memberships_scope(instance.user_id))
