"""Forums in a real browser: a Markdown reply is rendered, another member flags it, a moderator hides it;
with JavaScript on, "Quote" and the @mention autocomplete fill the reply form."""

import re
import threading

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect

from forums.models import Flag, Post
from tests.factories import UserFactory, forums_community_board, forums_member, forums_thread

pytestmark = pytest.mark.browser


def _outside_playwrights_loop(make):
    """Runs `make` in a worker thread: writes whose on-commit hooks broadcast to the channel layer (via
    async_to_sync) cannot run in this thread, where Playwright's event loop is marked as running."""
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


def _make_forum():
    board = forums_community_board(title="Wetlands and peatlands")
    people = {
        "author": UserFactory(display_name="Ana Autora"),
        "reader": UserFactory(display_name="Rui Leitor"),
        "moderator": UserFactory(display_name="Mo Moderator"),
    }
    forums_member(people["author"], board)
    forums_member(people["reader"], board)
    forums_member(people["moderator"], board, role="moderator")
    thread = forums_thread(board=board, author=people["moderator"], title="Restoring drained peatlands")
    return {"board": board, "thread": thread, **people}


@pytest.fixture
def forum(live_url):
    return _outside_playwrights_loop(_make_forum)


def test_reply_with_markdown_then_flag_then_hide(new_page, login, forum):
    thread_url = forum["thread"].get_absolute_url()

    author = login(new_page(java_script_enabled=False), forum["author"])
    author.goto(thread_url)
    author.get_by_label("Your reply").fill(
        "Our **peat** plan:\n\n- block the drains\n- replant *sphagnum*\n\nSee [the guide](https://www.cbd.int)"
    )
    author.get_by_role("button", name="Post reply").click()
    reply = author.locator("#post-2")
    expect(reply.locator("strong")).to_have_text("peat")
    expect(reply.locator(".post__body li")).to_have_count(2)
    expect(reply.locator(".post__body em")).to_have_text("sphagnum")
    expect(reply.get_by_role("link", name="the guide")).to_have_attribute("rel", "nofollow ugc noopener")
    post = Post.objects.get(thread=forum["thread"], number=2)

    reader = login(new_page(), forum["reader"])
    reader.goto(thread_url)
    reader.locator("#post-2").get_by_role("link", name="Flag").click()
    reader.get_by_label("Off topic").check()
    reader.get_by_label("Details (optional)").fill("This belongs in the seeds thread.")
    reader.get_by_role("button", name="Send to the moderators").click()
    expect(reader.get_by_role("status")).to_contain_text("A moderator will look at this post")
    assert Flag.objects.filter(post=post, status="open").count() == 1

    moderator = login(new_page(), forum["moderator"])
    moderator.goto(reverse("forums:board_queue", args=[forum["board"].slug]))
    expect(moderator.locator(".queue-item")).to_contain_text("This belongs in the seeds thread.")
    moderator.get_by_label("Hide the post").check()
    moderator.get_by_role("button", name="Decide").click()
    expect(moderator.get_by_role("status")).to_contain_text("The flag was handled")
    expect(moderator.get_by_text("No open flags.")).to_be_visible()

    reader.goto(thread_url)
    expect(reader.locator("#post-2")).to_contain_text("This post was hidden by a moderator.")
    expect(reader.locator("#post-2")).not_to_contain_text("peat")
    moderator.goto(thread_url)
    expect(moderator.locator("#post-2")).to_contain_text("Hidden from members")


def test_quote_and_mention_autocomplete_with_javascript(new_page, login, forum):
    page = login(new_page(), forum["author"])
    page.goto(forum["thread"].get_absolute_url())
    page.locator("#post-1").get_by_role("link", name="Quote").click()
    field = page.get_by_label("Your reply")
    expect(field).to_have_value(re.compile(r"^> \*\*@\[Mo Moderator\]\*\*:\n> "))
    assert page.url.endswith(
        forum["thread"].get_absolute_url()
    )  # no navigation: the form was filled in place
    field.press("End")
    field.press_sequentially("Thanks @[Ru")
    option = page.get_by_role("option", name="Rui Leitor")
    expect(option).to_be_visible()
    field.press("Enter")
    expect(field).to_have_value(re.compile(r"Thanks @\[Rui Leitor\] $"))
    page.get_by_role("button", name="Post reply").click()
    reply = page.locator("#post-2")
    expect(reply.locator(".mention", has_text="@Rui Leitor")).to_be_visible()
    expect(reply.locator("blockquote .mention")).to_have_text("@Mo Moderator")
    expect(reply).to_contain_text("In reply to #1")
