"""A library's listing (facets, sort, pagination) and its curated collections."""

from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from cop import permissions as cop_permissions
from cop.library import fair, permissions, selectors


def _library_visible(request, library) -> bool:
    community = library.community
    return community is None or cop_permissions.can_view(request.user, community)


def library_listing(request, library):
    if not _library_visible(request, library):
        raise Http404
    context = library.get_context(request)
    context.update(selectors.library_listing(request.user, library, request.GET))
    context.update(
        collections=selectors.library_collections(library),
        community=library.community,
        breadcrumbs=_breadcrumbs(library),
        may_share=permissions.may_share_in(request.user, library),
        public_export=fair.library_is_public(library),
    )
    response = TemplateResponse(request, "cop_library/library_page.html", context)
    if request.GET and context["filterset"].form.errors:
        response.status_code = 400
    return response


def library_collection(request, library, slug):
    if not _library_visible(request, library):
        raise Http404
    found = selectors.collection_listing(request.user, library, slug)
    if found is None:
        raise Http404
    context = library.get_context(request)
    context.update(found)
    context["breadcrumbs"] = [
        *_breadcrumbs(library, link=True),
        {"title": found["collection"].title, "url": ""},
    ]
    return TemplateResponse(request, "cop_library/collection.html", context)


def _breadcrumbs(library, link=False) -> list[dict]:
    crumbs = []
    community = library.community
    if community is not None:
        crumbs.append({"title": community.title, "url": community.url})
    crumbs.append({"title": library.title, "url": library.url if link else ""})
    return crumbs


def site_library(request):
    """/library/: the site-wide library (the main navigation's "Case studies")."""
    library = selectors.site_library()
    if library is None:
        raise Http404
    return redirect(library.url)
