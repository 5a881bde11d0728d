"""Browser tests: the real ASGI application (HTTP and websockets) served by uvicorn in a thread of the
test process, driven by Playwright with Debian's Chromium.

Fixtures for every browser test (mark the test or module with ``pytest.mark.browser``):

- ``live_url``: the server's base URL, e.g. ``http://127.0.0.1:40123``. Using it gives the test a
  committed database (``transactional_db`` with serialized rollback, so data seeded by migrations is
  there in every test) that the server sees, and an empty cache.
- ``browser``: one Chromium for the whole session.
- ``page``: a fresh page in a fresh context (own cookies), with ``base_url=live_url``.
- ``new_page(**context_options)``: more pages, each in its own context: two users side by side, or
  ``new_page(java_script_enabled=False)``.
- ``login(page, user)``: signs ``user`` in on that page's context (a session cookie, no form).

The server runs in this process, so ``django.core.mail.outbox``, the ``settings`` fixture and the
in-memory channel layer are shared with the test.
"""

import asyncio
import os
import socket
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000


@pytest.hookimpl(tryfirst=True)  # before -m deselects: every test in this folder is a browser test
def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


class _ServerThread(threading.Thread):
    """uvicorn serving config.asgi.application (plus static files) on a socket we bound ourselves."""

    def __init__(self):
        super().__init__(name="live-asgi-server", daemon=True)
        import uvicorn
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from config.asgi import application

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(
            ASGIStaticFilesHandler(application),
            lifespan="off",
            log_level="warning",
            access_log=False,
            ws="auto",
        )
        self.server = uvicorn.Server(config)
        self.error = None

    def run(self):
        try:
            self.server.run(sockets=[self.sock])
        except BaseException as error:  # reported by wait_started, in the test's thread
            self.error = error

    def wait_started(self, timeout=15.0):
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if self.error or not self.is_alive():
                raise RuntimeError(f"The live ASGI server did not start: {self.error!r}")
            if time.monotonic() > deadline:
                raise RuntimeError("The live ASGI server did not start within 15 s")
            time.sleep(0.02)

    def stop(self):
        self.server.should_exit = True
        self.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="session")
def _live_server(django_db_setup):
    """Started once; the test database exists before the server opens any connection to it."""
    server = _ServerThread()
    server.start()
    server.wait_started()
    yield f"http://127.0.0.1:{server.port}"
    server.stop()


@pytest.fixture
def live_url(_live_server, transactional_db, django_db_serialized_rollback):
    cache.clear()
    yield _live_server
    cache.clear()


@pytest.fixture(scope="session")
def _playwright():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: browser tests need Debian's Chromium. "
            "Install it with `scripts/apt-ensure.sh chromium fonts-noto-core` (or run `make test`).",
            pytrace=False,
        )
    from playwright._impl import _sync_base
    from playwright.sync_api import sync_playwright

    wait_for_future = _sync_base.wait_for_future

    def wait_with_the_loop_marked_running(loop, dispatcher_fiber, future):
        previous = asyncio._get_running_loop()
        asyncio._set_running_loop(loop)
        try:
            return wait_for_future(loop, dispatcher_fiber, future)
        finally:
            asyncio._set_running_loop(previous)

    with sync_playwright() as playwright, pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API runs its event loop in a greenlet of this thread and leaves that loop
        # marked as running while the test's own code runs. Django would then refuse ORM calls and
        # asgiref's async_to_sync (channel-layer broadcasts in on_commit hooks) would refuse to run.
        # The loop is marked running only while a Playwright call waits, as asyncio expects.
        loop = asyncio._get_running_loop()
        patch.setattr(_sync_base, "wait_for_future", wait_with_the_loop_marked_running)
        asyncio._set_running_loop(None)
        # What Playwright schedules between calls (page.on listeners) goes to the thread's current
        # loop: make that Playwright's own, whatever earlier (async) tests left there.
        policy = asyncio.get_event_loop_policy()
        previous_loop = getattr(policy._local, "_loop", None)
        asyncio.set_event_loop(loop)
        yield playwright
        asyncio.set_event_loop(previous_loop)
        asyncio._set_running_loop(loop)  # Playwright's shutdown resumes its loop


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser, live_url):
    """Opens a page in a new browser context (its own cookies): call it once per simulated person."""
    contexts = []

    def _new_page(**context_options):
        context_options.setdefault("base_url", live_url)
        context_options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**context_options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def login(live_url):
    """login(page, user): the page's context becomes signed in as user (a real session, no form)."""
    from django.test import Client

    def _login(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [
                {
                    "name": cookie.key,
                    "value": cookie.value,
                    "url": live_url,
                    "httpOnly": True,
                    "sameSite": "Lax",
                }
            ]
        )
        return page

    return _login
