"""Bad input: a clear message in the page, the right 4xx, never a 500, nothing partially saved."""

import pytest
from django.urls import reverse

from forums import services
from forums.models import Post, PostRevision, Thread
from tests.factories import UserFactory, forums_thread

pytestmark = pytest.mark.django_db

NO_FILES = {"attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"}


def new_thread(client, board, **data):
    payload = {"title": "A title", "kind": "discussion", "body": "A body", **NO_FILES, **data}
    return client.post(reverse("forums:thread_create", args=[board.slug]), payload)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Give the thread a title."),
        ({"title": "   "}, "Give the thread a title."),
        ({"body": ""}, "Write a message."),
        ({"body": "x" * 50_001}, "The message is too long: at most 50000 characters (it has 50001)."),
        ({"title": "t" * 201}, "at most 200 characters"),
        ({"kind": "poll"}, "Select a valid choice"),
    ],
)
def test_new_thread_bad_input(client, board, people, data, message):
    client.force_login(people["member"])
    response = new_thread(client, board, **data)
    assert response.status_code == 400
    assert message in response.text
    assert not Thread.objects.exists() and not Post.objects.exists()


def test_body_at_the_limit_is_accepted(client, board, people):
    client.force_login(people["member"])
    assert new_thread(client, board, body="x" * 50_000).status_code == 302


@pytest.mark.parametrize(
    ("body", "message"), [("", "Write a message."), ("y" * 50_001, "The message is too long")]
)
def test_reply_bad_input_keeps_the_page(client, board, people, body, message):
    thread = forums_thread(board=board, author=people["member"])
    client.force_login(people["other_member"])
    response = client.post(reverse("forums:reply", args=[thread.pk]), {"body": body, **NO_FILES})
    assert response.status_code == 400
    assert message in response.text
    assert 'id="post-1"' in response.text  # the thread is shown again with the form and its error
    assert Post.objects.count() == 1


@pytest.mark.parametrize(("action", "message"), [("lock", "locked by a moderator"), ("close", "closed")])
def test_reply_to_locked_or_closed_thread(client, board, people, action, message):
    thread = forums_thread(board=board, author=people["member"])
    services.thread_moderate(thread=thread, moderator=people["moderator"], action=action)
    client.force_login(people["other_member"])
    response = client.post(reverse("forums:reply", args=[thread.pk]), {"body": "Hello?", **NO_FILES})
    assert response.status_code == 403
    assert message in response.text
    assert Post.objects.count() == 1
    assert client.get(reverse("forums:reply_form", args=[thread.pk])).status_code == 403


def test_stale_edit_is_409_with_both_versions(client, board, people):
    thread = forums_thread(board=board, author=people["member"], body="Version one")
    post = thread.posts.get()
    services.post_edit(post=post, editor=people["moderator"], body="Moderator's fix", expected_version=1)
    client.force_login(people["member"])
    response = client.post(
        reverse("forums:post_edit", args=[post.pk]),
        {"title": thread.title, "body": "My stale text", "version": 1},
    )
    assert response.status_code == 409
    assert "Someone changed this post while you were editing it" in response.text
    assert "fix</p>" in response.text and "My stale text" in response.text
    post.refresh_from_db()
    assert post.body == "Moderator's fix" and post.version == 2
    assert PostRevision.objects.count() == 1
    # The form now carries the current version: saving again knowingly replaces it.
    again = client.post(
        reverse("forums:post_edit", args=[post.pk]),
        {"title": thread.title, "body": "My stale text", "version": 2},
    )
    assert again.status_code == 302
    post.refresh_from_db()
    assert post.body == "My stale text" and post.version == 3


def test_edit_with_empty_body(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    post = thread.posts.get()
    client.force_login(people["member"])
    response = client.post(
        reverse("forums:post_edit", args=[post.pk]), {"title": "x", "body": "", "version": 1}
    )
    assert response.status_code == 400 and "Write a message." in response.text
    post.refresh_from_db()
    assert post.version == 1


def test_unknown_pages_and_bad_page_numbers_are_404(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    assert client.get(reverse("forums:thread", args=[999999])).status_code == 404
    assert client.get(thread.get_absolute_url() + "?page=9").status_code == 404
    assert client.get(thread.get_absolute_url() + "?page=abc").status_code == 404
    assert client.get(board.get_absolute_url() + "?page=99").status_code == 404
    assert client.get(reverse("forums:board", args=["no-such-board"])).status_code == 404
    assert client.get(board.get_absolute_url() + "?sort=nonsense&target=abc").status_code == 200


def test_get_on_post_only_actions_is_405(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    client.force_login(people["member"])
    assert client.get(reverse("forums:reply", args=[thread.pk])).status_code == 405
    assert client.get(reverse("forums:post_react", args=[thread.posts.get().pk])).status_code == 405


def test_unknown_moderation_action_is_400(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    client.force_login(people["moderator"])
    assert (
        client.post(reverse("forums:thread_moderate", args=[thread.pk]), {"action": "explode"}).status_code
        == 400
    )
    assert (
        client.post(
            reverse("forums:post_moderate", args=[thread.posts.get().pk]), {"action": "x"}
        ).status_code
        == 400
    )


def test_quote_from_another_thread_is_ignored(board, people):
    one = forums_thread(board=board, author=people["member"])
    two = forums_thread(board=board, author=people["member"], title="Two")
    reply = services.post_create(
        thread=two, author=people["other_member"], body="Hi", quoted_post=one.posts.get()
    )
    assert reply.quoted_post is None


def test_messages_are_translated(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    services.thread_moderate(thread=thread, moderator=people["moderator"], action="lock")
    user = UserFactory(preferred_language="fr")
    from tests.factories import forums_member

    forums_member(user, board)
    client.force_login(user)
    response = client.post(f"/fr/forums/t/{thread.pk}/reply/", {"body": "Bonjour", **NO_FILES})
    assert response.status_code == 403
    assert 'lang="fr"' in response.text
