"""FAIR endpoints: DataCite metadata of a public case study or building block (JSON and XML), and the
JSON and CSV exports of a library's public case studies. Only what an anonymous
visitor may read in full is described or exported (cop.library.fair.is_public); anything else is a 404,
whoever asks, so that no restricted item has machine metadata and none reveals that it exists."""

from django.http import Http404, HttpResponse, JsonResponse

from cop.library import exports, fair, selectors
from cop.library.models import CaseStudyPage, LibraryPage


def _public_case_study(pk: int) -> CaseStudyPage:
    page = (
        CaseStudyPage.objects.live()
        .select_related("consent", "region", "source_community", "locale")
        .filter(pk=pk)
        .first()
    )
    if page is None or not fair.is_public(page):
        raise Http404
    return page


def _public_block(pk: int):
    block = selectors.building_block(pk)
    if block is None or not block.is_live or not fair.is_public(block):
        raise Http404
    return block


def _json(data: dict) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})


def _xml(data: dict) -> HttpResponse:
    return HttpResponse(fair.datacite_xml(data), content_type="application/xml; charset=utf-8")


def case_study_datacite_json(request, pk: int):
    return _json(fair.datacite_validated(fair.case_study_datacite(_public_case_study(pk))))


def case_study_datacite_xml(request, pk: int):
    return _xml(fair.datacite_validated(fair.case_study_datacite(_public_case_study(pk))))


def block_datacite_json(request, pk: int):
    return _json(fair.datacite_validated(fair.block_datacite(_public_block(pk))))


def block_datacite_xml(request, pk: int):
    return _xml(fair.datacite_validated(fair.block_datacite(_public_block(pk))))


def _exportable(library_id: int) -> LibraryPage:
    """A live library that an anonymous visitor may read (else it has nothing public to export)."""
    library = LibraryPage.objects.live().filter(pk=library_id).first()
    if library is None or not exports.library_is_public(library):
        raise Http404
    return library


def library_export_json(request, library_id: int):
    library = _exportable(library_id)
    response = HttpResponse(exports.export_json(library), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="case-studies.json"'
    return response


def library_export_csv(request, library_id: int):
    library = _exportable(library_id)
    response = HttpResponse(exports.export_csv(library), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="case-studies.csv"'
    return response
