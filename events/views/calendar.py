"""The calendar's address (events:calendar): served by its page (events.models.index.EventIndexPage,
through Wagtail). A site whose home page has no calendar page yet (no event was made, no demo seeded)
gets it on the first visit, instead of a "page not found"."""

from django.http import Http404
from wagtail import views as wagtail_views

from events.models import EventIndexPage
from events.services import events_index
from events.services.exceptions import EventError

CALENDAR_PATH = "events/"


def calendar(request):
    try:
        return wagtail_views.serve(request, CALENDAR_PATH)
    except Http404:
        if EventIndexPage.objects.exists():
            raise
    try:
        events_index()
    except EventError:
        raise Http404 from None
    # The request keeps its site (with its root page as it was before the new child) and Wagtail's
    # route: both are found again, now that the page is there.
    for kept in ("_wagtail_route_for_request", "_wagtail_site"):
        if hasattr(request, kept):
            delattr(request, kept)
    return wagtail_views.serve(request, CALENDAR_PATH)
