"""The calendar (upcoming, month, week, past, with filters) and the user's own events and feed address."""

import calendar as pycalendar
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop import permissions as cop_permissions
from cop.models import Visibility
from events import selectors, services
from events.filters import CalendarFilter
from events.models import (
    CalendarToken,
    EventIndexPage,
    EventType,
)
from events.validation import EARLIEST_YEAR, LATEST_YEAR

VIEWS = ("upcoming", "month", "week", "past")


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
        if community is not None and community.visibility == Visibility.PUBLIC:
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
