"""Fragment caching with explicit keys: a list's items rendered once per state of what they show.

A key names everything the cached text depends on: the fragment's name, the code version (a hash of
the project's templates and Python modules, so a deploy never serves text the new code would not
write), the language, and the caller's `parts` (ids, versions, time zone, kind of viewer). Per-viewer
bits are rendered outside the fragment, never replaced inside it. Many fragments are read in one
cache round trip (get_many) and the missing ones written in one (set_many)."""

import hashlib
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

FRAGMENT_SECONDS = 24 * 3600
_CODE_DIRS = ("cop", "forums", "events", "home", "templates")


@cache
def code_version() -> str:
    """A hash of the project's templates and modules (read once per process): new code, new keys."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for directory in _CODE_DIRS:
        for path in sorted((base / directory).rglob("*")):
            if path.suffix in (".py", ".html") and "migrations" not in path.parts:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def fragment_key(name: str, *parts) -> str:
    """The cache key of fragment `name` for the active language and `parts` (hashed, so any length)."""
    raw = "|".join(str(part) for part in parts)
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"fragment:{name}:{code_version()}:{translation.get_language()}:{digest}"


def render_many(name: str, items: Iterable, *, parts: Callable, render: Callable) -> list[SafeString]:
    """The fragment of each item, in order: `parts(item)` names what its text depends on (beyond the
    code version and language), `render(item)` renders it when the cache does not hold it."""
    items = list(items)
    keys = [fragment_key(name, *parts(item)) for item in items]
    found = django_cache.get_many(keys) if keys else {}
    missing = {}
    result = []
    for key, item in zip(keys, items, strict=True):
        html = found.get(key)
        if html is None:
            html = missing[key] = str(render(item))
        result.append(mark_safe(html))  # noqa: S308 - our own rendered templates
    if missing:
        django_cache.set_many(missing, FRAGMENT_SECONDS)
    return result
