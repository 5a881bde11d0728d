"""Which library files a reader may fetch (registered with cop.files, asked before its page rules).

- The evidence of a consent record: its custodians only.
- A document or image used by a case study holding traditional knowledge (a resource, or in its story,
  as Wagtail's reference index records it): only those with FULL access to one of those case studies,
  and, for a document, whose consent allows downloading (cop.library.permissions.may_download).
  Another page using the same file does not make it public: the restricted item decides.
- Any other file: no opinion here (None), cop.files decides by the pages that use it.
"""

from django.contrib.contenttypes.models import ContentType
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex

from cop.files import FileAccess, register_file_checker

from .models import CaseStudyPage, ConsentRecord
from .permissions import Access, access, may_download, may_see_evidence


def _tk_case_studies_using(file, is_document: bool):
    page_type_id = ContentType.objects.get_for_model(Page).pk
    page_ids = {
        int(object_id)
        for base_type_id, object_id in ReferenceIndex.get_references_to(file).values_list(
            "base_content_type_id", "object_id"
        )
        if base_type_id == page_type_id and object_id.isdigit()
    }
    pages = CaseStudyPage.objects.filter(holds_traditional_knowledge=True).select_related("consent")
    if is_document:
        # Resources are read directly as well: a draft's resources are not in the reference index.
        resource_pages = CaseStudyPage.objects.filter(resources__document=file).values("pk")
        return list(pages.filter(pk__in=resource_pages) | pages.filter(pk__in=page_ids))
    return list(pages.filter(pk__in=page_ids))


@register_file_checker
def library_file_access(request, file) -> FileAccess | None:
    user = request.user
    is_document = isinstance(file, get_document_model())
    if is_document:
        consents = list(ConsentRecord.objects.filter(evidence=file))
        if consents:
            allowed = any(may_see_evidence(user, consent) for consent in consents)
            return FileAccess.ALLOWED if allowed else FileAccess.DENIED
    pages = _tk_case_studies_using(file, is_document)
    if not pages:
        return None
    for page in pages:
        if access(user, page) == Access.FULL and (not is_document or may_download(user, page)):
            return FileAccess.ALLOWED
    return FileAccess.DENIED
