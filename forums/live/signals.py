"""A user removed, banned or leaving a community loses its live streams at once; a socket does not
outlive the session it was opened in (logout, password change or reset, account deactivated).

cop/ is the core and must not import forums/, so we listen to its Membership rows rather than ask it to
call us; the message goes out only after the change is committed, and a channel layer that is down
never fails the change itself (cop.commit).
"""

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cop.commit import after_commit
from cop.models import Membership, MembershipStatus

from .publish import broadcast_access_changed, broadcast_sessions_ended


@receiver(post_save, sender=Membership, dispatch_uid="forums_live_membership_saved")
def membership_saved(sender, instance: Membership, created: bool, **kwargs):
    if created and instance.status != MembershipStatus.ACTIVE:
        return  # a new request or invitation takes nothing away
    after_commit(broadcast_access_changed, instance.user_id, instance.community_id)


@receiver(post_delete, sender=Membership, dispatch_uid="forums_live_membership_deleted")
def membership_deleted(sender, instance: Membership, **kwargs):
    after_commit(broadcast_access_changed, instance.user_id, instance.community_id)


def _session_key(request) -> str | None:
    session = getattr(request, "session", None)
    return session.session_key if session is not None else None


@receiver(user_logged_out, dispatch_uid="forums_live_logged_out")
def logged_out(sender, request, user, **kwargs):
    session_key = _session_key(request)
    if user is not None and session_key:
        after_commit(broadcast_sessions_ended, user.pk, session_key=session_key)


@receiver(password_changed, dispatch_uid="forums_live_password_changed")
@receiver(password_set, dispatch_uid="forums_live_password_set")
@receiver(password_reset, dispatch_uid="forums_live_password_reset")
def password_changed_anywhere(sender, request, user, **kwargs):
    """Every session of the user changes (Django ends the others; the current one gets a new key)."""
    after_commit(broadcast_sessions_ended, user.pk)


@receiver(post_save, sender=get_user_model(), dispatch_uid="forums_live_user_saved")
def user_saved(sender, instance, created: bool, **kwargs):
    if not created and not instance.is_active:
        after_commit(broadcast_sessions_ended, instance.pk)
