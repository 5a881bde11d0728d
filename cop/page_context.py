"""What a page shows, gathered above the page models.

A community page's context needs cop.permissions and cop.selectors, and they import the page models: so
the model asks this registry (which imports nothing of the project) for its context, and the module that
gathers it (cop.community_pages, imported by CopConfig.ready) registers itself here. Imports go one way:
models -> page_context <- community_pages -> selectors, permissions -> models.
"""

from collections.abc import Callable

_GATHERERS: dict[type, Callable] = {}


def gathers_context_of(page_class: type):
    """Registers `func(page, request) -> dict` as what pages of `page_class` add to their context (it may
    raise Http404 for a page the visitor may not know about)."""

    def decorator(func: Callable) -> Callable:
        _GATHERERS[page_class] = func
        return func

    return decorator


def page_context(page, request) -> dict:
    """What `page` adds to its context, from the gatherer registered for its class (or a base class)."""
    gatherer = next(_GATHERERS[cls] for cls in type(page).__mro__ if cls in _GATHERERS)
    return gatherer(page, request)
