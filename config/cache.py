"""The embedded default's cache (`make run`, no REDIS_URL): Django's local-memory cache, without its check
of every key against memcached's rules.

Django checks each key character by character on every read and write, for portability to memcached, and
only ever warns; the production cache (django-redis) checks nothing, and the site's keys are its own
(cop.fragments: a prefix and hex digests). On a signed-in page (about twenty reads) the check cost about 5%
of the CPU. The test settings keep Django's own backend, so a key memcached would refuse still warns there.
"""

from django.core.cache.backends.locmem import LocMemCache


class LocalMemoryCache(LocMemCache):
    def validate_key(self, key):
        return None
