"""Network profiles and the contact relay."""

import math

from django.conf import settings
from django.db import transaction

from cop.commit import enqueue_after_commit
from cop.ratelimit import rate_limit_hit

from .. import permissions
from ..exceptions import ContactRateLimited, ContactRefused
from ..models import ContactMessage, Profile
from ..orcid import orcid_normalise

# What the account itself holds (cop.User), edited on the same page.
ACCOUNT_FIELDS = ("bio", "organisation", "country", "listed_in_directory")
ACCOUNT_MANY = ("stakeholder_groups", "expertise", "languages")
PROFILE_MANY = ("km_components", "topics")
CONTACT_LIMITS = {"hour": (3600, 5), "day": (24 * 3600, 20)}


def profile_of(user) -> Profile | None:
    """The user's network profile, or None while they have not saved one (defaults apply)."""
    try:
        return user.network_profile
    except Profile.DoesNotExist:
        return None


@transaction.atomic
def profile_update(*, user, values: dict, remove_photo: bool = False) -> Profile:
    """Saves the account's profile fields and the network profile (created on first save)."""
    profile, _created = Profile.objects.get_or_create(user=user)
    account_fields = [name for name in ACCOUNT_FIELDS if name in values]
    for name in account_fields:
        setattr(user, name, values[name])
    if account_fields:
        user.save(update_fields=account_fields)
    for name in ACCOUNT_MANY:
        if name in values:
            getattr(user, name).set(values[name])
    for name, value in values.items():
        if name in ACCOUNT_FIELDS or name in ACCOUNT_MANY or name in PROFILE_MANY or name == "photo":
            continue
        setattr(profile, name, orcid_normalise(value) if name == "orcid" and value else value)
    if remove_photo and profile.photo:
        profile.photo.delete(save=False)
        profile.photo = ""
    elif values.get("photo"):
        if profile.photo:
            profile.photo.delete(save=False)
        profile.photo = values["photo"]
    profile.full_clean(exclude=["photo", "user"])
    profile.save()
    for name in PROFILE_MANY:
        if name in values:
            getattr(profile, name).set(values[name])
    return profile


@transaction.atomic
def contact_send(*, sender, recipient, subject: str, body: str) -> ContactMessage:
    """Relays a message to `recipient` (from the platform, Reply-To the sender), so the sender learns
    the recipient's address only if they answer. Limited per sender (sliding windows)."""
    if not permissions.can_contact(sender, recipient, profile_of(recipient)):
        raise ContactRefused()
    limits = getattr(settings, "NETWORK_CONTACT_RATE_LIMITS", CONTACT_LIMITS)
    wait = rate_limit_hit(f"network:contact:{sender.pk}", limits)
    if wait is not None:
        raise ContactRateLimited(retry_after=math.ceil(wait))
    message = ContactMessage.objects.create(
        sender=sender, recipient=recipient, subject=subject.strip()[:150], body=body.strip()[:5000]
    )
    enqueue_after_commit("cop.network.tasks.send_contact_message", message.pk)
    return message
