"""/library/: the site-wide library's address (its listing and collections are its page's routes,
cop.library.page_contexts)."""

from django.http import Http404
from django.shortcuts import redirect

from cop.library import selectors


def site_library(request):
    """/library/: the site-wide library (the main navigation's "Case studies")."""
    library = selectors.site_library()
    if library is None:
        raise Http404
    return redirect(library.url)
