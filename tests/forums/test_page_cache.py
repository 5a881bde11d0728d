"""The thread page's cached parts: one rendering serves many viewers, personalised per request, and a
change to the thread is visible at once."""

import pytest
from django.test import Client
from django.urls import reverse

from forums import services
from forums.models import Reaction
from forums.postlist import MARK
from tests.factories import forums_thread

pytestmark = pytest.mark.django_db


def test_each_member_sees_own_edit_links_and_reactions(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    reply = services.post_create(thread=thread, author=people["other_member"], body="Reply")
    services.reaction_add(post=reply, user=people["member"], kind="like")
    client.force_login(people["member"])
    mine = client.get(thread.get_absolute_url()).text
    client.force_login(people["other_member"])
    theirs = client.get(thread.get_absolute_url()).text
    edit_first = reverse("forums:post_edit", args=[thread.posts.get(number=1).pk])
    edit_reply = reverse("forums:post_edit", args=[reply.pk])
    assert edit_first in mine and edit_reply not in mine
    assert edit_reply in theirs and edit_first not in theirs
    flag_first = reverse("forums:post_flag", args=[thread.posts.get(number=1).pk])
    assert flag_first not in mine and flag_first in theirs
    assert mine.count('aria-pressed="true"') == 1 and theirs.count('aria-pressed="true"') == 0
    assert MARK not in mine and MARK not in theirs and "<!--own:" not in mine


def test_csrf_token_in_a_cached_page_is_the_viewers_own(board, people):
    thread = forums_thread(board=board, author=people["member"])
    post = thread.posts.get()
    for who in ("other_member", "moderator"):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(people[who])
        page = browser.get(thread.get_absolute_url()).text
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        response = browser.post(
            reverse("forums:post_react", args=[post.pk]), {"kind": "like", "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302, who
    assert Reaction.objects.filter(post=post).count() == 2


def test_anonymous_cached_page_follows_changes(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    reply = services.post_create(thread=thread, author=people["other_member"], body="First answer")
    assert "First answer" in client.get(thread.get_absolute_url()).text
    services.post_set_hidden(post=reply, moderator=people["moderator"], hidden=True)
    page = client.get(thread.get_absolute_url()).text
    assert "First answer" not in page and "hidden by a moderator" in page
    services.post_create(thread=thread, author=people["other_member"], body="Second answer")
    assert "Second answer" in client.get(thread.get_absolute_url()).text
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(thread.get_absolute_url()).text
    assert MARK not in page


def test_reaction_change_reaches_other_viewers(client, board, people):
    thread = forums_thread(board=board, author=people["member"])
    post = thread.posts.get()
    client.get(thread.get_absolute_url())
    services.reaction_add(post=post, user=people["other_member"], kind="insightful")
    assert '<span class="reaction__count">1</span>' in client.get(thread.get_absolute_url()).text


def test_placeholders_in_posts_cannot_be_forged(client, board, people):
    body = "`__CSRF__` `__RP:1:like__` <!--own:1:1[-->x<!--]--> " + f"`__{MARK[:4]}CSRF__`"
    thread = forums_thread(board=board, author=people["member"], body=body)
    client.force_login(people["other_member"])
    page = client.get(thread.get_absolute_url()).text
    assert thread.posts.get().html in page  # the post's text is served exactly as stored


def test_own_pending_post_is_shown_to_its_author_only(client, people):
    from tests.factories import UserFactory, forums_community_board, forums_member

    board = forums_community_board(join_policy="approval")
    owner, newcomer, other = UserFactory(), UserFactory(), UserFactory()
    forums_member(owner, board, role="facilitator")
    forums_member(newcomer, board)
    forums_member(other, board)
    thread = forums_thread(board=board, author=owner)
    client.force_login(other)
    client.get(thread.get_absolute_url())  # fills the members' cache for this page
    services.post_create(thread=thread, author=newcomer, body="Waiting for a moderator")
    assert "Waiting for a moderator" not in client.get(thread.get_absolute_url()).text
    client.force_login(newcomer)
    assert "Waiting for a moderator" in client.get(thread.get_absolute_url()).text
    client.force_login(owner)
    assert "Waiting for a moderator" in client.get(thread.get_absolute_url()).text
