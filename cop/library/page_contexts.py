"""What a library's routes show (cop.library.page_registry): its listing (facets, sort, pagination) and
its curated collections. LibraryPage's routes render them with its templates."""

from django.http import Http404

from cop import permissions as cop_permissions
from cop.library import exports, listing, permissions
from cop.library.fragments import collections_nav, listing_block
from cop.library.page_registry import LIBRARY_COLLECTION, LIBRARY_LISTING, provides


def _library_visible(request, library) -> bool:
    community = library.community
    return community is None or cop_permissions.can_view(request.user, community)


@provides(LIBRARY_LISTING)
def library_listing(request, library) -> dict:
    if not _library_visible(request, library):
        raise Http404
    found = listing.library_listing(request.user, library, request.GET)
    public_export = exports.library_is_public(library)
    return {
        **found,
        "listing_html": listing_block(library, found, public_export),
        "collections_html": collections_nav(library, found["library_version"]),
        "community": library.community,
        "breadcrumbs": _breadcrumbs(library),
        "may_share": permissions.may_share_in(request.user, library),
        "public_export": public_export,
    }


@provides(LIBRARY_COLLECTION)
def library_collection(request, library, slug) -> dict:
    if not _library_visible(request, library):
        raise Http404
    found = listing.collection_listing(request.user, library, slug)
    if found is None:
        raise Http404
    return {
        **found,
        "breadcrumbs": [*_breadcrumbs(library, link=True), {"title": found["collection"].title, "url": ""}],
    }


def _breadcrumbs(library, link=False) -> list[dict]:
    crumbs = []
    community = library.community
    if community is not None:
        crumbs.append({"title": community.title, "url": community.url})
    crumbs.append({"title": library.title, "url": library.url if link else ""})
    return crumbs
