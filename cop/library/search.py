"""Library items in the site search (home.search), through the one decision.

The search index itself never holds restricted words: a case study or building block with traditional
knowledge is indexed with its consent's notice title and summary only (CaseStudyPage.search_text).
Here the results are narrowed: HIDDEN case studies are left out, and a NOTICE one is shown by its
notice only, linked to its neutral address (its own address is made from its title)."""

from django.urls import reverse

from .models import CaseStudyPage
from .permissions import Access, access_annotation


def _levels(user):
    queryset = CaseStudyPage.objects.all()
    return queryset.annotate(library_access=access_annotation(user, queryset))


def exclude_hidden(user, pages):
    """`pages` (a Page queryset) without the case studies `user` may not even know of."""
    hidden = _levels(user).filter(library_access=Access.HIDDEN.value).values("pk")
    return pages.exclude(pk__in=hidden)


def _notice(page) -> dict:
    consent = page.consent
    return {
        "title": consent.notice_title,
        "summary": consent.notice_summary,
        "url": reverse("cop_library:item", args=[page.pk]),
    }


def shown(user, ids) -> dict[int, dict]:
    """What `user` may see of each of these case studies, by id, the HIDDEN ones left out:
    {"page": the CaseStudyPage} when read in full, {"notice": {"title", "summary", "url"}} when seen
    by its notice only. Decided for this call, never kept; one query, whatever the number of ids."""
    if not ids:
        return {}
    pages = _levels(user).filter(pk__in=ids, library_access__gt=Access.HIDDEN.value).select_related("consent")
    return {
        page.pk: {"notice": _notice(page)} if page.library_access == Access.NOTICE.value else {"page": page}
        for page in pages
    }
