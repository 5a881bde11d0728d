"""The calendar of all events: one page under the home page that serves its own listing (upcoming,
month, week, past, with filters) at its address, through its index route (Wagtail's RoutablePageMixin).
The other addresses under it (registration, feeds, organisers' pages) are events.urls'."""

import calendar as pycalendar
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page, PageViewRestriction

from cop.fragments import FRAGMENT_SECONDS, scope_versions
from cop.models import Visibility
from events.models.choices import EventType
from events.years import EARLIEST_YEAR, LATEST_YEAR

VIEWS = ("upcoming", "month", "week", "past")

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
    """The request's query with `overrides` (None: left out), in its order, as QueryDict.urlencode
    writes it; without copying the QueryDict (four links a calendar request)."""
    pairs = []
    for key, values in request.GET.lists():
        if key not in overrides:
            pairs.extend((key, value) for value in values)
        elif overrides[key] is not None:
            pairs.append((key, overrides[key]))
    pairs.extend(
        (key, value) for key, value in overrides.items() if value is not None and key not in request.GET
    )
    return urlencode(pairs)


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


class EventIndexPage(RoutablePageMixin, Page):
    """The calendar of all events (its address is also named events:calendar)."""

    intro = models.TextField(gettext_lazy("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count = 1
    template = "events/calendar.html"

    class Meta:
        verbose_name = gettext_lazy("events calendar")

    def get_view_restrictions(self):
        """Wagtail's view restrictions of this page and its ancestors, which Wagtail's hook checks
        against each request: their ids kept per place of the page and version of the restrictions
        (events.signals replaces it when a view restriction is saved or deleted or a page moves), so a
        calendar without any asks nothing (Wagtail reads the ancestors and the restrictions: two
        statements a visit); the restrictions there are read afresh."""
        from events.fragments import VIEW_RESTRICTIONS_SCOPE, data_key  # it imports events.models: a cycle

        (version,) = scope_versions(VIEW_RESTRICTIONS_SCOPE)
        key = data_key("calendar-view-restrictions", self.pk, self.path, version)
        ids = cache.get(key)
        if ids is None:
            ids = list(super().get_view_restrictions().values_list("pk", flat=True))
            cache.set(key, ids, FRAGMENT_SECONDS)
        if not ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(pk__in=ids)

    @path("", name="calendar")
    def calendar(self, request):
        """The events calendar: upcoming list, month grid, week agenda or past archive, with filters."""
        # Imported here, not above: this module is loaded with the models, and these modules sit above
        # them (each imports events.models: a cycle at load time). The calendar's FilterSet (cop.filters)
        # also builds querysets when its class is defined: at the top, AppRegistryNotReady.
        from events.filters import CalendarFilter  # apps not loaded yet when events.models is imported
        from events.fragments import render_items, render_occurrences  # it imports events.models: a cycle
        from events.selectors import calendar as calendar_selectors  # it imports events.filters (above)
        from events.templatetags.events_tags import CALENDAR_PARAMETERS  # via events.fragments: a cycle

        view = request.GET.get("view", "upcoming")
        view = view if view in VIEWS else "upcoming"
        communities = calendar_selectors.readable_communities(request.user)
        # Without filter parameters the filter form is cached (events_tags.calendar_filters): the
        # filter set is built only when it is rendered.
        filtered = bool(set(request.GET) - CALENDAR_PARAMETERS)

        def filter_set():
            return CalendarFilter(request.GET or None, user=request.user, communities=communities)

        filterset = filter_set() if filtered else None
        if filterset is not None and (invalid := filterset.invalid_labels()):
            messages.warning(
                request,
                _("These filters are not valid and were ignored: %(filters)s.")
                % {"filters": ", ".join(invalid)},
            )
        filters = filterset.valid_values() if filterset is not None else {}
        today = timezone.localdate()
        context = {
            "view": view,
            "filters": filterset,
            "filter_set": filter_set,
            "event_types": EventType.choices,
            "today": today,
            "current_tz": timezone.get_current_timezone_name(),
            "filter_communities": [(c.pk, c.title) for c in communities],
        }
        if view == "month":
            year, month = _parse_month(request.GET.get("month", ""), today)
            first = date(year, month, 1)
            previous = (first - timedelta(days=1)).replace(day=1) if first > FIRST_DAY else None
            following = (
                (first + timedelta(days=32)).replace(day=1) if year < LATEST_YEAR or month < 12 else None
            )
            weeks = calendar_selectors.month_grid(request.user, year, month, filters)
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
                days=calendar_selectors.week_days(request.user, monday, filters),
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
            occurrences = calendar_selectors.past(
                request.user, filters, limit=31, offset=(page_number - 1) * 30
            )
            context.update(
                list_html=render_occurrences(occurrences[:30]),
                page_number=page_number,
                next_query=_filter_query(request, page=str(page_number + 1))
                if len(occurrences) > 30 and page_number < MAX_PAST_PAGES
                else "",
            )
        elif filters:
            context["list_html"] = render_occurrences(
                calendar_selectors.upcoming(request.user, filters, limit=40)
            )
        else:
            entries = calendar_selectors.upcoming_listed(request.user, [c.pk for c in communities], limit=40)
            statuses = calendar_selectors.registration_statuses(request.user, [e.pk for e in entries])
            context["list_html"] = render_items(entries, statuses=statuses)
        context["view_queries"] = {name: _filter_query(request, view=name, page=None) for name in VIEWS}
        context["feed_url"] = _subscribable_feed_url(filters, communities)
        return self.render(request, context_overrides=context)
