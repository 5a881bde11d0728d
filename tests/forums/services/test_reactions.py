"""forums.services.reactions: reactions (once per kind and person, counted on the post, refused on locked
threads and hidden posts) and a question's accepted answer (by its asker or a moderator, never the
question itself)."""

import pytest

from forums import services
from forums.exceptions import AlreadyReacted, ForumError, NotAllowed, NothingToDo, ThreadLocked
from forums.models import ModerationLog, Notification, Post, Thread
from tests.factories import forums_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply(board, people):
    thread = forums_thread(board=board, author=people["member"], kind="question")
    return services.post_create(thread=thread, author=people["other_member"], body="Twice a year works.")


def test_a_reaction_is_counted_once_per_kind_and_person(reply, people):
    services.reaction_add(post=reply, user=people["member"], kind="like")
    services.reaction_add(post=reply, user=people["moderator"], kind="like")
    services.reaction_add(post=reply, user=people["member"], kind="thanks")
    with pytest.raises(AlreadyReacted):
        services.reaction_add(post=reply, user=people["member"], kind="like")
    assert Post.objects.get(pk=reply.pk).reaction_counts == {"like": 2, "thanks": 1}
    services.reaction_remove(post=reply, user=people["member"], kind="like")
    assert Post.objects.get(pk=reply.pk).reaction_counts == {"like": 1, "thanks": 1}
    with pytest.raises(NothingToDo):
        services.reaction_remove(post=reply, user=people["member"], kind="like")


def test_reactions_refused_to_outsiders_on_locked_threads_and_for_unknown_kinds(reply, people):
    with pytest.raises(ForumError):
        services.reaction_add(post=reply, user=people["member"], kind="shrug")
    with pytest.raises(NotAllowed):
        services.reaction_add(post=reply, user=people["outsider"], kind="like")
    Thread.objects.filter(pk=reply.thread_id).update(is_locked=True)
    with pytest.raises(ThreadLocked):
        services.reaction_add(post=reply, user=people["member"], kind="like")
    services.reaction_add(post=reply, user=people["moderator"], kind="like")  # moderators still may
    assert Post.objects.get(pk=reply.pk).reaction_counts == {"like": 1}


def test_the_asker_accepts_an_answer_and_its_author_is_told(reply, people):
    with pytest.raises(NotAllowed):
        services.answer_accept(post=reply, actor=people["other_member"])
    thread = services.answer_accept(post=reply, actor=people["member"])
    assert Thread.objects.get(pk=thread.pk).accepted_answer_id == reply.pk
    assert Notification.objects.filter(recipient=people["other_member"], post=reply, kind="accepted").exists()
    assert not ModerationLog.objects.exists()  # the asker's own choice is no moderation
    with pytest.raises(NothingToDo):
        services.answer_accept(post=reply, actor=people["member"])
    services.answer_unaccept(thread=thread, actor=people["member"])
    assert Thread.objects.get(pk=thread.pk).accepted_answer_id is None


def test_a_moderator_accepts_for_the_asker_and_it_is_logged(reply, people):
    services.answer_accept(post=reply, actor=people["moderator"])
    assert ModerationLog.objects.filter(actor=people["moderator"], post=reply).exists()


def test_the_question_itself_and_discussions_have_no_accepted_answer(board, reply, people):
    first = Post.objects.get(thread=reply.thread, number=1)
    with pytest.raises(ForumError):
        services.answer_accept(post=first, actor=people["member"])
    discussion = forums_thread(board=board, author=people["member"], title="Open data portals")
    answer = services.post_create(thread=discussion, author=people["other_member"], body="Ours is CKAN.")
    with pytest.raises(ForumError):
        services.answer_accept(post=answer, actor=people["member"])
