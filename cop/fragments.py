"""Fragment caching with explicit keys: a list's items rendered once per state of what they show.

A key names everything the cached text depends on: the fragment's name, the code version (a hash of
the project's templates and Python modules, so a deploy never serves text the new code would not
write), the language, and the caller's `parts` (ids, versions, time zone, kind of viewer). Per-viewer
bits are rendered outside the fragment, never replaced inside it. Many fragments are read in one
cache round trip (get_many) and the missing ones written in one (set_many).

A fragment that shows a whole scope (the latest threads of the site, its most active communities) is
keyed on the scope's version (`scope_versions`): a token in the cache that the code changing the
scope's data replaces after its transaction commits (`scope_changed`), so the next request renders
the fragment again. A version missing from the cache (evicted, or a new cache) is a new token: the
fragments are rendered again, never served stale."""

import hashlib
import uuid
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from cop.commit import after_commit

FRAGMENT_SECONDS = 24 * 3600
_CODE_DIRS = ("config", "cop", "forums", "events", "home", "locale", "templates")


@cache
def code_version() -> str:
    """A hash of the project's templates, modules and compiled translations (read once per process): new
    code or translations, new keys."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for directory in _CODE_DIRS:
        for path in sorted((base / directory).rglob("*")):
            if path.suffix in (".py", ".html", ".mo") and "migrations" not in path.parts:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _key_prefix(name: str) -> str:
    return f"fragment:{name}:{code_version()}:{translation.get_language()}:"


def _parts_digest(parts) -> str:
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]


def fragment_key(name: str, *parts) -> str:
    """The cache key of fragment `name` for the active language and `parts` (hashed, so any length)."""
    return _key_prefix(name) + _parts_digest(parts)


def render_many(
    name: str,
    items: Iterable,
    *,
    parts: Callable,
    render: Callable,
    prepare: Callable | None = None,
    seconds: int = FRAGMENT_SECONDS,
) -> list[SafeString]:
    """The fragment of each item, in order: `parts(item)` names what its text depends on (beyond the
    code version and language), `render(item)` renders it when the cache does not hold it, after
    `prepare(items)` was called once with the items to render (to load what only rendering needs); kept
    `seconds` (shorter for a fragment that shows something its key does not name)."""
    items = list(items)
    prefix = _key_prefix(name)  # fragment_key's, once for the list
    keys = [prefix + _parts_digest(parts(item)) for item in items]
    found = django_cache.get_many(keys) if keys else {}
    if prepare is not None:
        to_render = [item for key, item in zip(keys, items, strict=True) if key not in found]
        if to_render:
            prepare(to_render)
    missing = {}
    result = []
    for key, item in zip(keys, items, strict=True):
        html = found.get(key)
        if html is None:
            html = missing[key] = str(render(item))
        result.append(mark_safe(html))  # noqa: S308 - our own rendered templates
    if missing:
        django_cache.set_many(missing, seconds)
    return result


def render_one(name: str, *parts, render: Callable) -> SafeString:
    """One fragment: `parts` name what it depends on (beyond the code version and language), `render()`
    renders it when the cache does not hold it and returns its text, or (text, seconds) when the text
    holds only that long (a list of what has not ended yet holds until the first of them ends)."""
    key = fragment_key(name, *parts)
    html = django_cache.get(key)
    if html is None:
        rendered = render()
        html, seconds = rendered if isinstance(rendered, tuple) else (rendered, FRAGMENT_SECONDS)
        html = str(html)
        if seconds > 0:
            django_cache.set(key, html, min(seconds, FRAGMENT_SECONDS))
    return mark_safe(html)  # noqa: S308 - our own rendered templates


_VERSION_PREFIX = "fragment-version:"


def scope_versions(*scopes: str) -> tuple[str, ...]:
    """The current version of each scope, in one cache round trip (a missing one gets a new token)."""
    keys = [_VERSION_PREFIX + scope for scope in scopes]
    found = django_cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    if missing:
        django_cache.set_many(missing, None)
    return tuple(found.get(key) or missing[key] for key in keys)


def scope_changed(*scopes: str) -> None:
    """Gives each scope a new version at once (the transaction's own later reads render anew) and again
    once the transaction commits: a request that rendered the data from before the commit under the
    first new version never has its fragment served after the commit."""

    def bump():
        django_cache.set_many({_VERSION_PREFIX + scope: uuid.uuid4().hex for scope in scopes}, None)

    bump()
    after_commit(bump)
