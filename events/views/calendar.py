"""The calendar's address (events:calendar): served by its page (events.models.index.EventIndexPage,
through Wagtail). A site whose home page has no calendar page yet (no event was made, no demo seeded)
gets it on the first visit, instead of a "page not found"."""

from django.http import Http404
from wagtail import views as wagtail_views
from wagtail.models import Site

from cop.prepared import PreparedGet
from events.models import EventIndexPage
from events.services import events_index
from events.services.exceptions import EventError

CALENDAR_SLUG = "events"
CALENDAR_PATH = f"{CALENDAR_SLUG}/"


# The calendar page's id by site root page id, per process: checked against the row read each time.
_KNOWN: dict[int, int] = {}
_BY_ID = PreparedGet(lambda pk: EventIndexPage.objects.filter(pk=pk))


def _calendar_page(root) -> EventIndexPage | None:
    """The calendar page under the site's root page: read by its id, compiled once (cop.prepared), when
    the row read is still that root's child with the calendar's slug; else (no id yet, a page moved,
    renamed or deleted) looked up by its place, and its id kept."""
    known = _KNOWN.get(root.pk)
    page = _BY_ID.get(known) if known is not None else None
    if (
        page is not None
        and page.depth == root.depth + 1
        and page.path.startswith(root.path)
        and page.slug == CALENDAR_SLUG
    ):
        return page
    page = (
        EventIndexPage.objects.filter(path__startswith=root.path, depth=root.depth + 1, slug=CALENDAR_SLUG)
        .order_by()
        .first()
    )
    if page is not None:
        if len(_KNOWN) >= 100:
            _KNOWN.clear()
        _KNOWN[root.pk] = page.pk
    return page


def _route(request) -> None:
    """Wagtail's route to the calendar page, found with one compiled query (Wagtail's routing reads the
    site's root page, its child by slug and that child's own row: three, each compiled anew): the
    calendar page under the site's root page with the calendar's slug, routed by its own `route` (it
    checks that the page is live and resolves its listing route). Anything else at that slug, or no
    page, is left to Wagtail's routing; Wagtail's serve then runs its hooks (view restrictions) as for
    any route."""
    site = Site.find_for_request(request)
    if site is None:
        return
    page = _calendar_page(site.root_page)
    if page is None:
        return
    try:
        request._wagtail_route_for_request = page.route(request, [])
    except Http404:
        request._wagtail_route_for_request = None


def calendar(request):
    _route(request)
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
