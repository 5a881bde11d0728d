"""Facilitators' announcements on the community home."""

from django.db import transaction

from cop.models import (
    Announcement,
    CommunityPage,
)
from cop.services.membership import community_touch, require_manager


@transaction.atomic
def announcement_create(
    *, actor, community: CommunityPage, title: str, body: str, pinned: bool = True
) -> Announcement:
    """A facilitator posts an announcement on the community home."""
    require_manager(actor, community)
    announcement = Announcement.objects.create(
        community=community, title=title.strip(), body=body.strip(), pinned=pinned, author=actor
    )
    community_touch(community_id=community.pk)
    return announcement


@transaction.atomic
def announcement_update(*, actor, announcement_id: int, title: str, body: str, pinned: bool) -> Announcement:
    announcement = (
        Announcement.objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=announcement_id)
    )
    require_manager(actor, announcement.community)
    announcement.title = title.strip()
    announcement.body = body.strip()
    announcement.pinned = pinned
    announcement.save()
    return announcement


@transaction.atomic
def announcement_delete(*, actor, announcement_id: int) -> None:
    announcement = Announcement.objects.select_related("community").get(pk=announcement_id)
    require_manager(actor, announcement.community)
    announcement.delete()
