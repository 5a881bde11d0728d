"""The site search keeps each query's ranked list (up to 200 rendered rows) in the shared cache: the
query is the client's to choose, so a list must not outlive the popular queries' use by a day (one
cheap request each would hold ~100 kB of Redis for 24 hours)."""

import time

import pytest
from django.core.cache import cache

from home import search as home_search
from tests.factories import EventPageFactory

pytestmark = pytest.mark.django_db


def test_a_querys_kept_list_lives_an_hour_at_most(client, site_home):
    EventPageFactory(title="Webinar on seeds")
    cache.clear()
    for words in ("webinar", "webinar seeds", "seeds webinar x1"):
        assert client.get("/en/search/", {"q": words}).status_code == 200
    kept = [key for key in cache._cache if ":fragment:site-search-pages:" in key]
    assert len(kept) == 3
    for key in kept:
        assert cache._expire_info[key] - time.time() <= 3600
    assert home_search.SEARCH_SECONDS <= 3600
