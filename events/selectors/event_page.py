"""What an event page shows: its occurrences with seats left, the viewer's registration and join link,
speakers, the live room, and the "add to calendar" links.

The page's parts that are the same for many viewers are cached fragments (cop.fragments), keyed on the
event's version (`event_scope`: replaced at once, and again after commit, whenever the event page, one
of its occurrences, registrations, speakers or partners is saved or deleted: events.signals), the
language, the viewer's time zone and what else each shows: the header on the communities' version, the
facts on the vocabularies', the body (follow-up, description, agenda, speakers) on the documents' and
the speakers' own versions (cop.network.fragments.person_scope) and whether the viewer is a superuser or
one of the speakers (who may see an unlisted speaker's profile), the header and body also on the "events"
scope (replaced when pages move: their links); a date on the kind of viewer (signed
in, may register, may manage) and whether registration is open, it has started or it is past. A date
the viewer is registered for (or waiting, or offered a seat) is rendered for them on each request, as
are the join link, the live room and the organiser tools."""

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from cop.fragments import FRAGMENT_SECONDS, render_many, render_one, scope_versions
from cop.permissions import can_see_profile
from events import permissions
from events.calendar_links import google_calendar_url, outlook_calendar_url
from events.expressible import EventNotExpressible, check_expressible
from events.fragments import (
    DOCUMENTS_SCOPE,
    EVENTS_SCOPE,
    VOCABULARIES_SCOPE,
    data_key,
    event_scope,
    registrations_scope,
)
from events.models.occurrences import Occurrence
from events.models.registration import ACTIVE, SEAT_HOLDING, Registration, RegistrationStatus
from forums.live.selectors import room_for_event_ref

MAX_SHOWN = 60


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
    return list(qs[:MAX_SHOWN])


def largest_registered_count(event) -> int:
    """The most seats held at any one upcoming occurrence (a capacity may not go below it)."""
    result = (
        event.occurrences.filter(end_utc__gt=timezone.now())
        .annotate(held=Count("registrations", filter=Q(registrations__status__in=SEAT_HOLDING)))
        .aggregate(most=Max("held"))
    )
    return result["most"] or 0


class Dated(NamedTuple):  # kept in the cache (EventShape): a tuple is read back faster than a dataclass
    pk: int
    start_utc: datetime
    end_utc: datetime


@dataclass(frozen=True, slots=True)
class EventShape:
    """What an event page needs to know before its fragments: its dates (not detached, by start), the
    members among its speakers, and whether its stored dates can be shown at all."""

    version: str
    dates: tuple[Dated, ...]
    speaker_members: tuple[int, ...]
    expressible: bool


def event_shape(event) -> EventShape:
    """Kept per version of the event (event_scope)."""
    (version,) = scope_versions(event_scope(event.pk))
    key = data_key("event-shape", event.pk, version)
    shape = cache.get(key)
    if shape is None:
        occurrences = list(event.occurrences.order_by("start_utc", "pk"))
        try:
            check_expressible(event, occurrences)
            expressible = True
        except EventNotExpressible:
            expressible = False
        shape = EventShape(
            version=version,
            dates=tuple(
                Dated(occ.pk, occ.start_utc, occ.end_utc) for occ in occurrences if not occ.is_detached
            ),
            speaker_members=tuple(
                event.speakers.filter(member__isnull=False).values_list("member_id", flat=True)
            ),
            expressible=expressible,
        )
        cache.set(key, shape, FRAGMENT_SECONDS)
    return shape


def my_event_registrations(user, event) -> list[Registration]:
    """The user's active registrations for the event's dates: kept per version of the user's
    registrations (events.fragments.registrations_scope)."""
    (version,) = scope_versions(registrations_scope(user.pk))
    key = data_key("event-registrations", user.pk, version, event.pk)
    registrations = cache.get(key)
    if registrations is None:
        registrations = list(
            Registration.objects.filter(user=user, occurrence__event=event, status__in=ACTIVE)
        )
        cache.set(key, registrations, FRAGMENT_SECONDS)
    return registrations


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


def _with_deferred(event):
    """The event with the columns its page was read without (EventPage.route_deferred_fields) loaded in
    one query, not one per column."""
    if deferred := event.get_deferred_fields():
        event.refresh_from_db(fields=sorted(deferred))
    return event


def _prepared(event, occurrences, now) -> None:
    for occ in occurrences:
        capacity = event.capacity
        occ.seats_left = None if capacity is None else max(capacity - occ.seats_taken, 0)
        occ.is_past = occ.end_utc <= now
        occ.has_started = occ.start_utc <= now
        occ.google_url = google_calendar_url(occ)
        occ.outlook_url = outlook_calendar_url(occ)
        occ.my_registration = None


