"""forums.services.following: following threads, boards and tags (an opt-out is remembered), and unread
tracking: the last read post per user and thread, "new" markers, jump to first unread."""

import pytest
from django.urls import reverse

from forums import services
from forums.models import Notification, ReadState, Watch
from forums.thread_page import POSTS_PER_PAGE
from tests.factories import forums_bulk_replies, forums_thread

pytestmark = pytest.mark.django_db


def test_reading_a_page_marks_its_posts_read(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    forums_bulk_replies(thread, POSTS_PER_PAGE + 5, author=people["other_member"])
    client.force_login(people["moderator"])
    page = client.get(thread.get_absolute_url())
    assert page.text.count('class="badge badge--new"') == POSTS_PER_PAGE
    assert ReadState.objects.get(user=people["moderator"], thread=thread).last_read_number == POSTS_PER_PAGE
    again = client.get(thread.get_absolute_url())
    assert 'class="badge badge--new"' not in again.text
    jump = client.get(reverse("forums:thread_unread", args=[thread.pk]))
    assert jump["Location"] == f"{thread.get_absolute_url()}?page=2#post-{POSTS_PER_PAGE + 1}"
    client.get(thread.get_absolute_url() + "?page=2")
    # Going back to page 1 never moves the mark backwards.
    client.get(thread.get_absolute_url())
    assert (
        ReadState.objects.get(user=people["moderator"], thread=thread).last_read_number == POSTS_PER_PAGE + 6
    )


def test_new_replies_show_as_new_in_the_list_and_thread(client, board, people):
    thread = forums_thread(board=board, author=people["member"], title="Wetlands")
    client.force_login(people["member"])
    listing = client.get(board.get_absolute_url())
    assert "thread-row--unread" not in listing.text  # the author has read their own post
    services.post_create(thread=thread, author=people["other_member"], body="A new idea")
    listing = client.get(board.get_absolute_url())
    assert "thread-row--unread" in listing.text and "jump to first unread" in listing.text
    jump = client.get(reverse("forums:thread_unread", args=[thread.pk]))
    assert jump["Location"].endswith("#post-2")
    page = client.get(thread.get_absolute_url())
    assert page.text.count('class="badge badge--new"') == 1
    assert 'id="post-2"' in page.text


def test_never_opened_thread_is_new_and_jump_goes_to_first_post(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    client.force_login(people["other_member"])
    listing = client.get(board.get_absolute_url())
    assert "badge--new" in listing.text
    jump = client.get(reverse("forums:thread_unread", args=[thread.pk]))
    assert jump["Location"].endswith("#post-1")


def test_own_reply_marks_thread_read(board, people):
    thread = forums_thread(board=board, author=people["member"])
    services.post_create(thread=thread, author=people["other_member"], body="Reply")
    services.post_create(thread=thread, author=people["member"], body="Answer")
    assert ReadState.objects.get(user=people["member"], thread=thread).last_read_number == 3


def test_anonymous_has_no_unread_state(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    assert client.get(thread.get_absolute_url()).status_code == 200
    assert not ReadState.objects.exclude(user=people["member"]).exists()
    assert client.get(reverse("forums:thread_unread", args=[thread.pk])).status_code == 302


def test_opt_out_is_remembered(board, people, django_capture_on_commit_callbacks):
    author, replier = people["member"], people["other_member"]
    thread = forums_thread(board=board, author=author)
    services.watch_set(user=author, thread=thread, active=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(thread=thread, author=replier, body="I agree.")
    assert not Notification.objects.filter(recipient=author).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(
            thread=thread, author=author, body="Still here"
        )  # replying again does not re-subscribe
    assert Watch.objects.get(user=author, thread=thread).active is False


def test_auto_watch_can_be_turned_off(board, people):
    services.notification_settings_update(user=people["member"], email_frequency="never", auto_watch=False)
    thread = forums_thread(board=board, author=people["member"])
    assert not Watch.objects.filter(user=people["member"], thread=thread).exists()
