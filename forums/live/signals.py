"""A user removed, banned or leaving a community loses its live streams at once.

cop/ is the core and must not import forums/, so we listen to its Membership rows rather than ask it to
call us; the message goes out only after the membership change is committed.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cop.models import Membership, MembershipStatus

from .publish import broadcast_access_changed


@receiver(post_save, sender=Membership, dispatch_uid="forums_live_membership_saved")
def membership_saved(sender, instance: Membership, created: bool, **kwargs):
    if created and instance.status != MembershipStatus.ACTIVE:
        return  # a new request or invitation takes nothing away
    transaction.on_commit(
        partial(broadcast_access_changed, instance.user_id, instance.community_id), robust=True
    )


@receiver(post_delete, sender=Membership, dispatch_uid="forums_live_membership_deleted")
def membership_deleted(sender, instance: Membership, **kwargs):
    transaction.on_commit(
        partial(broadcast_access_changed, instance.user_id, instance.community_id), robust=True
    )
