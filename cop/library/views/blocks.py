"""A building block's own page: its text and citation, and the case studies that use it, or the
consent notice, or a 404, as cop.library.permissions decides."""

from django.http import Http404
from django.shortcuts import render

from cop.library import fair, selectors
from cop.library.permissions import Access, access, may_request_access
from cop.library.services.views import restricted_view_record


def block_detail(request, pk):
    block = selectors.building_block(pk)
    if block is None:
        raise Http404
    level = access(request.user, block)
    if level == Access.HIDDEN:
        raise Http404
    if level == Access.NOTICE:
        return render(
            request,
            "cop_library/notice.html",
            selectors.notice_context(
                request.user, block, may_request=may_request_access(request.user, block)
            ),
        )
    restricted_view_record(user=request.user, item=block)
    context = {
        # Not "block": inside a {% block %} Django's own `block` variable hides it.
        "building_block": block,
        "case_studies": selectors.case_studies_using(request.user, block),
        "labels": list(block.labels.all()),
        "citation": selectors.block_citation(request, block),
        # Machine metadata only for what anyone may read in full.
        "fair": fair.block_metadata(block),
    }
    return render(request, "cop_library/block_detail.html", context)
