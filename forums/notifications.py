"""Reads for a person's notifications and marks: the bell's count, their read marks in threads, who gets
the daily digest and whom they may @mention."""

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef

from cop.fragments import FRAGMENT_SECONDS, fragment_key, scope_versions
from cop.models import Membership, MembershipStatus
from cop.prepared import PreparedValues

from .models import Board, EmailFrequency, Notification, ReadState
from .signals import notifications_scope, read_marks_scope

# The bell's count, on every signed-in page: compiled once (cop.prepared).
_unread_count = PreparedValues(
    lambda user_id: (
        Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values_list("n")
    )
)


def unread_notification_count(user, version: str | None = None) -> int:
    """The bell's count, kept per person under the version of their notifications
    (forums.signals.notifications_scope: one created, read or deleted replaces it), so a page asks the
    database nothing for it; `version` when the caller read it with other versions."""
    if not user.is_authenticated:
        return 0
    if version is None:
        (version,) = scope_versions(notifications_scope(user.pk))
    key = fragment_key("forums-unread-count", user.pk, version)
    count = cache.get(key)
    if count is None:
        row = _unread_count.get(user.pk)
        count = row[0] if row else 0
        cache.set(key, count, FRAGMENT_SECONDS)
    return count


def read_marks(user, thread_ids, version: str | None = None) -> dict[int, int]:
    """The user's last read post number in each of these threads (a thread never opened is absent),
    kept per person, threads and version of their read marks (forums.signals.read_marks_scope: any of
    them moved forward replaces it): the "New" marks of a list shared by many viewers."""
    if not user.is_authenticated or not thread_ids:
        return {}
    if version is None:
        (version,) = scope_versions(read_marks_scope(user.pk))
    ids = sorted(thread_ids)
    key = fragment_key("forums-read-marks", user.pk, version, *ids)
    marks = cache.get(key)
    if marks is None:
        marks = dict(
            ReadState.objects.filter(user_id=user.pk, thread_id__in=ids).values_list(
                "thread_id", "last_read_number"
            )
        )
        cache.set(key, marks, FRAGMENT_SECONDS)
    return marks


def digest_recipient_ids():
    """People who chose the daily digest and have unread notifications not yet e-mailed."""
    pending = Notification.objects.filter(
        recipient=OuterRef("pk"), emailed_at__isnull=True, read_at__isnull=True
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, forum_notification_settings__email_frequency=EmailFrequency.DAILY)
        .filter(Exists(pending))
        .values_list("pk", flat=True)
    )


def mention_candidates(user, board: Board, prefix: str, limit: int = 8) -> list[dict]:
    """People one may @mention on this board whose display name starts with `prefix`."""
    prefix = prefix.strip()[:40]
    if not prefix:
        return []
    people = (
        get_user_model().objects.filter(is_active=True, display_name__istartswith=prefix).exclude(pk=user.pk)
    )
    if not board.is_site_forum:
        members = Membership.objects.filter(community_id=board.community_id, status=MembershipStatus.ACTIVE)
        people = people.filter(pk__in=members.values("user_id"))
    return [
        {"name": name}
        for name in people.order_by("display_name").values_list("display_name", flat=True)[:limit]
    ]
