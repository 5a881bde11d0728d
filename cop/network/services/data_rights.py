"""Deleting one's account. Forum threads and posts (on_delete=PROTECT), event pages, case studies
and building blocks (SET_NULL) and matches keep their author row, so the account is not deleted but
anonymised: its address becomes <id>@former-member.invalid (cop.User.is_former_member), it shows as
"former member", cannot sign in, and everything personal goes (profile, photo, vocabularies,
addresses, groups); they leave their communities, and their event registrations end through events'
own handlers."""

import math

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from cop.models import Membership, MembershipStatus
from cop.models.users import FORMER_MEMBER_DOMAIN
from cop.ratelimit import rate_limit_hit
from cop.services import membership_leave

from ..exceptions import AccountDeleteRateLimited, NoPasswordSet, PasswordMismatch
from ..models import ExchangeStatus, FocalPointClaim, Need, Offer, Organisation, Profile
from ..models.organisations import ClaimStatus
from ..search import network_changed

OPEN_STATUSES = (ExchangeStatus.DRAFT, ExchangeStatus.SUBMITTED, ExchangeStatus.PUBLISHED)
# Attempts per account: the form checks the password, so without a limit a taken-over session could
# guess it there without end.
DELETE_ATTEMPT_LIMITS = {"hour": (3600, 5), "day": (24 * 3600, 10)}


def account_delete_attempt(*, user) -> None:
    """Counts an attempt to delete `user`'s account (before its password is checked);
    AccountDeleteRateLimited when there were too many."""
    limits = getattr(settings, "NETWORK_ACCOUNT_DELETE_RATE_LIMITS", DELETE_ATTEMPT_LIMITS)
    wait = rate_limit_hit(f"network:account-delete:{user.pk}", limits)
    if wait is not None:
        raise AccountDeleteRateLimited(retry_after=math.ceil(wait))


@transaction.atomic
def account_delete(*, user, password: str) -> None:
    if not user.has_usable_password():
        raise NoPasswordSet()
    if not user.check_password(password):
        raise PasswordMismatch()
    # They leave their communities as any member leaves (the last facilitator is refused: hand over
    # first, so that no community is left without one); their event registrations end with it.
    for membership in Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).select_related(
        "community"
    ):
        membership_leave(user=user, community=membership.community)
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        if profile.photo:
            profile.photo.delete(save=False)
        profile.delete()
    # Their own open needs and offers close (their matches stay, for the other side); those posted for
    # an organisation stay with it while another focal point of it can answer for them, else they close
    # too (nobody could answer the interest they gather; nothing is deleted).
    other_focal_points = Organisation.focal_points.through.objects.filter(
        organisation_id=OuterRef("organisation_id"), user__is_active=True
    ).exclude(user=user)
    for model in (Need, Offer):
        model.objects.filter(author=user, status__in=OPEN_STATUSES).filter(
            Q(organisation__isnull=True) | ~Exists(other_focal_points)
        ).update(status=ExchangeStatus.CLOSED)
    network_changed()  # their closed needs and offers are no longer found (an update sends no signal)
    Organisation.focal_points.through.objects.filter(user=user).delete()
    FocalPointClaim.objects.filter(user=user, status=ClaimStatus.PENDING).delete()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).delete()
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.filter(user=user).delete()
    user.stakeholder_groups.clear()
    user.expertise.clear()
    user.languages.clear()
    user.groups.clear()
    user.user_permissions.clear()
    address = f"{user.pk}@{FORMER_MEMBER_DOMAIN}"
    user.email = address
    user.username = address
    for name in ("display_name", "first_name", "last_name", "bio", "organisation", "country"):
        setattr(user, name, "")
    user.listed_in_directory = False
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()  # also ends every session (their hash changes)
    user.save()
