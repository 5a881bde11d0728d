"""Reads for the library's items and a case study's page, every one through cop.library.permissions (the
listing is cop.library.listing, what a person shared cop.library.submissions)."""

from django.db.models import Q

from .decided import DecidedQuery
from .fair import citation
from .models import BuildingBlock, BuildingBlockStatus, CaseStudyPage, LibraryPage
from .models.consent import may_be_cited
from .models.pages import SITE_LIBRARY_DEPTH, getattr_consent
from .permissions import Access, access, access_annotation, library_items_for

RELATED_LIMIT = 5


class ListedCaseStudy:
    """A row of a list as the access decision read it (no page object): its id, level, the title when
    the viewer may read it in full, what its fragment's key names, and its rendered fragment. Read here
    (related_case_studies) and by cop.library.listing, which renders it through cop.library.fragments."""

    __slots__ = ("pk", "library_access", "title", "last_published_at", "url_path", "consent_version", "html")

    def __init__(self, pk, library_access, title, last_published_at, url_path, consent_version):
        self.pk = pk
        self.library_access = library_access
        self.title = title if library_access == Access.FULL else ""
        self.last_published_at = last_published_at
        self.url_path = url_path
        self.consent_version = consent_version or 0
        self.html = ""


LISTED_COLUMNS = ("pk", "library_access", "title", "last_published_at", "url_path", "consent__version")


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
    """The "cite as" text of a block; empty where citing was not consented to (may_be_cited)."""
    if not may_be_cited(block):
        return ""
    author = (
        block.author.get_full_name() if block.author_id and hasattr(block.author, "get_full_name") else ""
    )
    parts = [part for part in [author, block.title, block.library.title] if part]
    year = block.created_at.year
    return f"{'. '.join(parts)} ({year}). {request.build_absolute_uri(block.get_absolute_url())}"


# --- A case study's page -----------------------------------------------------------------------------


def _blocks_of_page(viewer, today, shape, page_id):
    blocks = BuildingBlock.objects.filter(uses__case_study_id=page_id)
    return (
        blocks.annotate(library_access=access_annotation(viewer, blocks, today=today, editors=False))
        .order_by("uses__sort_order", "uses__pk")
        .values_list("pk", "library_access", "status", "updated_at")
    )


_PAGE_BLOCKS = DecidedQuery(_blocks_of_page)


class ShownBlock:
    """A building block a case study's page lists, as the decision read it: its id and last change (what
    its fragment's key names); the block itself is read only to render a fragment not cached."""

    __slots__ = ("pk", "updated_at", "library_access")

    def __init__(self, pk, updated_at):
        self.pk = pk
        self.updated_at = updated_at
        self.library_access = Access.FULL.value


def case_study_blocks(user, page) -> list[ShownBlock]:
    """The building blocks the case study uses, in order, that `user` may read in full: decided in one
    query compiled per kind of viewer (cop.library.decided); a block not published that it hides is
    decided again by access() for a signed-in viewer (a Wagtail editor may read it)."""
    rows = _PAGE_BLOCKS.rows(user, "blocks", page.pk)
    signed_in = user is not None and user.is_authenticated
    again = [
        pk
        for pk, level, status, _updated in rows
        if level != Access.FULL and signed_in and status != BuildingBlockStatus.PUBLISHED
    ]
    full = set()
    if again:
        full = {
            block.pk
            for block in BuildingBlock.objects.filter(pk__in=again)
            if access(user, block) == Access.FULL
        }
    return [
        ShownBlock(pk, updated_at)
        for pk, level, _status, updated_at in rows
        if level == Access.FULL or pk in full
    ]


def blocks_for_list(shown: list[ShownBlock]) -> list[BuildingBlock]:
    """The blocks of `shown`, in order, with what a list shows of them (their long texts left out)."""
    found = {
        block.pk: block
        for block in BuildingBlock.objects.filter(pk__in=[item.pk for item in shown]).only(
            "pk", "title", "summary", "holds_traditional_knowledge"
        )
    }
    return [found[item.pk] for item in shown if item.pk in found]


def _related_to_page(viewer, today, shape, page_id):
    targets = CaseStudyPage.gbf_targets.through.objects.filter(casestudypage_id=page_id).values(
        "gbftarget_id"
    )
    ecosystems = CaseStudyPage.ecosystems.through.objects.filter(casestudypage_id=page_id).values(
        "ecosystem_id"
    )
    sharing = Q(
        pk__in=CaseStudyPage.gbf_targets.through.objects.filter(gbftarget_id__in=targets).values(
            "casestudypage_id"
        )
    ) | Q(
        pk__in=CaseStudyPage.ecosystems.through.objects.filter(ecosystem_id__in=ecosystems).values(
            "casestudypage_id"
        )
    )
    candidates = CaseStudyPage.objects.live().filter(sharing).exclude(pk=page_id)
    return (
        candidates.annotate(library_access=access_annotation(viewer, candidates, today=today, editors=False))
        .order_by("-first_published_at", "-pk")
        .values_list(*LISTED_COLUMNS)
    )


_RELATED = DecidedQuery(_related_to_page)


def related_case_studies(user, page, limit: int = RELATED_LIMIT) -> list[ListedCaseStudy]:
    """Live case studies sharing a GBF target or an ecosystem with `page`, that `user` may read in full
    (a restricted one is never suggested, not even by its notice): decided in one query compiled per
    kind of viewer (cop.library.decided), which reads what their fragment's key names too (no page is
    read unless a fragment is rendered: cop.library.fragments.related_list)."""
    rows = [row for row in _RELATED.rows(user, "related", page.pk) if row[1] == Access.FULL]
    return [ListedCaseStudy(*row) for row in rows[:limit]]


def pages_for_links(pks) -> dict:
    """The case studies of `pks` by id, with what their title and address need (their long texts and
    story left out: a list of links does not show them)."""
    return {
        page.pk: page
        for page in CaseStudyPage.objects.filter(pk__in=list(pks))
        .select_related("locale")
        .only("title", "url_path", "path", "depth", "holds_traditional_knowledge", "locale", "live")
    }


def resources_of(page) -> list:
    return list(page.resources.select_related("document").order_by("sort_order"))


def case_study_citation(request, page) -> str:
    """The "cite as" text: who, when, what, where (the DOI, else the stable address)."""
    return citation(page)


def site_library():
    """The site-wide library: the live library right below the site's home page."""
    return LibraryPage.objects.live().filter(depth=SITE_LIBRARY_DEPTH).order_by("path").first()
