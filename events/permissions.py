"""Who may see, register for and organise an event. Community questions are delegated to
cop.permissions, the one place that decides who may read or manage a community: an event is as visible
as its organising community, and the community's facilitators are its organisers."""

from django.db.models import Q, QuerySet

from cop import permissions as cop_permissions
from cop.models import Membership, MembershipStatus, Role, Visibility
from events.models.registration import RegistrationStatus


def _is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def can_view_event(user, event) -> bool:
    """May the user see this event at all (page, calendars, feeds, .ics, search)?"""
    if not event.live:
        return can_manage_event(user, event)
    if event.community_id is None:
        return True
    return cop_permissions.can_view(user, event.community)


def can_register(user, event) -> bool:
    """May the user register? Anyone signed in for public events; members for members-only ones."""
    if user is None or not user.is_authenticated or not can_view_event(user, event):
        return False
    community = event.community
    if community is None or community.visibility == Visibility.PUBLIC:
        return True
    return cop_permissions.can_post(user, community)


def can_manage_event(user, event) -> bool:
    """Organiser rights: edit, cancel, see attendees, mark attendance, publish the follow-up."""
    if _is_staff(user):
        return True
    if event.community_id is None:
        return False
    return cop_permissions.can_manage(user, event.community)


def can_organise_in(user, community) -> bool:
    """May the user create events for, and subscribe feeds into, this community?"""
    return _is_staff(user) or cop_permissions.can_manage(user, community)


def organisable_communities(user) -> QuerySet:
    """Communities whose events the user may organise (for the event form's choices)."""
    communities = cop_permissions.readable_communities(user) if user.is_authenticated else None
    if communities is None:
        return cop_permissions.visible_communities(user).none()
    if _is_staff(user):
        return cop_permissions.visible_communities(user)
    managed = Membership.objects.filter(
        user=user, status=MembershipStatus.ACTIVE, role=Role.FACILITATOR
    ).values("community_id")
    return cop_permissions.visible_communities(user).filter(pk__in=managed)


def visible_events_q(user, prefix: str = "") -> Q:
    """A filter keeping events of communities the user may read (and events with no community)."""
    readable = cop_permissions.readable_communities(user).values("pk")
    return Q(**{f"{prefix}community__isnull": True}) | Q(**{f"{prefix}community__in": readable})


def is_public_event(event) -> bool:
    """Readable by anyone, so it may appear in the public feeds."""
    return event.community_id is None or event.community.visibility == Visibility.PUBLIC


def can_see_online_link(user, event, registration=None) -> bool:
    """The one rule for the join link (and its instructions), asked by the event page, "My events",
    the event's .ics, the personal feed, every e-mail and each reminder at send time: the event's
    organisers, and a registrant whose seat is confirmed (not merely offered) and who may still see the
    event (a former member of a members-only community may not). `registration` is the user's own."""
    if user is None or not user.is_authenticated or not user.is_active or not event.online_url:
        return False
    if can_manage_event(user, event):
        return True
    return (
        registration is not None
        and registration.user_id == user.pk
        and registration.status == RegistrationStatus.REGISTERED
        and can_view_event(user, event)
    )


def may_keep_registration(user, event) -> bool:
    """May the user stay registered (or waiting) for this event? As long as they could register for it
    (whether or not it is published just now): when a membership ends or an account is deactivated,
    the registrations this refuses are cancelled (events.services.registrations_end_for_lost_access)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if event.community_id is None:
        return True
    if not cop_permissions.can_view(user, event.community):
        return False
    return is_public_event(event) or cop_permissions.can_post(user, event.community)
