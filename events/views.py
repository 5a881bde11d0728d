"""Views for the calendar, registration, feeds and organisers' pages. They parse input, ask
events.permissions, call selectors or services and render; a refused action (cop.errors.DomainError)
becomes the refused page at the edge (cop.edge), or a message on a form shown again."""

import calendar as pycalendar
import csv
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop import permissions as cop_permissions
from cop.errors import DomainError, Forbidden
from cop.models import CommunityPage
from events import ical, permissions, selectors, services
from events.filters import CalendarFilter
from events.forms import (
    CancelEventForm,
    EventForm,
    FollowupForm,
    ImportedFeedForm,
    RegistrationForm,
)
from events.models import (
    CalendarToken,
    EventIndexPage,
    EventPage,
    EventType,
    ImportedFeed,
    Occurrence,
    Registration,
)
from events.tasks import OFFER_SALT
from events.validation import EARLIEST_YEAR, LATEST_YEAR

VIEWS = ("upcoming", "month", "week", "past")
OFFER_MAX_AGE = 60 * 60 * 24 * 31


def _crumbs(*items) -> list[dict]:
    """Events > … for the pages below the calendar."""
    return [{"title": _("Events"), "url": reverse("events:calendar")}] + [
        {"title": title, "url": url} for title, url in items
    ]


