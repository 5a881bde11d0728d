"""Which Wagtail site and page answer a request, looked up once per process instead of once per page.

Wagtail finds the site of every page request with a query (hostname, port, default site, the root
page joined), which cost about a millisecond of each page's CPU. `WagtailSiteMiddleware` keeps the
answer per process, host and port under the version of the "wagtail-sites" scope (cop.fragments): a
site saved or deleted, or a site's root page saved, moved or deleted, replaces the version, and every
process looks the site up again. Each request gets its own copies of the site and its root page, so
nothing a request caches on them (Wagtail's `specific`) is seen by another.

Wagtail then routes the path one level at a time (a query for each child and one for each page's
specific row), and checks the view restrictions of the page and its ancestors (two more queries): on
the site home three statements, on a community's home six. `serve` keeps, per process, site root and
path, which page a plain route found (its id and class) and the ids of the view restrictions that
apply to it, under the version of the "wagtail-pages" scope, which any page saved (published,
unpublished, its slug changed...), moved or deleted, or any view restriction saved or deleted, replaces
at once and again after commit. A request then reads its page in one query (compiled once per page
class, without the wide columns the class names in `route_deferred_fields`); the restrictions are still
checked against each request by Wagtail's own hook (a page with none needs no query). A page that
serves sub-routes (RoutablePageMixin: the events calendar) is kept with the rest of the path, which its
own `route` resolves again on each request (no query: its URL patterns). Routes through a page class
with another `route` of its own are not kept: Wagtail routes them every time. An address no page
answers may be given its page on the first visit by the app owning it (the `make_page_on_first_visit`
hook: the events calendar)."""

import copy

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation
from wagtail import hooks
from wagtail import views as wagtail_views
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_unpublished, post_page_move
from wagtail.url_routing import RouteResult

from cop.fragments import scope_changed, scope_versions
from cop.prepared import PreparedGet

SITES_SCOPE = "wagtail-sites"
PAGES_SCOPE = "wagtail-pages"
ROUTES_KEPT = 5000  # per process; beyond it the table starts again (each entry is a few ids)
SITES_KEPT = 100  # per process: the Host header is the client's to choose (read before ALLOWED_HOSTS)

# (hostname, port) -> (scope version, site or None); replaced whole when the version moves.
_FOUND: dict[tuple, tuple] = {}
# The pages version the route table was filled under, and (root page id, language, path) ->
# (page class, page id, view restriction ids).
_ROUTES: dict = {"version": None, "routes": {}}
_PLAIN_ROUTES = (Page.route, RoutablePageMixin.route)
# page class -> its compiled lookup by id (a few classes: never grows with the data)
_READERS: dict[type, PreparedGet] = {}


def site_for_request(request) -> Site | None:
    """The request's Wagtail site (Site.find_for_request's answer), a fresh copy for this request."""
    version, pages_version = scope_versions(SITES_SCOPE, PAGES_SCOPE)
    request._km4b_pages_version = pages_version
    key = (request._get_raw_host(), request.get_port())
    found = _FOUND.get(key)
    if found is None or found[0] != version:
        site = Site._find_for_request(request)
        if site is not None:
            site.root_page  # noqa: B018 - joined by the lookup; loaded here if it was not
        if len(_FOUND) >= SITES_KEPT:
            _FOUND.clear()
        found = _FOUND[key] = (version, site)
    site = found[1]
    if site is None:
        return None
    own = copy.copy(site)
    own.root_page = copy.copy(site.root_page)
    return own


class WagtailSiteMiddleware:
    """Sets the site Wagtail's routing, settings and URLs read (`request._wagtail_site`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._wagtail_site = site_for_request(request)
        return self.get_response(request)


def serve(request, path):
    """Wagtail's page view (`wagtail_serve`), given the page from the route table when it holds it."""
    site = getattr(request, "_wagtail_site", None)
    version = getattr(request, "_km4b_pages_version", None)
    if site is not None and version is not None and not hasattr(request, "_wagtail_route_for_request"):
        if _ROUTES["version"] != version:
            _ROUTES["version"], _ROUTES["routes"] = version, {}
        key = (site.root_page_id, translation.get_language(), path)
        known = _ROUTES["routes"].get(key)
        page = _known_page(known) if known is not None else None
        if page is not None:
            model, _page_id, restriction_ids, rest = known
            if type(page).route is Page.route:
                request._wagtail_route_for_request = RouteResult(page)
            else:  # a routable page resolves its sub-route again (and sets what its views read on the request)
                request._wagtail_route_for_request = page.route(request, list(rest))
            _give_restrictions(page, restriction_ids)
        else:
            found = _route(request, site, path)
            if found is not None and _ROUTES["version"] == version:
                if len(_ROUTES["routes"]) >= ROUTES_KEPT:
                    _ROUTES["routes"] = {}
                _ROUTES["routes"][key] = found
    if Page.route_for_request(request, path) is None and _made_on_first_visit(request, path):
        for kept in ("_wagtail_route_for_request", "_wagtail_site"):  # found again, with the new page
            request.__dict__.pop(kept, None)
    return wagtail_views.serve(request, path)


