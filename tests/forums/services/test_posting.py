"""forums.services.posting: threads and replies numbered and counted, quotes kept to their thread,
approval of a newcomer's first posts where the community asks it, edits versioned and never lost to a
stale form, deletion soft (the thread keeps its shape, an accepted answer is let go)."""

import pytest

from forums import services
from forums.exceptions import ForumError, NotAllowed, NotYourPost, StaleEdit, ThreadClosed, ThreadLocked
from forums.models import Post, PostRevision, PostStatus, Thread
from tests.factories import UserFactory, forums_community_board, forums_member, forums_thread

pytestmark = pytest.mark.django_db


def test_a_thread_starts_with_its_first_post_and_replies_are_numbered_and_counted(board, people):
    thread = forums_thread(board=board, author=people["member"], tags=["chm", "Open Data"])
    first = Post.objects.get(thread=thread)
    assert first.number == 1 and first.is_first and "<strong>twice a year</strong>" in first.html
    reply = services.post_create(thread=thread, author=people["other_member"], body="Every quarter.")
    second = services.post_create(thread=thread, author=people["member"], body="Thanks!", quoted_post=reply)
    assert (reply.number, second.number) == (2, 3) and second.quoted_post_id == reply.pk
    thread = Thread.objects.get(pk=thread.pk)
    assert (thread.post_count, thread.reply_count) == (3, 2)
    assert thread.last_post_id == second.pk and thread.last_poster_id == people["member"].pk
    assert sorted(thread.tags.names()) == ["Open Data", "chm"]


def test_a_quote_from_another_thread_is_dropped(board, people):
    elsewhere = Post.objects.get(thread=forums_thread(board=board, author=people["member"], title="Other"))
    thread = forums_thread(board=board, author=people["member"])
    reply = services.post_create(
        thread=thread, author=people["other_member"], body="Hm.", quoted_post=elsewhere
    )
    assert reply.quoted_post_id is None


def test_bad_input_and_closed_or_locked_threads_are_refused(board, people):
    with pytest.raises(ForumError):
        forums_thread(board=board, author=people["member"], title="   ")
    with pytest.raises(ForumError):
        forums_thread(board=board, author=people["member"], kind="poll")
    with pytest.raises(NotAllowed):
        forums_thread(board=board, author=people["outsider"])
    thread = forums_thread(board=board, author=people["member"])
    Thread.objects.filter(pk=thread.pk).update(is_closed=True)
    with pytest.raises(ThreadClosed):
        services.post_create(thread=thread, author=people["other_member"], body="Late")
    Thread.objects.filter(pk=thread.pk).update(is_closed=False, is_locked=True)
    with pytest.raises(ThreadLocked):
        services.post_create(thread=thread, author=people["other_member"], body="Late")
    assert Post.objects.filter(thread=thread).count() == 1


def test_a_newcomers_first_posts_wait_for_approval_where_the_community_asks_it(settings):
    settings.FORUMS_APPROVAL_FIRST_POSTS = 1
    board = forums_community_board(join_policy="approval", title="Seed keepers")
    newcomer = UserFactory()
    forums_member(newcomer, board)
    thread = forums_thread(board=board, author=newcomer)
    assert thread.status == PostStatus.PENDING
    assert Post.objects.get(thread=thread).status == PostStatus.PENDING


def test_an_edit_keeps_the_previous_version_and_a_stale_one_changes_nothing(board, people):
    thread = forums_thread(board=board, author=people["member"])
    first = Post.objects.get(thread=thread)
    edited = services.post_edit(
        post=first,
        editor=people["member"],
        body="Three times a year.",
        expected_version=1,
        title="How often?",
    )
    assert edited.version == 2 and Thread.objects.get(pk=thread.pk).title == "How often?"
    (revision,) = PostRevision.objects.filter(post=first)
    assert revision.version == 1 and "twice a year" in revision.body
    with pytest.raises(StaleEdit):
        services.post_edit(post=first, editor=people["member"], body="Lost?", expected_version=1)
    assert Post.objects.get(pk=first.pk).body == "Three times a year."
    with pytest.raises(NotAllowed):
        services.post_edit(post=first, editor=people["other_member"], body="Mine now", expected_version=2)


def test_deletion_is_soft_and_lets_an_accepted_answer_go(board, people):
    thread = forums_thread(board=board, author=people["member"], kind="question")
    answer = services.post_create(thread=thread, author=people["other_member"], body="Use a calendar.")
    services.answer_accept(post=answer, actor=people["member"])
    with pytest.raises(NotYourPost):
        services.post_delete(post=answer, actor=people["member"])
    services.post_delete(post=answer, actor=people["other_member"])
    answer = Post.objects.get(pk=answer.pk)
    assert answer.is_deleted and answer.body == "Use a calendar."  # kept, shown as removed
    thread = Thread.objects.get(pk=thread.pk)
    assert thread.accepted_answer_id is None and Post.objects.filter(thread=thread).count() == 2
