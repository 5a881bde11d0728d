"""The cache of the iCalendar feeds (events.ical writes them): each feed is cached per scope (the site,
a community, a type, a tag, a person) and language under the scope's current version. A change
invalidates only the scopes that hold the changed event (invalidate_feeds): their versions are dropped
and the copies cached under them deleted, not left to expire."""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

# Raise when what a feed holds or how it is written changes: copies cached by older code are then unused.
FEED_FORMAT = 2
FEED_TIMEOUT = 60 * 60

# Feed scopes: what a cached feed is about, and so what a change invalidates.
SITE_SCOPE = "site"


def community_scope(community_id: int) -> str:
    return f"community:{community_id}"


def type_scope(event_type: str) -> str:
    return f"type:{event_type}"


def tag_scope(tag_slug: str) -> str:
    return f"tag:{tag_slug}"


def personal_scope(user_id: int) -> str:
    return f"personal:{user_id}"


def _version_key(scope: str) -> str:
    return f"events:feed-version:{scope}"


def _feed_key(scope: str, version: str, language: str) -> str:
    return f"events:feed:{FEED_FORMAT}:{scope}:{version}:{language}"


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def cached_feed(scope: str, build) -> bytes:
    """The feed of `scope` in the active language, built by `build()` on a miss. A feed built while its
    scope was invalidated (from data that may predate the change) is deleted, never served."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language not in _languages():
        return build()
    version_key = _version_key(scope)
    version = cache.get(version_key)
    if version is None:
        cache.add(version_key, secrets.token_hex(8), None)
        version = cache.get(version_key)
    key = _feed_key(scope, version, language)
    body = cache.get(key)
    if body is None:
        body = build()
        cache.set(key, body, FEED_TIMEOUT)
        if cache.get(version_key) != version:
            cache.delete(key)
    return body


def invalidate_feeds(scopes) -> None:
    """Makes the cached feeds of `scopes` stale and deletes them (every language); a later request
    starts a new version. Call after commit (events.services does), so no rebuild reads the old rows."""
    version_keys = {_version_key(scope): scope for scope in set(scopes)}
    if not version_keys:
        return
    versions = cache.get_many(list(version_keys))
    cache.delete_many(
        [
            *version_keys,
            *(
                _feed_key(version_keys[key], version, language)
                for key, version in versions.items()
                for language in _languages()
            ),
        ]
    )
