"""Signal receivers: thin, they only call services."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cop.commit import after_commit
from cop.fragments import scope_changed
from cop.models import CommunityPage

from .models import Notification
from .services import board_ensure_for_community
from .signals import notifications_scope


def board_for_published_community(sender, instance, **kwargs):
    """A community gets its board when it is published."""
    specific = instance.specific if not isinstance(instance, CommunityPage) else instance
    if isinstance(specific, CommunityPage):
        after_commit(board_ensure_for_community, community=specific)


@receiver(post_save, sender=Notification, dispatch_uid="forums_notification_saved")
@receiver(post_delete, sender=Notification, dispatch_uid="forums_notification_deleted")
def notification_changed(sender, instance, **kwargs):
    """A notification created, read or deleted: the recipient's bell count is read again
    (forums.notifications.unread_notification_count; marking read in bulk replaces it in the service)."""
    scope_changed(notifications_scope(instance.recipient_id))
