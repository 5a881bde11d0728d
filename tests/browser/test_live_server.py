"""The browser layer itself: the live server speaks websockets, and two people see each other live."""

import pytest

pytestmark = pytest.mark.browser

OPEN_SOCKET = """() => new Promise((resolve, reject) => {
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  window.km4bSocket = new WebSocket(scheme + location.host + "/ws/ping/");
  window.km4bFrames = [];
  window.km4bSocket.onmessage = (event) => window.km4bFrames.push(JSON.parse(event.data));
  window.km4bSocket.onopen = () => resolve(true);
  window.km4bSocket.onerror = () => reject(new Error("websocket refused"));
})"""


def test_two_pages_exchange_a_broadcast_over_websockets(new_page, site_home):
    alice, bob = new_page(), new_page()
    for page in (alice, bob):
        page.goto("/en/")
        assert page.evaluate(OPEN_SOCKET) is True  # also proves the CSP's connect-src allows it
    alice.evaluate(
        "() => window.km4bSocket.send(JSON.stringify({type: 'broadcast', text: 'hello from Alice'}))"
    )
    bob.wait_for_function("() => window.km4bFrames.some((f) => f.text === 'hello from Alice')")
    alice.wait_for_function("() => window.km4bFrames.some((f) => f.text === 'hello from Alice')")


def test_static_files_are_served(page, live_url):
    response = page.goto("/static/css/site.css")
    assert response.status == 200
    assert "logical properties" in response.text()


def test_test_code_may_use_the_orm_and_async_to_sync_between_playwright_calls(page, live_url):
    """Setup that broadcasts in on_commit (async_to_sync) works in the test, beside Playwright."""
    import asyncio

    from asgiref.sync import async_to_sync
    from django.contrib.auth import get_user_model

    page.goto("/static/css/site.css")
    assert get_user_model().objects.count() >= 0
    assert async_to_sync(asyncio.sleep)(0, result="ran") == "ran"
    page.goto("/static/css/site.css")
