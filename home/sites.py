"""Which Wagtail site answers a request, looked up once per process and host instead of once per page.

Wagtail finds the site of every page request with a query (hostname, port, default site, the root
page joined), which cost about a millisecond of each page's CPU. `WagtailSiteMiddleware` keeps the
answer per process, host and port under the version of the "wagtail-sites" scope (cop.fragments): a
site saved or deleted, or a site's root page saved, moved or deleted, replaces the version, and every
process looks the site up again. Each request gets its own copies of the site and its root page, so
nothing a request caches on them (Wagtail's `specific`) is seen by another."""

import copy

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, Site
from wagtail.signals import post_page_move

from cop.fragments import scope_changed, scope_versions

SITES_SCOPE = "wagtail-sites"

# (hostname, port) -> (scope version, site or None); replaced whole when the version moves.
_FOUND: dict[tuple, tuple] = {}


def site_for_request(request) -> Site | None:
    """The request's Wagtail site (Site.find_for_request's answer), a fresh copy for this request."""
    (version,) = scope_versions(SITES_SCOPE)
    key = (request._get_raw_host(), request.get_port())
    found = _FOUND.get(key)
    if found is None or found[0] != version:
        site = Site._find_for_request(request)
        if site is not None:
            site.root_page  # noqa: B018 - joined by the lookup; loaded here if it was not
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


@receiver(post_save, sender=Site, dispatch_uid="home_sites_site_saved")
@receiver(post_delete, sender=Site, dispatch_uid="home_sites_site_deleted")
def sites_changed(sender, **kwargs):
    scope_changed(SITES_SCOPE)


@receiver(post_save, dispatch_uid="home_sites_page_saved")
@receiver(post_delete, dispatch_uid="home_sites_page_deleted")
@receiver(post_page_move, dispatch_uid="home_sites_page_moved")
def root_page_changed(sender, instance, **kwargs):
    if isinstance(instance, Page) and _is_site_root(instance):
        scope_changed(SITES_SCOPE)


def _is_site_root(page: Page) -> bool:
    if page.depth is not None and page.depth <= 2:
        return True
    return any(root.root_path == page.url_path for root in Site.get_site_root_paths())
