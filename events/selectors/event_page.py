"""What an event page shows: its occurrences with seats left, the viewer's registration and join link,
speakers, the live room, and the "add to calendar" links."""

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cop.permissions import can_see_profile
from events import permissions
from events.calendar_links import google_calendar_url, outlook_calendar_url
from events.models.occurrences import Occurrence
from events.models.registration import SEAT_HOLDING, RegistrationStatus
from events.selectors.registrations import with_my_registrations
from forums.live.selectors import room_for_event_ref


def event_occurrences(event, *, now=None, include_past=False) -> list[Occurrence]:
    """The occurrences shown on an event page, with seat counts annotated."""
    now = now or timezone.now()
    qs = event.occurrences.filter(is_detached=False)
    if not include_past:
        qs = qs.filter(end_utc__gt=now)
    qs = qs.annotate(
        seats_taken=Count("registrations", filter=Q(registrations__status__in=SEAT_HOLDING)),
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
    ).order_by("start_utc")
    return list(qs[:60])


def largest_registered_count(event) -> int:
    """The most seats held at any one upcoming occurrence (a capacity may not go below it)."""
    result = (
        event.occurrences.filter(end_utc__gt=timezone.now())
        .annotate(held=Count("registrations", filter=Q(registrations__status__in=SEAT_HOLDING)))
        .aggregate(most=Max("held"))
    )
    return result["most"] or 0


def _live_room(event):
    """The event's live discussion room (forums.live), if it has one."""
    if not event.live_discussion:
        return None
    return room_for_event_ref(f"event:{event.pk}")


def _speakers(user, event) -> list:
    """Speakers, with a link to the member's profile where the viewer may see it."""
    speakers = list(event.speakers.select_related("member"))
    for speaker in speakers:
        member = speaker.member
        speaker.profile_url = (
            reverse("cop_network:profile", args=[member.pk])
            if member is not None and can_see_profile(user, member)
            else ""
        )
    return speakers


def event_page_context(user, event, *, now=None) -> dict:
    """Everything an event page shows, in a bounded number of queries."""
    now = now or timezone.now()
    can_manage = permissions.can_manage_event(user, event)
    occurrences = event_occurrences(event, now=now, include_past=can_manage)
    upcoming_occurrences = [occ for occ in occurrences if occ.end_utc > now]
    with_my_registrations(user, occurrences)
    for occ in occurrences:
        capacity = event.capacity
        occ.seats_left = None if capacity is None else max(capacity - occ.seats_taken, 0)
        occ.is_past = occ.end_utc <= now
        occ.has_started = occ.start_utc <= now
        occ.google_url = google_calendar_url(occ)
        occ.outlook_url = outlook_calendar_url(occ)
    mine = [occ.my_registration for occ in upcoming_occurrences if occ.my_registration is not None]
    show_online_link = any(
        permissions.can_see_online_link(user, event, registration) for registration in [None, *mine]
    )
    next_occurrence = upcoming_occurrences[0] if upcoming_occurrences else None
    return {
        "occurrences": occurrences,
        "upcoming_occurrences": upcoming_occurrences,
        "next_occurrence": next_occurrence,
        "can_manage": can_manage,
        "can_register": permissions.can_register(user, event),
        "registration_open": event.registration_is_open(now),
        "show_online_link": show_online_link,
        "seat_offered": any(r.status == RegistrationStatus.OFFERED for r in mine),
        "speakers": _speakers(user, event),
        "partners": list(event.partners.all()),
        "working_languages": list(event.working_languages.all()),
        "interpretation_languages": list(event.interpretation_languages.all()),
        "gbf_targets": list(event.gbf_targets.all()),
        "tags": list(event.tags.all()),
        "is_over": bool(occurrences) and not upcoming_occurrences,
        "live_room": _live_room(event),
        "breadcrumbs": [
            {"title": str(_("Events")), "url": reverse("events:calendar")},
            {"title": event.title, "url": ""},
        ],
    }
