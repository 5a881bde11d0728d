"""What a case study's page and its preview show (CaseStudyPage.serve renders it, through
cop.library.page_registry), and the neutral address of an item (by id, for lists that show only its
notice: a page's address is made from its title, which the notice must not reveal)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse

from cop.library import fair, selectors
from cop.library.fragments import blocks_list, case_study_body, case_study_head, library_version, related_list
from cop.library.models import CaseStudyPage
from cop.library.page_registry import CASE_STUDY, provides
from cop.library.permissions import Access, access, may_download, may_request_access, may_see_location
from cop.library.services.views import restricted_view_record

NOTICE_TEMPLATE = "cop_library/notice.html"


def _notice_context(request, item) -> dict:
    return selectors.notice_context(request.user, item, may_request=may_request_access(request.user, item))


def render_notice(request, item):
    return TemplateResponse(request, NOTICE_TEMPLATE, _notice_context(request, item))


@provides(CASE_STUDY)
def case_study_shown(request, page, *, preview=False) -> tuple[str, dict]:
    """(template, context) of a case study's page: the whole page, or only its notice, as the access
    decision says (Http404 when hidden); a preview decides on the saved page."""
    user = request.user
    if preview or not page.pk:
        # A preview shows unsaved edits: the decision is taken on the saved page (its consent, its state).
        saved = (
            CaseStudyPage.objects.select_related("consent").filter(pk=page.pk).first() if page.pk else None
        )
        if saved is not None and page.pk == saved.pk:
            saved._library = page.library  # the same place in the tree: its library read once
    else:
        saved = page  # served: the page was read from the database for this request, it is the saved one
    if saved is None:
        if not preview:
            raise Http404
        level = Access.FULL  # a new page's preview, by the editor creating it
    else:
        level = access(user, saved)  # decided once for the request; the rights below are given it
    if level == Access.HIDDEN:
        raise Http404
    if level == Access.NOTICE:
        return NOTICE_TEMPLATE, _notice_context(request, saved)
    if not preview:
        restricted_view_record(user=user, item=saved)
    context = page.get_context(request)
    consent = getattr(saved, "consent", None) if saved and saved.holds_traditional_knowledge else None
    downloadable = may_download(user, saved, level=level) if saved else True
    precise_location = may_see_location(user, saved, level=level) if saved else True

    def body_context():
        return {
            "page": page,
            "library": page.library,
            "resources": selectors.resources_of(page) if page.pk else [],
            "may_download": downloadable,
            "labels": list(page.labels.all()),
            "consent": consent,
            "precise_location": precise_location,
            "citation": selectors.case_study_citation(request, page),
        }

    # The body is the same for every FULL viewer who may download and see the place alike: cached,
    # keyed on what it shows (never for a preview, whose unsaved edits it would show).
    library = page.library
    key_parts = (
        None
        if preview or saved is None
        else (
            saved.pk,
            Access.FULL,
            saved.last_published_at,
            saved.url_path,
            consent.version if consent is not None else 0,
            downloadable,
            precise_location,
            library.pk,
            library.last_published_at,
            library.url_path,
        )
    )
    # The building blocks and related case studies are decided for this viewer on every request; their
    # lists are fragments keyed on what was decided (cop.library.fragments).
    blocks = selectors.case_study_blocks(user, page) if page.pk else []
    related = selectors.related_case_studies(user, page) if page.pk else []
    version = library_version()
    context.update(
        page=page,
        self=page,
        blocks=blocks,
        blocks_html=blocks_list(blocks, version),
        body=case_study_body(key_parts, body_context),
        related=related,
        related_html=related_list(related, version),
        # Machine metadata (JSON-LD, Dublin Core, DataCite links) only for what anyone may read in full,
        # decided on every request; its text is cached (cop.library.fragments.case_study_head).
        fair_head=_fair_head(saved, level if not user.is_authenticated else None)
        if not preview and saved is not None
        else "",
        library=library,
        breadcrumbs=[
            {"title": library.title, "url": library.url},
            {"title": page.title, "url": ""},
        ],
    )
    return page.get_template(request), context


def _fair_head(page, anonymous_level=None) -> str:
    """`anonymous_level`: the page's access level for an anonymous viewer when the request decided it."""
    public = fair.is_public(page) if anonymous_level is None else anonymous_level == Access.FULL
    if not public:
        return ""

    def render():
        return render_to_string(
            "cop_library/includes/case_study_head.html", {"fair": fair.page_metadata(page), "page": page}
        )

    return case_study_head(page, render)


def item_by_id(request, pk):
    """/library/case-studies/<id>/: the page for those who may read it (the address of a case study with
    traditional knowledge: it is served here), its notice for the others."""
    page = get_object_or_404(CaseStudyPage.objects.live().select_related("consent"), pk=pk)
    level = access(request.user, page)
    if level == Access.HIDDEN:
        raise Http404
    if level == Access.NOTICE:
        return render_notice(request, page)
    if page.holds_traditional_knowledge:
        return page.serve(request)  # its address (CaseStudyPage.get_url_parts): no redirect
    return redirect(page.url)
