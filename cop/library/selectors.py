"""Reads for the library's pages, every one through cop.library.permissions."""


from .models import BuildingBlock, CaseStudyPage
from .models.pages import getattr_consent
from .permissions import Access, library_items_for

RELATED_LIMIT = 5


def building_block(pk: int) -> BuildingBlock | None:
    return (
        BuildingBlock.objects.select_related("library", "consent", "consent__holder_community", "author")
        .filter(pk=pk)
        .first()
    )


def notice_context(user, item, *, may_request: bool) -> dict:
    """Everything the NOTICE view may show, and nothing else: the notice title and summary, the labels,
    the holder community's name and whether to offer the request-access form."""
    consent = getattr_consent(item)
    return {
        "item": item,
        "notice_title": consent.notice_title if consent else "",
        "notice_summary": consent.notice_summary if consent else "",
        "holder": consent.holder_display if consent else "",
        "labels": list(item.labels.all()),
        "may_request": may_request,
        "item_kind": "case_study" if isinstance(item, CaseStudyPage) else "building_block",
    }


def case_studies_using(user, block) -> list[CaseStudyPage]:
    """The live case studies that use `block` and that `user` may read in full."""
    queryset = CaseStudyPage.objects.live().filter(block_uses__block=block).order_by("title")
    return list(library_items_for(user, queryset, minimum=Access.FULL))


def block_citation(request, block) -> str:
    author = (
        block.author.get_full_name() if block.author_id and hasattr(block.author, "get_full_name") else ""
    )
    parts = [part for part in [author, block.title, block.library.title] if part]
    year = block.created_at.year
    return f"{'. '.join(parts)} ({year}). {request.build_absolute_uri(block.get_absolute_url())}"
