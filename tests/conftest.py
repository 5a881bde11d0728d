import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import translation

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _isolated_test():
    """What one test leaves behind must not change the next, whatever order they run in: the active
    language (a request through LocaleMiddleware leaves it set in this thread, and reverse() follows
    it), the cache (rate-limit counters, cached pages), and, after a flushed database (transactional
    tests, browser tests) the data that migrations made (see pytest_collection_modifyitems)."""
    translation.activate(django_settings.LANGUAGE_CODE)
    cache.clear()
    yield
    translation.activate(django_settings.LANGUAGE_CODE)
    cache.clear()


def pytest_collection_modifyitems(items):
    """Every test on a flushed (transactional) database gets the migrations' data back first.

    Django empties the tables after such a test; with serialized rollback it also skips re-creating
    content types, so a later transactional test without it would find no content types, no page
    tree and no vocabularies (and ContentType's cache would point at rows that are gone)."""
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is None or "django_db_serialized_rollback" in names:
            continue
        marker = item.get_closest_marker("django_db")
        transactional = "transactional_db" in names or (
            marker is not None and marker.kwargs.get("transaction")
        )
        if transactional:
            names.append("django_db_serialized_rollback")


@pytest.fixture
def site_home(db):
    """The site root HomePage, as seed_demo makes it (without the rest of the demo)."""
    from home.demo import seed_home

    return seed_home()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client
