"""Sections that apps contribute to pages they don't own, the way Wagtail's hooks work.

cop/ is the core and imports no other app, yet the site home and a community's home show the latest
threads and events. forums/ and events/ register a callable here for an area:

    @register_section("community", order=20)
    def latest_threads(request, community): ...

The callable returns a dict with `template` (and that template's context), or None to show nothing,
so a section with no content leaves no empty placeholder. Areas: "home" (callable(request)) and
"community" (callable(request, community)).
"""

from collections import defaultdict
from collections.abc import Callable

_SECTIONS: dict[str, list[tuple[int, Callable]]] = defaultdict(list)


def register_section(area: str, order: int = 100):
    def decorator(func: Callable) -> Callable:
        _SECTIONS[area].append((order, func))
        _SECTIONS[area].sort(key=lambda item: item[0])
        return func

    return decorator


def render_sections(area: str, *args) -> list[dict]:
    """Calls every section registered for `area` and keeps those that have something to show."""
    sections = []
    for _order, func in _SECTIONS[area]:
        section = func(*args)
        if section:
            sections.append(section)
    return sections
