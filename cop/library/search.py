"""Library items in the site search (home.views.search), through the one decision.

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


def present(user, results) -> list:
    """The results, with `library_notice` set on the case studies `user` may see only by their notice:
    {"title", "summary", "url"}. One query, whatever the number of results."""
    results = list(results)
    ids = [result.pk for result in results if isinstance(result, CaseStudyPage)]
    if not ids:
        return results
    notices = {
        page.pk: page
        for page in _levels(user)
        .filter(pk__in=ids, library_access=Access.NOTICE.value)
        .select_related("consent")
    }
    for result in results:
        page = notices.get(result.pk)
        if page is not None:
            consent = page.consent
            result.library_notice = {
                "title": consent.notice_title,
                "summary": consent.notice_summary,
                "url": reverse("cop_library:item", args=[page.pk]),
            }
    return results
