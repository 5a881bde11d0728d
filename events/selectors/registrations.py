"""A user's registrations ("My events") and an occurrence's attendees."""

from django.utils import timezone

from events import permissions
from events.models.occurrences import Occurrence
from events.models.registration import ACTIVE, Registration, RegistrationStatus


def with_my_registrations(user, occurrences: list[Occurrence]) -> list[Occurrence]:
    """Sets `my_registration` on each occurrence in one query (None for anonymous visitors)."""
    mine = {}
    if user.is_authenticated and occurrences:
        mine = {
            r.occurrence_id: r
            for r in Registration.objects.filter(user=user, occurrence__in=occurrences, status__in=ACTIVE)
        }
    for occurrence in occurrences:
        occurrence.my_registration = mine.get(occurrence.pk)
    return occurrences


def my_registrations(user, *, now=None, past: bool = False) -> list[Registration]:
    """The user's registrations for events they may still see ("My events"), upcoming or past; each
    upcoming one carries `show_online_link` (permissions.can_see_online_link)."""
    now = now or timezone.now()
    qs = Registration.objects.filter(
        permissions.visible_events_q(user, prefix="occurrence__event__"),
        user=user,
        occurrence__event__live=True,
    ).select_related("occurrence", "occurrence__event", "occurrence__event__community")
    if past:
        qs = qs.filter(status=RegistrationStatus.REGISTERED, occurrence__end_utc__lte=now)
        return list(qs.order_by("-occurrence__start_utc")[:100])
    registrations = list(
        qs.filter(status__in=ACTIVE, occurrence__end_utc__gt=now).order_by("occurrence__start_utc")[:200]
    )
    for registration in registrations:
        registration.show_online_link = permissions.can_see_online_link(
            user, registration.occurrence.event, registration
        )
    return registrations


def attendees(occurrence: Occurrence) -> list[Registration]:
    return list(
        occurrence.registrations.filter(status__in=ACTIVE)
        .select_related("user")
        .order_by("status", "waitlisted_at", "created_at", "pk")
    )
