"""The thread page's cached parts: one rendering serves many viewers, personalised per request, and a
change to the thread is visible at once."""

import pytest
from django.test import Client
from django.urls import reverse

from forums import services
from forums.models import Reaction
from forums.postlist import MARK
from tests.factories import UserFactory, forums_thread

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
    thread = forums_thread(board=board, author=people["member"], body="The first post")
    first = thread.posts.get()
    services.reaction_add(post=first, user=people["other_member"], kind="like")
    body = "`__CSRF__` `__RP:1:like__` <!--own:1:1[-->x<!--]--> " + f"`__{MARK[:4]}CSRF__`"
    body += (
        f' <input value="add" data-mine="{first.pk}:like"> aria-pressed="false" data-mine="{first.pk}:like">'
    )
    body += f' [x](https://example.org "aria-pressed="false" data-mine="{first.pk}:like">")'
    reply = services.post_create(thread=thread, author=people["member"], body=body)
    client.force_login(people["other_member"])
    page = client.get(thread.get_absolute_url()).text
    reply.refresh_from_db()
    assert 'data-mine="' in reply.html and reply.html in page  # the post's text is served as stored
    assert page.count('aria-pressed="true"') == 1  # the one real reaction of the viewer


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


def _bell(page: str) -> str:
    return page.split('class="bell"', 1)[1].split("</a>", 1)[0]


def test_one_cached_page_serves_each_member_their_own_shell(client, board, people):
    """Name, id, bell, following and unread marks are each viewer's own, though the page is rendered once."""
    from django.core.cache import cache

    from forums.models import Notification, Watch
    from tests.factories import forums_member

    newcomer = UserFactory(display_name="Nia <b>Newcomer</b>")
    forums_member(newcomer, board)
    thread = forums_thread(board=board, author=people["member"])
    reply = services.post_create(thread=thread, author=people["other_member"], body="A reply")
    Notification.objects.create(recipient=people["member"], kind="reply", thread=thread, post=reply)
    url = thread.get_absolute_url()
    client.force_login(people["member"])
    mine = client.get(url).text
    cached = [key for key in cache._cache if "forums:page:" in key]  # locmem in tests
    client.force_login(newcomer)
    theirs = client.get(url).text
    assert [key for key in cache._cache if "forums:page:" in key] == cached  # served from the same entry
    assert "Mara Member</bdi></summary>" in mine and "Nia" not in mine.split("</header>")[0]
    assert "Nia &lt;b&gt;Newcomer&lt;/b&gt;</bdi></summary>" in theirs
    assert "Mara Member</bdi></summary>" not in theirs
    assert f'data-live-user="{people["member"].pk}"' in mine and f'data-live-user="{newcomer.pk}"' in theirs
    assert "bell__count" in _bell(mine) and ">1<" in _bell(mine) and "bell__count" not in _bell(theirs)
    assert Watch.objects.filter(user=people["member"], thread=thread, active=True).exists()
    assert "Stop following" in mine and "Follow this thread" not in mine
    assert "Follow this thread" in theirs and "Stop following" not in theirs
    assert "Jump to first unread" in theirs and "Jump to first unread" not in client.get(url).text
    for page in (mine, theirs):
        assert MARK not in page and page.count('name="csrfmiddlewaretoken"') >= 3


def test_staff_get_their_user_bar_and_a_page_of_their_own(client, board, people):
    from django.core.cache import cache

    thread = forums_thread(board=board, author=people["member"])
    client.force_login(people["staff"])
    page = client.get(thread.get_absolute_url()).text
    assert "wagtail-userbar" in page and "Sam Staff</bdi>" in page and 'href="/admin/"' in page
    assert not [key for key in cache._cache if "forums:page:" in key]
    client.force_login(people["other_member"])
    page = client.get(thread.get_absolute_url()).text
    assert "wagtail-userbar" not in page and 'href="/admin/"' not in page


def test_signed_in_cached_page_costs_a_handful_of_queries(client, board, people, django_assert_num_queries):
    """Session (cached), user, thread, membership, the viewer's state, their reactions on the page."""
    thread = forums_thread(board=board, author=people["member"])
    services.post_create(thread=thread, author=people["other_member"], body="Reply")
    client.force_login(people["member"])
    client.get(thread.get_absolute_url())
    with django_assert_num_queries(5):
        assert client.get(thread.get_absolute_url()).status_code == 200
    client.logout()
    client.get(thread.get_absolute_url())
    with django_assert_num_queries(1):  # the thread, for its state and permissions
        assert client.get(thread.get_absolute_url()).status_code == 200


def test_moderators_cached_page_follows_edits_of_a_waiting_post(client, people):
    from tests.factories import UserFactory, forums_community_board, forums_member

    board = forums_community_board(join_policy="approval")
    owner, newcomer = UserFactory(), UserFactory()
    forums_member(owner, board, role="facilitator")
    forums_member(newcomer, board)
    thread = forums_thread(board=board, author=owner)
    post = services.post_create(thread=thread, author=newcomer, body="First draft")
    assert post.is_pending
    client.force_login(owner)
    assert "First draft" in client.get(thread.get_absolute_url()).text
    services.post_edit(post=post, editor=newcomer, body="Second draft", expected_version=post.version)
    page = client.get(thread.get_absolute_url()).text
    assert "Second draft" in page and "First draft" not in page