def _made_on_first_visit(request, path: str) -> bool:
    """Whether an app made the page of this address now, on its first visit (the events calendar on a
    site without it): each `make_page_on_first_visit(request, path)` hook says whether it made one."""
    return any(make(request, path) for make in hooks.get_hooks("make_page_on_first_visit"))


def _page_reader(model) -> PreparedGet:
    """The lookup of a page of this class by id, compiled once per process and thread (cop.prepared:
    compiling the wide multi-table query cost more than running it), without the tree's ordering and
    without the columns the class names in `route_deferred_fields` (its wide bodies, which only its
    cached fragments show: loaded when one is rendered)."""
    reader = _READERS.get(model)
    if reader is None:
        deferred = tuple(getattr(model, "route_deferred_fields", ()))
        reader = _READERS[model] = PreparedGet(
            lambda pk: model.objects.filter(pk=pk).order_by().defer(*deferred)
        )
    return reader


def _known_page(known: tuple) -> Page | None:
    model, page_id, _restrictions, _rest = known
    page = _page_reader(model).get(page_id)
    return page if page is not None and page.live else None


def _give_restrictions(page: Page, restriction_ids: tuple) -> None:
    """Wagtail's view-restriction hook asks the page for the restrictions of it and its ancestors: the
    table's ids, read (with their groups, as Wagtail reads them) only when there are some."""
    if restriction_ids:
        page.get_view_restrictions = lambda: PageViewRestriction.objects.filter(pk__in=restriction_ids)
    else:
        page.get_view_restrictions = PageViewRestriction.objects.none


def _route(request, site: Site, path: str) -> tuple | None:
    """Routes the request Wagtail's way; returns the table entry when the route is a plain one: a page
    reached by its slugs through pages routing their children the default way, and either the page
    itself or one of its sub-routes (RoutablePageMixin)."""
    result = Page.route_for_request(request, path)
    if result is None:
        return None
    page = result.page
    root = site.root_page
    full_path = root.url_path + path
    if not full_path.startswith(page.url_path):
        return None
    rest = tuple(component for component in full_path[len(page.url_path) :].split("/") if component)
    if type(page).route is Page.route:
        if rest or result.args or result.kwargs:
            return None
    elif type(page).route is not RoutablePageMixin.route or result.kwargs or not result.args:
        return None
    ancestor_paths = [page.path[:end] for end in range(len(root.path), len(page.path), page.steplen)]
    ancestors = Page.objects.filter(path__in=ancestor_paths).specific(defer=True)
    if any(type(ancestor).route not in _PLAIN_ROUTES for ancestor in ancestors):
        return None
    restriction_ids = tuple(page.get_view_restrictions().values_list("pk", flat=True))
    return type(page), page.pk, restriction_ids, rest


@receiver(post_save, sender=Site, dispatch_uid="home_sites_site_saved")
@receiver(post_delete, sender=Site, dispatch_uid="home_sites_site_deleted")
def sites_changed(sender, **kwargs):
    scope_changed(SITES_SCOPE, PAGES_SCOPE)


@receiver(post_save, dispatch_uid="home_sites_page_saved")
@receiver(post_delete, dispatch_uid="home_sites_page_deleted")
@receiver(post_page_move, dispatch_uid="home_sites_page_moved")
@receiver(page_unpublished, dispatch_uid="home_sites_page_unpublished")
def page_changed(sender, instance, **kwargs):
    if isinstance(instance, Page):
        if _is_site_root(instance):
            scope_changed(SITES_SCOPE, PAGES_SCOPE)
        else:
            scope_changed(PAGES_SCOPE)
    elif isinstance(instance, PageViewRestriction):
        scope_changed(PAGES_SCOPE)


def _is_site_root(page: Page) -> bool:
    if page.depth is not None and page.depth <= 2:
        return True
    return any(root.root_path == page.url_path for root in Site.get_site_root_paths())
