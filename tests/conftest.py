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


def _migrations_fingerprint() -> str:
    """What the migrated test database depends on: every migration and data file of the project and
    the pinned packages (whose migrations come with them)."""
    import hashlib
    from pathlib import Path

    root = Path(django_settings.BASE_DIR)
    digest = hashlib.sha256()
    migrations = [*root.glob("*/migrations/*.py"), *root.glob("*/*/migrations/*.py")]
    files = [root / "constraints.txt", *sorted(migrations), *sorted(root.glob("*/data/*"))]
    for path in files:
        if not path.is_file():
            continue
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """The test database, migrated once per set of migrations rather than once per run.

    Creating it runs every migration (about 25 s of CPU), the same each time until a migration or
    a pinned package changes. On SQLite the first run keeps a copy of the migrated file under a name
    derived from those files; later runs copy it and let Django check that nothing is left to apply.
    Other databases (PostgreSQL in the stack tests) are set up the usual way."""
    import os
    import shutil
    import sqlite3

    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    database = django_settings.DATABASES["default"]
    name = database.get("TEST", {}).get("NAME")
    sqlite = database["ENGINE"] == "django.db.backends.sqlite3" and name
    template = f"/tmp/km4b-test-template-{_migrations_fingerprint()}.sqlite3" if sqlite else None  # noqa: S108
    from_template = bool(template and os.path.exists(template))
    if from_template:
        shutil.copyfile(template, name)
    with django_db_blocker.unblock():
        db_cfg = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=from_template,
        )
        if template and not from_template:
            connections["default"].close()
            partial = f"{template}.{os.getpid()}"
            source, target = sqlite3.connect(name), sqlite3.connect(partial)
            with target:
                source.backup(target)
            source.close()
            target.close()
            os.replace(partial, template)
    yield
    with django_db_blocker.unblock():
        teardown_databases(db_cfg, verbosity=request.config.option.verbose)
    if from_template:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(name + suffix):
                os.remove(name + suffix)