def _occurrences_html(request, event, shown, mine, context, versions, now) -> SafeString:
    """Each date's `<li>`: cached per kind of viewer when the viewer holds no registration for it,
    else rendered for them."""
    loaded = {}

    def load(_dates=None):
        if not loaded:
            occurrences = event_occurrences(event, now=now, include_past=context["can_manage"])
            _prepared(event, occurrences, now)
            loaded.update((occ.pk, occ) for occ in occurrences)

    def render(dated, registration=None):
        load()
        occ = loaded.get(dated.pk)
        if occ is None:  # gone since the dates were read: the next request has a new version
            return ""
        occ.my_registration = registration
        return render_to_string(
            "events/includes/event_occurrence.html", {**context, "occ": occ}, request=request
        )

    kind = (
        request.user.is_authenticated,
        context["can_register"],
        context["can_manage"],
        context["registration_open"],
        request.path,
    )
    # What every date's key names, joined once for the list.
    common = "|".join(map(str, (event.pk, *versions, timezone.get_current_timezone_name(), *kind)))

    def parts(dated):
        return (common, dated.pk, dated.start_utc <= now, dated.end_utc <= now)

    def dates_html():
        shared = [dated for dated in shown if dated.pk not in mine]
        cached = iter(render_many("event-occurrence", shared, parts=parts, prepare=load, render=render))
        html = [render(dated, mine[dated.pk]) if dated.pk in mine else next(cached) for dated in shown]
        return mark_safe("\n".join(html))  # noqa: S308 - our own rendered templates

    if mine:
        return dates_html()
    # No date of the viewer's own: the dates are one fragment, keyed on what each date's key names (one
    # cache read instead of one per date).
    return render_one(
        "event-occurrences",
        *(part for dated in shown for part in parts(dated)[1:]),
        common,
        render=dates_html,
    )


def event_page_context(request, event, shape: EventShape | None = None, *, now=None) -> dict:
    """Everything an event page shows (the shared parts as cached fragments), in a bounded number of
    queries: none beyond the viewer's registrations and permissions once the fragments are cached."""
    # Imported here: they build querysets when loaded (filter sets), and this module is loaded with
    # the models (events.models.pages).
    from cop.network.fragments import person_scope
    from cop.site_sections import COMMUNITIES_SCOPE

    user = request.user
    now = now or timezone.now()
    shape = shape or event_shape(event)
    can_manage = permissions.can_manage_event(user, event)
    dates = shape.dates if can_manage else [dated for dated in shape.dates if dated.end_utc > now]
    shown = list(dates[:MAX_SHOWN])
    mine = {}
    if user.is_authenticated and shown:
        shown_ids = {dated.pk for dated in shown}
        mine = {
            registration.occurrence_id: registration
            for registration in my_event_registrations(user, event)
            if registration.occurrence_id in shown_ids
        }
    upcoming_mine = [mine[dated.pk] for dated in shown if dated.pk in mine and dated.end_utc > now]
    show_online_link = any(
        permissions.can_see_online_link(user, event, registration) for registration in [None, *upcoming_mine]
    )
    any_upcoming = any(dated.end_utc > now for dated in shown)
    context = {
        "page": event,
        "user": user,
        "can_manage": can_manage,
        "can_register": permissions.can_register(user, event),
        "registration_open": event.registration_is_open(now),
    }
    versions = scope_versions(
        event_scope(event.pk),
        EVENTS_SCOPE,
        COMMUNITIES_SCOPE,
        VOCABULARIES_SCOPE,
        DOCUMENTS_SCOPE,
        *(person_scope(member) for member in shape.speaker_members),
    )
    event_version, events_version, communities, vocabularies, documents, *people = versions
    if user.is_authenticated and user.is_superuser:
        speaker_kind = "superuser"
    elif user.is_authenticated and user.pk in shape.speaker_members:
        speaker_kind = f"speaker:{user.pk}"
    else:
        speaker_kind = ""
    return {
        **context,
        "occurrences": shown,
        "occurrences_html": _occurrences_html(
            request, event, shown, mine, context, (event_version, vocabularies), now
        ),
        "header_html": render_one(
            "event-header",
            event.pk,
            event_version,
            communities,
            events_version,  # pages moved: the community's address (events.sections)
            render=lambda: render_to_string(
                "events/includes/event_header.html", {"page": event}, request=request
            ),
        ),
        "body_html": render_one(
            "event-body",
            event.pk,
            event_version,
            events_version,  # pages moved: the follow-up's and description's links to pages
            documents,
            *people,
            speaker_kind,
            render=lambda: render_to_string(
                "events/includes/event_body.html",
                {"page": _with_deferred(event), "speakers": _speakers(user, event)},
            ),
        ),
        "facts_html": render_one(
            "event-facts",
            event.pk,
            event_version,
            vocabularies,
            render=lambda: render_to_string(
                "events/includes/event_facts.html",
                {
                    "page": event,
                    "partners": list(event.partners.all()),
                    "working_languages": list(event.working_languages.all()),
                    "interpretation_languages": list(event.interpretation_languages.all()),
                    "gbf_targets": list(event.gbf_targets.all()),
                    "tags": list(event.tags.all()),
                },
            ),
        ),
        "show_online_link": show_online_link,
        "seat_offered": any(r.status == RegistrationStatus.OFFERED for r in upcoming_mine),
        "is_over": bool(shown) and not any_upcoming,
        "live_room": _live_room(event),
        "breadcrumbs": [
            {"title": str(_("Events")), "url": reverse("events:calendar")},
            {"title": event.title, "url": ""},
        ],
    }
