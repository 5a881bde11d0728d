"""Every surface asked from outside: anonymous, non-member, member, moderator of another community,
moderator, facilitator, banned. Members-only boards are closed to outsiders on every page and list."""

import pytest
from django.urls import reverse

from forums import services
from forums.models import Post, Thread
from tests.factories import UserFactory, forums_community_board, forums_member, forums_thread

pytestmark = pytest.mark.django_db

NO_FILES = {"attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"}


@pytest.fixture
def world(db):
    """A members-only community with a thread, a hidden community, and people in every role."""
    private = forums_community_board(visibility="members", join_policy="open", title="Members-only CoP")
    hidden = forums_community_board(visibility="hidden", join_policy="invitation", title="Secret CoP")
    elsewhere = forums_community_board(title="Other CoP")
    people = {
        "member": UserFactory(),
        "moderator": UserFactory(),
        "facilitator": UserFactory(),
        "other_moderator": UserFactory(),
        "outsider": UserFactory(),
        "banned": UserFactory(),
    }
    for board in (private, hidden):
        forums_member(people["member"], board)
        forums_member(people["moderator"], board, role="moderator")
        forums_member(people["facilitator"], board, role="facilitator")
        forums_member(people["banned"], board, status="banned")
    forums_member(people["other_moderator"], elsewhere, role="moderator")
    thread = forums_thread(board=private, author=people["member"], title="Private plans for 2030")
    hidden_thread = forums_thread(board=hidden, author=people["member"], title="Secret plans")
    return {"private": private, "hidden": hidden, "thread": thread, "hidden_thread": hidden_thread, **people}


READERS = ["member", "moderator", "facilitator"]
OUTSIDERS = ["anonymous", "outsider", "other_moderator", "banned"]


def login(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])


@pytest.mark.parametrize("who", READERS + OUTSIDERS)
def test_members_only_board_and_thread_pages(client, world, who):
    login(client, world, who)
    thread = world["thread"]
    post = thread.posts.get()
    board_page = client.get(world["private"].get_absolute_url())
    thread_page = client.get(thread.get_absolute_url())
    permalink = client.get(reverse("forums:post", args=[post.pk]))
    if who in READERS:
        assert board_page.status_code == thread_page.status_code == 200
        assert "Private plans for 2030" in board_page.text
        assert permalink.status_code == 302
    else:
        assert board_page.status_code == thread_page.status_code == permalink.status_code == 403
        assert "Private plans" not in board_page.text + thread_page.text
        assert "for its members" in thread_page.text


@pytest.mark.parametrize("who", READERS + OUTSIDERS)
def test_hidden_community_board_is_404_for_outsiders(client, world, who):
    login(client, world, who)
    response = client.get(world["hidden_thread"].get_absolute_url())
    assert response.status_code == (200 if who in READERS else 404)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_lists_and_feeds_never_leak_members_only_threads(client, world, who, site_home):
    login(client, world, who)
    index = client.get(reverse("forums:index"))
    assert "Members-only CoP" not in index.text and "Secret CoP" not in index.text
    home = client.get("/en/")
    assert "Private plans" not in home.text and "Secret plans" not in home.text
    if who != "anonymous":
        mentions = client.get(reverse("forums:mention_search", args=[world["private"].slug]) + "?q=a")
        assert mentions.status_code == 403


@pytest.mark.parametrize("who", READERS)
def test_readers_see_the_threads_in_lists(client, world, who, site_home):
    login(client, world, who)
    assert "Members-only CoP" in client.get(reverse("forums:index")).text
    assert "Private plans for 2030" in client.get("/en/").text


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_post_reply_react_or_flag(client, world, who):
    login(client, world, who)
    thread = world["thread"]
    post = thread.posts.get()
    responses = [
        client.post(reverse("forums:reply", args=[thread.pk]), {"body": "Let me in", **NO_FILES}),
        client.post(
            reverse("forums:thread_create", args=[world["private"].slug]),
            {"title": "Intruder", "kind": "discussion", "body": "x", **NO_FILES},
        ),
        client.post(reverse("forums:post_react", args=[post.pk]), {"kind": "like"}),
        client.post(reverse("forums:post_flag", args=[post.pk]), {"reason": "spam"}),
    ]
    for response in responses:
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403
    assert Post.objects.count() == 2 and Thread.objects.count() == 2


def test_public_board_anonymous_reads_but_cannot_write(client, db):
    board = forums_community_board()
    author = UserFactory()
    forums_member(author, board)
    thread = forums_thread(board=board, author=author, title="Open thread")
    page = client.get(thread.get_absolute_url())
    assert page.status_code == 200 and "Log in to reply" in page.text
    assert 'action="/en/forums/t/' not in page.text
    outsider = UserFactory()
    client.force_login(outsider)
    page = client.get(thread.get_absolute_url())
    assert "Only members of this community can reply" in page.text
    response = client.post(reverse("forums:reply", args=[thread.pk]), {"body": "Hi", **NO_FILES})
    assert response.status_code == 403
    assert "Only members of this community can post here" in response.text


def test_site_forum_any_signed_in_user_posts(client, site_board):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("forums:thread_create", args=[site_board.slug]),
        {
            "title": "How do I change my language?",
            "kind": "question",
            "body": "Where is the setting?",
            **NO_FILES,
        },
    )
    assert response.status_code == 302
    client.logout()
    assert client.get(Thread.objects.get().get_absolute_url()).status_code == 200


def test_only_author_or_moderator_edits(client, world):
    post = world["thread"].posts.get()
    url = reverse("forums:post_edit", args=[post.pk])
    for who, status in [("facilitator", 200), ("moderator", 200), ("member", 200)]:
        client.force_login(world[who])
        assert client.get(url).status_code == status
    other = UserFactory()
    forums_member(other, world["private"])
    client.force_login(other)
    response = client.post(url, {"body": "Hijacked", "title": "Hijacked", "version": 1})
    assert response.status_code == 403 and "only edit or remove your own posts" in response.text
    assert client.post(reverse("forums:post_delete", args=[post.pk])).status_code == 403
    post.refresh_from_db()
    assert post.body != "Hijacked" and not post.is_deleted


def test_author_cannot_edit_in_locked_thread(client, world):
    thread = world["thread"]
    services.thread_moderate(thread=thread, moderator=world["moderator"], action="lock")
    client.force_login(world["member"])
    response = client.post(
        reverse("forums:post_edit", args=[thread.posts.get().pk]),
        {"body": "late", "title": "t", "version": 1},
    )
    assert response.status_code == 403 and "locked" in response.text


def test_mention_autocomplete_lists_members_only(client, world):
    world["member"].display_name = "Aroha Ngata"
    world["member"].save()
    stranger = UserFactory(display_name="Aroha Stranger")
    client.force_login(world["moderator"])
    data = client.get(reverse("forums:mention_search", args=[world["private"].slug]) + "?q=aro").json()
    assert data == {"results": [{"name": "Aroha Ngata"}]}
    assert stranger.display_name not in str(data)
