"""What the library's page models ask of the modules above them, registered by those modules.

A library's routes and a case study's page render their own templates, but what they show is gathered
by the selectors, the access decision and the FAIR metadata, which import the models; and Wagtail asks
a case study for its admin rights, which only the access decision answers. So the models ask this
registry, which imports nothing of the project, and the modules above fill it when they load
(cop.library.page_contexts, cop.library.views.case_study, cop.library.permissions: imported by
LibraryConfig.ready). Imports go one way: models -> page_registry <- page_contexts -> listing,
permissions -> models (as cop.page_context does for the community pages).
"""

from collections.abc import Callable

# What each name answers (the registering module says how):
LIBRARY_LISTING = "library_listing"  # (request, library) -> the listing's context; Http404 if not shown
LIBRARY_COLLECTION = "library_collection"  # (request, library, slug) -> a collection's context; Http404
CASE_STUDY = "case_study"  # (request, page, *, preview) -> (template name, context); Http404 if hidden
READS_IN_FULL = "reads_in_full"  # (user, item) -> bool: the access decision is FULL

_PROVIDERS: dict[str, Callable] = {}


def provides(name: str):
    """Registers the decorated function as what `name` answers."""

    def decorator(func: Callable) -> Callable:
        _PROVIDERS[name] = func
        return func

    return decorator


def provider(name: str) -> Callable:
    """The function registered for `name` (a KeyError if its module was never loaded: a bug)."""
    return _PROVIDERS[name]