def _next_url(request, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and not candidate.startswith("//"):
        return candidate
    return fallback


def _ics_response(body: bytes, filename: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=900"
    return response


# Calendar ----


# The calendar shows the years events may take place in (events.validation); navigation stops there.
FIRST_DAY = date(EARLIEST_YEAR, 1, 1)
LAST_DAY = date(LATEST_YEAR, 12, 31)
MAX_PAST_PAGES = 1000


def _is_number(value: str, *, digits: int) -> bool:
    """ASCII digits only (str.isdigit also takes "²"), and not more of them than `digits`."""
    return value.isascii() and value.isdigit() and len(value) <= digits


def _clamp_day(day: date) -> date:
    return min(max(day, FIRST_DAY), LAST_DAY)


def _parse_month(value: str, today: date) -> tuple[int, int]:
    """`YYYY-MM` within the calendar's years (clamped to them); anything else is this month."""
    year_text, _dash, month_text = value.partition("-")
    if _is_number(year_text, digits=6) and _is_number(month_text, digits=2) and 1 <= int(month_text) <= 12:
        return min(max(int(year_text), EARLIEST_YEAR), LATEST_YEAR), int(month_text)
    return today.year, today.month


def _parse_week(value: str, today: date) -> date:
    """The Monday of the week holding the ISO date `value` (clamped to the calendar's years)."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = today
    day = _clamp_day(day)
    return max(day - timedelta(days=day.weekday()), FIRST_DAY)


def _parse_page(value: str) -> int:
    """A page of the past events: a bad number is the first page, a large one the last we show."""
    if not _is_number(value, digits=9):
        return 1
    return min(max(int(value), 1), MAX_PAST_PAGES)


def _filter_query(request, **overrides) -> str:
    params = request.GET.copy()
    for key, value in overrides.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


def calendar(request):
    """The events calendar: upcoming list, month grid, week agenda or past archive, with filters."""
    view = request.GET.get("view", "upcoming")
    view = view if view in VIEWS else "upcoming"
    communities = list(
        cop_permissions.readable_communities(request.user).only("pk", "title").order_by("title")
    )
    filterset = CalendarFilter(request.GET or None, user=request.user, communities=communities)
    if invalid := filterset.invalid_labels():
        messages.warning(
            request,
            _("These filters are not valid and were ignored: %(filters)s.") % {"filters": ", ".join(invalid)},
        )
    filters = filterset.valid_values()
    today = timezone.localdate()
    context = {
        "page": EventIndexPage.objects.first(),
        "view": view,
        "filters": filterset,
        "filter_form": filterset.form,
        "event_types": EventType.choices,
        "today": today,
        "current_tz": timezone.get_current_timezone_name(),
    }
    if view == "month":
        year, month = _parse_month(request.GET.get("month", ""), today)
        first = date(year, month, 1)
        previous = (first - timedelta(days=1)).replace(day=1) if first > FIRST_DAY else None
        following = (first + timedelta(days=32)).replace(day=1) if year < LATEST_YEAR or month < 12 else None
        weeks = selectors.month_grid(request.user, year, month, filters)
        context.update(
            weeks=weeks,
            month_start=first,
            weekday_names=[pycalendar.day_name[(i) % 7] for i in range(7)],
            previous_query=_filter_query(request, month=f"{previous:%Y-%m}") if previous else "",
            next_query=_filter_query(request, month=f"{following:%Y-%m}") if following else "",
            month_has_events=any(day.occurrences for week in weeks for day in week),
        )
    elif view == "week":
        monday = _parse_week(request.GET.get("week", ""), today)
        context.update(
            days=selectors.week_days(request.user, monday, filters),
            monday=monday,
            sunday=monday + timedelta(days=6),
            previous_query=_filter_query(request, week=(monday - timedelta(days=7)).isoformat())
            if monday > FIRST_DAY
            else "",
            next_query=_filter_query(request, week=(monday + timedelta(days=7)).isoformat())
            if monday + timedelta(days=7) <= LAST_DAY
            else "",
        )
    elif view == "past":
        page_number = _parse_page(request.GET.get("page", "1"))
        occurrences = selectors.past(request.user, filters, limit=31, offset=(page_number - 1) * 30)
        context.update(
            occurrences=occurrences[:30],
            page_number=page_number,
            next_query=_filter_query(request, page=str(page_number + 1))
            if len(occurrences) > 30 and page_number < MAX_PAST_PAGES
            else "",
        )
    else:
        context["occurrences"] = selectors.upcoming(request.user, filters, limit=40)
    context["view_queries"] = {name: _filter_query(request, view=name, page=None) for name in VIEWS}
    context["feed_url"] = _subscribable_feed_url(filters, communities)
    return render(request, "events/calendar.html", context)


def _subscribable_feed_url(filters: dict, communities) -> str:
    """The feed of what the valid filters show, when there is one to subscribe to."""
    if filters.get("community"):
        community = next((c for c in communities if str(c.pk) == filters["community"]), None)
        if community is not None and community.visibility == "public":
            return reverse("events:feed_community", args=[community.slug])
        return ""
    if filters.get("type"):
        return reverse("events:feed_type", args=[filters["type"]])
    if filters.get("tag"):
        return reverse("events:feed_tag", args=[filters["tag"]])
    return reverse("events:feed_site")


@login_required
def my_events(request):
    """The user's registrations and waiting-list places, past attendance and personal feed."""
    token = CalendarToken.objects.filter(user=request.user).first()
    return render(
        request,
        "events/my_events.html",
        {
            "registrations": selectors.my_registrations(request.user),
            "past_registrations": selectors.my_registrations(request.user, past=True),
            "personal_feed_url": request.build_absolute_uri(
                reverse("events:feed_personal", args=[token.token])
            )
            if token
            else "",
        },
    )


@login_required
@require_POST
def calendar_token(request):
    """Creates, replaces or revokes the secret address of the personal feed."""
    if request.POST.get("action") == "revoke":
        services.calendar_token_revoke(user=request.user)
        messages.success(request, _("Your personal calendar address no longer works."))
    else:
        services.calendar_token_rotate(user=request.user)
        messages.success(
            request, _("Your personal calendar has a new secret address; the old one stopped working.")
        )
    return redirect("events:my_events")


# Registration ----


def _occurrence_for(request, pk: int) -> Occurrence:
    occurrence = get_object_or_404(Occurrence.objects.select_related("event", "event__community"), pk=pk)
    if not permissions.can_view_event(request.user, occurrence.event):
        raise Http404
    return occurrence


def register(request, pk: int):
    """Shows the registration questions (GET) and registers (POST) for one occurrence."""
    occurrence = _occurrence_for(request, pk)
    event = occurrence.event
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={event.url}")
    questions = list(event.questions.all())
    form = RegistrationForm(request.POST if request.method == "POST" else None, questions=questions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = services.event_register(
                    user=request.user, occurrence_id=occurrence.pk, answers=form.answers()
                )
            except services.EventError as error:
                messages.error(request, error.message)
                return render(
                    request,
                    "events/register.html",
                    {
                        "occurrence": occurrence,
                        "event": event,
                        "form": form,
                        "breadcrumbs": _crumbs((event.title, event.url)),
                    },
                    status=error.status,
                )
            if registration.status == "waitlisted":
                messages.success(
                    request,
                    _(
                        "The event is full: you are on the waiting list. We will e-mail you if a seat frees up."
                    ),
                )
            else:
                messages.success(
                    request, _("You are registered. A confirmation is on its way to your inbox.")
                )
            return HttpResponseRedirect(event.url)
        status = 400
    return render(
        request,
        "events/register.html",
        {
            "occurrence": occurrence,
            "event": event,
            "form": form,
            "breadcrumbs": _crumbs((event.title, event.url)),
        },
        status=status,
    )


@login_required
@require_POST
def registration_cancel(request, pk: int):
    registration = get_object_or_404(
        Registration.objects.select_related("occurrence__event"), pk=pk, user=request.user
    )
    event = registration.occurrence.event
    services.registration_cancel(registration_id=registration.pk, user=request.user)
    messages.success(request, _("Your registration is cancelled."))
    return HttpResponseRedirect(_next_url(request, event.url))


@login_required
@require_POST
def registration_accept(request, pk: int):
    """Accepts a seat offer from the event page (signed-in participant)."""
    registration = get_object_or_404(
        Registration.objects.select_related("occurrence__event"), pk=pk, user=request.user
    )
    event = registration.occurrence.event
    services.offer_accept(registration_id=registration.pk)
    messages.success(request, _("The seat is yours: you are registered."))
    return HttpResponseRedirect(event.url)


def offer(request, token: str):
    """The link in a seat-offer e-mail: no login needed, the signed token is the proof. GET shows one
    button (link scanners in mail systems follow GET links, so only the POST acts)."""
    try:
        data = signing.loads(token, salt=OFFER_SALT, max_age=OFFER_MAX_AGE)
        registration = Registration.objects.select_related("occurrence__event", "user").get(pk=data["r"])
        action = data["a"]
    except (signing.BadSignature, KeyError, TypeError, Registration.DoesNotExist):
        raise DomainError(
            _("This link is not valid. Open the event page to see your registration.")
        ) from None
    event = registration.occurrence.event
    context = {
        "registration": registration,
        "event": event,
        "occurrence": registration.occurrence,
        "action": action,
    }
    if request.method == "POST":
        if action == "accept":
            services.offer_accept(registration_id=registration.pk)
            messages.success(request, _("The seat is yours: you are registered."))
        else:
            services.offer_release(registration_id=registration.pk)
            messages.success(request, _("Thank you: the seat goes to the next person waiting."))
        return HttpResponseRedirect(event.url)
    if registration.status != "offered":
        raise services.OfferExpired()
    return render(request, "events/offer.html", context)


# iCalendar ----


def event_ics(request, pk: int):
    """The .ics of one event (a series with its exceptions); the join link only for its participants."""
    event = get_object_or_404(EventPage.objects.live().select_related("community"), pk=pk)
    if not permissions.can_view_event(request.user, event):
        raise Http404
    mine = (
        Registration.objects.filter(occurrence__event=event, user=request.user, status="registered")
        if request.user.is_authenticated
        else []
    )
    online = any(permissions.can_see_online_link(request.user, event, r) for r in [None, *mine])
    event = EventPage.objects.prefetch_related("occurrences").get(pk=event.pk)
    # Stored data no calendar can hold raises ical.EventNotExpressible: said on the refused page, not a 500.
    body = ical.event_ics(event, online=online)
    return _ics_response(body, f"{event.slug}.ics", private=online)


def _feed(scope: str, events, name: str):
    """`events` builds the queryset only on a cache miss (Wagtail's .public() queries on creation)."""

    def build():
        return ical.feed_ics(selectors.feed_event_rows(events(), limit=ical.FEED_MAX_EVENTS), name=name)

    return _ics_response(ical.cached_feed(scope, build), f"{scope.replace(':', '-')}.ics")


class _Anonymous:
    is_authenticated = False
    is_superuser = False
    pk = None


def feed_site(request):
    return _feed(ical.SITE_SCOPE, selectors.feed_events, _("KM4B Communities events"))


def feed_community(request, slug: str):
    community = get_object_or_404(CommunityPage.objects.live(), slug=slug)
    # Calendar apps fetch feeds without cookies: a feed only ever holds what anyone may read.
    if not cop_permissions.can_view(_Anonymous(), community):
        raise Http404
    return _feed(
        ical.community_scope(community.pk),
        lambda: selectors.feed_events().filter(community=community),
        community.title,
    )


def feed_type(request, event_type: str):
    if event_type not in EventType.values:
        raise Http404
    label = EventType(event_type).label
    return _feed(
        ical.type_scope(event_type),
        lambda: selectors.feed_events().filter(event_type=event_type),
        f"KM4B: {label}",
    )


def feed_tag(request, tag: str):
    name = f"KM4B: {tag}"
    if not selectors.tag_has_public_events(tag):
        # A tag that no public event carries (made up, no longer used, or carried only by hidden or
        # members-only communities' events) gets an empty calendar, built without caching: requests for
        # made-up tags cannot fill the cache, a subscriber's calendar keeps working, and the answer is the
        # same whether or not a hidden event carries the tag.
        return _ics_response(ical.feed_ics([], name=name), f"{ical.tag_scope(tag).replace(':', '-')}.ics")
    return _feed(ical.tag_scope(tag), lambda: selectors.feed_events().filter(tags__slug=tag).distinct(), name)


def feed_personal(request, token: str):
    """The private feed of a user's registrations, join links included. The token is the only key."""
    calendar_token = CalendarToken.objects.select_related("user").filter(token=token).first()
    if calendar_token is None or not calendar_token.user.is_active:
        raise Http404
    user = calendar_token.user

    def build():
        registrations = selectors.feed_registrations(user)
        return ical.personal_ics(user, registrations, name=_("My KM4B events"))

    body = ical.cached_feed(ical.personal_scope(user.pk), build)
    return _ics_response(body, "my-km4b-events.ics", private=True)


# Organisers ----


@login_required
def attendees(request, pk: int):
    """The attendee list of one occurrence, attendance marking (POST) and the CSV export."""
    occurrence = get_object_or_404(Occurrence.objects.select_related("event", "event__community"), pk=pk)
    event = occurrence.event
    if not permissions.can_view_event(request.user, event):
        raise Http404
    if not permissions.can_manage_event(request.user, event):
        raise Forbidden(_("Only the event's organisers can see the attendee list."))
    if request.method == "POST":
        present = {int(value) for value in request.POST.getlist("present") if value.isdigit()}
        count = services.attendance_mark(occurrence=occurrence, present_ids=present, by=request.user)
        messages.success(request, _("Attendance saved: %(count)s present.") % {"count": count})
        return redirect("events:attendees", pk=occurrence.pk)
    registrations = selectors.attendees(occurrence)
    questions = list(event.questions.all())
    if request.GET.get("format") == "csv":
        return _attendees_csv(event, occurrence, registrations, questions)
    return render(
        request,
        "events/attendees.html",
        {
            "event": event,
            "occurrence": occurrence,
            "registrations": registrations,
            "questions": questions,
            "can_mark": occurrence.start_utc <= timezone.now(),
            "breadcrumbs": _crumbs((event.title, event.url)),
        },
    )


def _csv_safe(value) -> str:
    # Spreadsheet formula injection: a cell must not start with = + - @.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _attendees_csv(event, occurrence, registrations, questions):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{event.slug}-{occurrence.start_utc:%Y%m%d}-attendees.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [_("Name"), _("E-mail"), _("Status"), _("Registered at (UTC)"), _("Attended")]
        + [q.label for q in questions]
    )
    for registration in registrations:
        answers = registration.answers or {}
        attended = {True: _("yes"), False: _("no"), None: ""}[registration.attended]
        writer.writerow(
            [
                _csv_safe(registration.user.public_name),
                _csv_safe(registration.user.email),
                registration.get_status_display(),
                f"{registration.created_at:%Y-%m-%d %H:%M}",
                attended,
            ]
            + [_csv_safe(answers.get(str(q.pk), {}).get("answer", "")) for q in questions]
        )
    return response


def _apply_relations(form, page) -> None:
    """Languages, targets and tags are parental relations: set in memory, saved with the revision."""
    for name in ("working_languages", "interpretation_languages", "gbf_targets"):
        getattr(page, name).set(form.cleaned_data.get(name) or [])
    page.tags.set(form.tag_names())


@login_required
def event_new(request):
    """Front-end form to create an event, for the facilitators of a community (and staff)."""
    communities = permissions.organisable_communities(request.user)
    if not communities.exists():
        raise Forbidden(_("Only community facilitators can create events."))
    initial = {}
    if request.GET.get("community", "").isdigit():
        initial["community"] = request.GET["community"]
    form = EventForm(request.POST or None, communities=communities, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            page = form.instance
            _apply_relations(form, page)
            try:
                page = services.event_create(page=page, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The event is published."))
                return HttpResponseRedirect(page.url)
        return render(request, "events/event_form.html", {"form": form, "creating": True}, status=400)
    return render(request, "events/event_form.html", {"form": form, "creating": True})


@login_required
def event_edit(request, pk: int):
    event = get_object_or_404(EventPage.objects.select_related("community"), pk=pk)
    if not permissions.can_view_event(request.user, event):
        raise Http404
    if not permissions.can_manage_event(request.user, event):
        raise Forbidden(_("Only the event's organisers can edit it."))
    event = event.get_latest_revision_as_object()
    form = EventForm(
        request.POST or None, instance=event, communities=permissions.organisable_communities(request.user)
    )
    if request.method == "POST":
        if form.is_valid():
            page = form.instance
            _apply_relations(form, page)
            try:
                services.event_update(page=page, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The event is updated; registrants are told if its time changed.")
                )
                return HttpResponseRedirect(event.url)
        return render(request, "events/event_form.html", {"form": form, "event": event}, status=400)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "event": event, "breadcrumbs": _crumbs((event.title, event.url))},
    )


@login_required
def event_cancel(request, pk: int):
    event = get_object_or_404(EventPage.objects.select_related("community"), pk=pk)
    if not permissions.can_view_event(request.user, event):
        raise Http404
    if not permissions.can_manage_event(request.user, event):
        raise Forbidden(_("Only the event's organisers can cancel it."))
    form = CancelEventForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.event_cancel(event=event, reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, _("The event is cancelled and registrants are being told."))
            return HttpResponseRedirect(event.url)
        return render(request, "events/event_cancel.html", {"form": form, "event": event}, status=400)
    return render(
        request,
        "events/event_cancel.html",
        {"form": form, "event": event, "breadcrumbs": _crumbs((event.title, event.url))},
    )


@login_required
def event_followup(request, pk: int):
    """After the event: recording, slides, summary, and the follow-up discussion in the community."""
    event = get_object_or_404(EventPage.objects.select_related("community"), pk=pk)
    if not permissions.can_view_event(request.user, event):
        raise Http404
    if not permissions.can_manage_event(request.user, event):
        raise Forbidden(_("Only the event's organisers can publish the follow-up."))
    form = FollowupForm(
        request.POST or None,
        initial={"recording_url": event.recording_url, "slides_url": event.slides_url},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.event_followup_publish(
                    event=event,
                    by=request.user,
                    recording_url=form.cleaned_data["recording_url"],
                    slides_url=form.cleaned_data["slides_url"],
                    summary=form.cleaned_data["summary"],
                    open_thread=form.cleaned_data["open_thread"],
                )
            except services.EventError as error:
                form.add_error(None, error.message)
                return render(
                    request, "events/event_followup.html", {"form": form, "event": event}, status=error.status
                )
            messages.success(request, _("The follow-up is published and registrants are being told."))
            return HttpResponseRedirect(event.url)
        return render(request, "events/event_followup.html", {"form": form, "event": event}, status=400)
    return render(
        request,
        "events/event_followup.html",
        {"form": form, "event": event, "breadcrumbs": _crumbs((event.title, event.url))},
    )


# Imports ----


def _organised_community(request, pk: int) -> CommunityPage:
    community = get_object_or_404(CommunityPage.objects.live(), pk=pk)
    if not cop_permissions.can_see_listing(request.user, community):
        raise Http404
    return community


@login_required
def imports(request, community_id: int):
    """A community's subscriptions to partners' calendars, with each feed's latest reports."""
    community = _organised_community(request, community_id)
    if not permissions.can_organise_in(request.user, community):
        raise Forbidden(_("Only the community's facilitators can manage imported calendars."))
    form = ImportedFeedForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                feed = services.feed_subscribe(
                    community=community,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    url=form.cleaned_data["url"],
                    keep_local_edits=form.cleaned_data["keep_local_edits"],
                )
            except ValidationError as error:
                form.add_error("url", error)
            else:
                messages.success(request, _("Subscribed. The first import runs now; its report is below."))
                return redirect("events:import_feed", pk=feed.pk)
        status = 400
    else:
        status = 200
    feeds = list(community.imported_feeds.all())
    return render(
        request, "events/imports.html", {"community": community, "feeds": feeds, "form": form}, status=status
    )


@login_required
def import_feed(request, pk: int):
    feed = get_object_or_404(ImportedFeed.objects.select_related("community"), pk=pk)
    community = _organised_community(request, feed.community_id)
    if not permissions.can_organise_in(request.user, community):
        raise Forbidden(_("Only the community's facilitators can manage imported calendars."))
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "run":
            services.feed_run_soon(feed=feed)
            messages.success(request, _("The import is running; reload to see its report."))
        elif action == "toggle_keep":
            services.feed_update(feed=feed, keep_local_edits=not feed.keep_local_edits)
            messages.success(request, _("Saved."))
        elif action == "delete":
            services.feed_unsubscribe(feed=feed)
            messages.success(request, _("Unsubscribed. Events already imported stay until you remove them."))
            return redirect("events:imports", community_id=community.pk)
        elif action in ("confirm_removals", "keep_removed"):
            from django.utils.translation import ngettext

            from events import importer

            try:
                if action == "confirm_removals":
                    importer.feed_removals_confirm(feed=feed, by=request.user)
                    messages.success(
                        request,
                        _("The events no longer in the feed are being removed; reload to see the report."),
                    )
                else:
                    kept = importer.feed_removals_dismiss(feed=feed, by=request.user)
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s event was kept as the community's own event.",
                            "%(count)s events were kept as the community's own events.",
                            kept,
                        )
                        % {"count": kept},
                    )
            except DomainError as error:
                messages.error(request, error.message)
        return redirect("events:import_feed", pk=feed.pk)
    return render(
        request,
        "events/import_feed.html",
        {"feed": feed, "community": community, "reports": list(feed.reports.all()[:20])},
    )
