"""Live discussion in a real browser, two people side by side: a reply posted through the thread's plain
form appears on the other person's open page without a reload, and a room message sent over the socket
appears live on both pages (with "N people viewing" and the typing hint)."""

import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from forums.live import services as live_services
from tests.factories import UserFactory, forums_community_board, forums_member, forums_thread

pytestmark = pytest.mark.browser


def _outside_playwrights_loop(make):
    """Writes whose on-commit hooks broadcast (async_to_sync) cannot run in Playwright's thread."""
    result, errors = {}, []

    def run():
        try:
            result.update(make())
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]
    return result


def _make_community():
    board = forums_community_board(title="Pollinators and agriculture")
    people = {
        "facilitator": UserFactory(display_name="Amina Diallo"),
        "speaker": UserFactory(display_name="Tupac Mamani"),
        "listener": UserFactory(display_name="ليلى الحسن"),
    }
    forums_member(people["facilitator"], board, role="facilitator")
    forums_member(people["speaker"], board)
    forums_member(people["listener"], board)
    thread = forums_thread(board=board, author=people["facilitator"], title="Counting wild bees")
    room = live_services.room_create(
        community=board.community, title="Webinar Q&A: pollinators", actor=people["facilitator"]
    )
    return {"thread": thread, "room": room, **people}


@pytest.fixture
def community(live_url, settings):
    settings.FORUMS_NEW_ACCOUNT_DAYS = 0
    settings.LIVE_PRESENCE_DEBOUNCE = 0.1
    return _outside_playwrights_loop(_make_community)


def _live(page):
    """Waits until live.js has subscribed (the socket's first frame sets the stream's seq)."""
    page.locator('[data-live-stream][data-live-state="live"]').wait_for()


def test_reply_posted_in_one_page_appears_in_the_other_without_reload(new_page, login, community):
    url = community["thread"].get_absolute_url()
    listener = login(new_page(), community["listener"])
    listener.goto(url)
    _live(listener)
    listener.evaluate("() => { window.__notReloaded = true; }")

    speaker = login(new_page(), community["speaker"])
    speaker.goto(url)
    _live(speaker)
    speaker_tab = speaker.context.new_page()  # the speaker's second tab stays on the thread
    speaker_tab.goto(url)
    _live(speaker_tab)
    expect(listener.locator("[data-live-viewers]")).to_have_text("2 people viewing")  # people, not tabs
    speaker.get_by_label("Your reply").fill("We use **pan traps** and transect walks.")
    expect(listener.locator("[data-live-typing]")).to_contain_text("Tupac Mamani is typing")
    speaker.get_by_role("button", name="Post reply").click()

    reply = listener.locator("#post-2")
    expect(reply.locator("strong")).to_have_text("pan traps")
    expect(reply.locator(".post__author")).to_have_text("Tupac Mamani")
    assert listener.evaluate("() => window.__notReloaded") is True
    expect(listener.locator("[data-live-announcer]")).to_have_text("New reply from Tupac Mamani.")
    # One fragment for every member; the page sets the listener's own actions, as a reload would.
    expect(reply.get_by_role("link", name="Flag")).to_be_visible()
    expect(reply.get_by_role("link", name="Edit")).to_have_count(0)
    expect(reply.locator(".badge--new")).to_be_visible()
    # Its buttons submit the page's own form, which holds the listener's CSRF token.
    assert reply.get_by_role("button", name="Like").get_attribute("form") == "post-actions"
    assert len(listener.locator("#post-actions input[name='csrfmiddlewaretoken']").input_value()) >= 32
    # ... and the author's own: edit and remove their post, no flag, not "new".
    own = speaker_tab.locator("#post-2")
    expect(own.locator("strong")).to_have_text("pan traps")
    expect(own.get_by_role("link", name="Edit")).to_be_visible()
    expect(own.get_by_role("link", name="Remove")).to_be_visible()
    expect(own.get_by_role("link", name="Flag")).to_have_count(0)
    expect(own.locator(".badge--new")).to_have_count(0)


def test_room_message_appears_live_for_everyone(new_page, login, community):
    url = f"/en/forums/live/rooms/{community['room'].pk}/"
    listener = login(new_page(), community["listener"])
    listener.goto(url)
    _live(listener)
    listener.evaluate("() => { window.__notReloaded = true; }")
    speaker = login(new_page(), community["speaker"])
    speaker.goto(url)
    _live(speaker)
    expect(speaker.locator("[data-live-viewers]")).to_have_text("2 people viewing")

    box = speaker.get_by_label("Your message")
    box.fill("Which traps work best in the Andes?")
    box.press("Enter")
    message = listener.locator(".live-messages .live-msg").last
    expect(message.locator(".live-msg__body")).to_have_text("Which traps work best in the Andes?")
    expect(message.locator(".live-msg__author")).to_have_text("Tupac Mamani")
    expect(speaker.locator(".live-messages .live-msg__body").last).to_have_text(
        "Which traps work best in the Andes?"
    )
    expect(box).to_have_value("")
    assert listener.evaluate("() => window.__notReloaded") is True
    expect(listener.locator("[data-live-announcer]")).to_contain_text("Tupac Mamani: Which traps")
    expect(listener.locator("[data-live-empty]")).to_have_count(0)
